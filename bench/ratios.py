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


if __name__ == "__main__":
    main(sys.argv[1:])
