"""Prints a ratio table from Google Benchmark JSON files whose benchmarks are named
<Workload>/<side>: libcrm against each other side, in items per second."""
import json
import sys


def main(paths):
    rows = {}
    order = []
    for path in paths:
        with open(path) as f:
            for b in json.load(f)["benchmarks"]:
                if b.get("run_type") == "aggregate":
                    continue
                workload, side = b["name"].split("/")[:2]
                rate = b.get("items_per_second")
                if rate is None:
                    continue
                if workload not in rows:
                    rows[workload] = {}
                    order.append(workload)
                rows[workload][side] = rate
    print()
    print(f"{'workload':<22}{'crm/s':>12}{'other':>14}{'other/s':>12}{'crm : other':>13}")
    for workload in order:
        sides = rows[workload]
        crm = sides.get("crm")
        for other, rate in sides.items():
            if other == "crm" or crm is None:
                continue
            print(f"{workload:<22}{crm:>12,.0f}{other:>14}{rate:>12,.0f}{crm / rate:>12.2f}x")
    print()
    footprint(paths)


def footprint(paths):
    """Bytes on disk per record (Footprint* entries): libcrm against each other side."""
    sizes = {}
    for path in paths:
        with open(path) as f:
            for b in json.load(f)["benchmarks"]:
                if "bytes_per_record" in b:
                    workload, side = b["name"].split("/")[:2]
                    sizes.setdefault(workload, {})[side] = b["bytes_per_record"]
    if not sizes:
        return
    print(f"{'footprint':<22}{'crm B/rec':>12}{'other':>14}{'other B/rec':>12}{'crm : other':>13}")
    for workload, sides in sizes.items():
        crm = sides.get("crm")
        for other, size in sides.items():
            if other != "crm" and crm is not None and size:
                print(f"{workload:<22}{crm:>12,.0f}{other:>14}{size:>12,.0f}{crm / size:>12.2f}x")
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
