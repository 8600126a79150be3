#!/usr/bin/env python3
"""The Python package against Python's sqlite3 module, on the same workloads and data, in one run.

    python3 bench/python_bench.py [--json FILE] [--customers N] [--rounds R]

Both sides hold the same customers: libcrm through the `crm` package, SQLite through the schema
of bench/customer_bench.cc and bench/activity_bench.cc (one row per customer with its emails,
phones and tags flattened, plus the lookup tables and indexes libcrm keeps: email, phone, name
words, tags, a change log) in WAL mode with synchronous=FULL, as durable as libcrm's commits.
Rounds alternate between the two; each figure is the best (fastest) round. A workload that reads a record
reads the same fields on both sides.

  PyGetById     a customer by id; read its display name and primary email
  PyGetByEmail  a customer by email (case-insensitive on both sides); read its display name
  PyTimeline20  the 20 newest interactions of a customer with 50; read each one's subject
  PyInsert10k   10,000 customers in one write transaction, committed durably (customers/s)

--json writes a list of {"workload", "crm_per_s", "sqlite_per_s"}.
--ffi also compares the cost of one call into libcrm through the package's cffi binding, cffi's ABI
mode and ctypes.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _import_crm():
    try:
        import crm  # an installed package
    except ImportError:
        sys.path.insert(0, str(ROOT / "bindings" / "python"))
        if "CRM_LIBRARY" not in os.environ:
            for build in ("bench", "test"):
                candidate = ROOT / "build" / build / "libcrm.so.0"
                if candidate.exists():
                    os.environ["CRM_LIBRARY"] = str(candidate)
                    break
        import crm
    return crm


crm = _import_crm()

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "José"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Álvarez"]
CITIES = ["Lisbon", "Oslo", "Austin", "Osaka", "Lyon"]
TAGS = ["vip", "newsletter", "partner", "trial"]


def person(i: int) -> dict:
    r = random.Random(i)
    given, family = r.choice(FIRST), r.choice(LAST)
    return {
        "given": given,
        "family": f"{family}{i}",
        "email": f"{given.lower()}.{i}@example.com",
        "phone": f"+1 555 {i // 10000:03d} {i % 10000:04d}",
        "city": r.choice(CITIES),
        "country": "US",
        "tag": r.choice(TAGS),
        "owner": f"rep{i % 20}",
        "external": f"ext-{i}",
    }


def crm_customer(p: dict):
    return crm.Customer(
        given_name=p["given"], family_name=p["family"], emails=[p["email"]], phones=[p["phone"]],
        city=p["city"], country=p["country"], tags=[p["tag"]], owner=p["owner"], external_id=p["external"],
    )  # fmt: skip


# ---- SQLite with the schema of the C++ benchmarks ----

SCHEMA = [
    """CREATE TABLE customers(
      id INTEGER PRIMARY KEY, kind INTEGER, display_name TEXT, given_name TEXT, family_name TEXT,
      emails TEXT, phones TEXT, street TEXT, city TEXT, region TEXT, postal_code TEXT, country TEXT,
      stage INTEGER, owner TEXT, tags TEXT, custom TEXT, email_opt_in INTEGER, legal_basis INTEGER,
      opt_in_at INTEGER, do_not_call INTEGER, external_id TEXT UNIQUE, memberships TEXT,
      created_at INTEGER, updated_at INTEGER, revision INTEGER, archived INTEGER, archived_at INTEGER)""",
    "CREATE TABLE customer_email(email TEXT PRIMARY KEY, customer_id INTEGER) WITHOUT ROWID",
    "CREATE TABLE customer_phone(digits TEXT, customer_id INTEGER, PRIMARY KEY(digits, customer_id)) WITHOUT ROWID",
    "CREATE TABLE customer_name(word TEXT, customer_id INTEGER, PRIMARY KEY(word, customer_id)) WITHOUT ROWID",
    "CREATE TABLE customer_tag(tag TEXT, customer_id INTEGER, PRIMARY KEY(tag, customer_id)) WITHOUT ROWID",
    "CREATE INDEX customers_owner ON customers(owner)",
    "CREATE INDEX customers_stage ON customers(stage)",
    """CREATE TABLE changes(seq INTEGER PRIMARY KEY, at INTEGER, actor TEXT, entity INTEGER,
      entity_id INTEGER, op INTEGER, fields TEXT)""",
    """CREATE TABLE interactions(id INTEGER PRIMARY KEY, customer_id INTEGER, kind INTEGER,
      kind_label TEXT, direction INTEGER, occurred_at INTEGER, duration_seconds INTEGER, subject TEXT,
      body TEXT, outcome TEXT, satisfaction INTEGER, amount INTEGER, currency TEXT, owner TEXT,
      opportunity_id INTEGER, due_at INTEGER, done INTEGER, created_at INTEGER, updated_at INTEGER,
      revision INTEGER)""",
    "CREATE INDEX interactions_timeline ON interactions(customer_id, occurred_at, id)",
]

COLUMNS = (
    "c.id,c.kind,c.display_name,c.given_name,c.family_name,c.emails,c.phones,c.street,c.city,c.region,"
    "c.postal_code,c.country,c.stage,c.owner,c.tags,c.custom,c.email_opt_in,c.legal_basis,c.opt_in_at,"
    "c.do_not_call,c.external_id,c.memberships,c.created_at,c.updated_at,c.revision,c.archived,c.archived_at"
)
TIMELINE = (
    "SELECT id,customer_id,kind,kind_label,direction,occurred_at,duration_seconds,subject,body,outcome,"
    "satisfaction,amount,currency,owner,opportunity_id,due_at,done,created_at,updated_at,revision "
    "FROM interactions WHERE customer_id=? ORDER BY occurred_at DESC, id DESC LIMIT 20"
)


def sqlite_open(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA cache_size=-262144")
    for statement in SCHEMA:
        db.execute(statement)
    return db


def sqlite_insert(db: sqlite3.Connection, p: dict, now: int) -> int:
    display = f"{p['given']} {p['family']}"
    cur = db.execute(
        "INSERT INTO customers VALUES(NULL,1,?,?,?,?,?,'',?,'','',?,2,?,?,'',0,0,0,0,?,'',?,?,1,0,0)",
        (display, p["given"], p["family"], p["email"], p["phone"], p["city"], p["country"], p["owner"], p["tag"],
         p["external"], now, now),
    )  # fmt: skip
    cid = cur.lastrowid
    db.execute("INSERT INTO customer_email VALUES(?,?)", (p["email"].lower(), cid))
    db.execute("INSERT INTO customer_phone VALUES(?,?)", ("".join(ch for ch in p["phone"] if ch.isdigit()), cid))
    for word in {p["given"].lower(), p["family"].lower()}:
        db.execute("INSERT INTO customer_name VALUES(?,?)", (word, cid))
    db.execute("INSERT INTO customer_tag VALUES(?,?)", (p["tag"], cid))
    db.execute(
        "INSERT INTO changes VALUES(NULL,?,'bench',1,?,1,?)",
        (now, cid, f"display_name={display};emails={p['email']};phones={p['phone']};city={p['city']}"),
    )
    return cid


def measure(fn, n: int) -> float:
    """Operations per second of n calls of fn(i)."""
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - start)


def run(customers: int, rounds: int) -> list[dict]:
    work = Path(tempfile.mkdtemp(prefix="crm-pybench-"))
    try:
        return _run(work, customers, rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, customers: int, rounds: int) -> list[dict]:
    people = [person(i) for i in range(customers)]
    db = crm.open(work / "bench.crm", map_size=1 << 30)
    sq = sqlite_open(str(work / "bench.sqlite"))
    now = int(time.time() * 1e6)
    print(f"loading {customers} customers and 50 interactions for each of the first 1,000 ...", file=sys.stderr)
    with db.write(actor="bench") as txn:
        ids = [txn.create_customer(crm_customer(p)).id for p in people]
    sq.execute("BEGIN")
    sq_ids = [sqlite_insert(sq, p, now) for p in people]
    sq.execute("COMMIT")
    body = "Talked through the renewal and the new seats; follow up next week with the quote. " * 2
    timeline_customers = list(range(min(1000, customers)))
    with db.write(actor="bench") as txn:
        for k in timeline_customers:
            for j in range(50):
                txn.log_interaction(
                    crm.Interaction(
                        customer=ids[k], kind=crm.InteractionKind.CALL, subject=f"Call {j}", body=body,
                        occurred_at=crm.values.at_micros(now - (50 - j) * 3_600_000_000),
                    )
                )  # fmt: skip
    sq.execute("BEGIN")
    for k in timeline_customers:
        for j in range(50):
            sq.execute(
                "INSERT INTO interactions VALUES(NULL,?,1,'',0,?,0,?,?,'',0,0,'','',0,0,0,?,?,1)",
                (sq_ids[k], now - (50 - j) * 3_600_000_000, f"Call {j}", body, now, now),
            )
    sq.execute("COMMIT")

    r = random.Random(7)
    n_get = 20000
    picks = [r.randrange(customers) for _ in range(n_get)]
    emails = [people[i]["email"].upper() for i in picks]
    timeline_picks = [r.choice(timeline_customers) for _ in range(3000)]

    def crm_get_by_id(i: int) -> None:
        c = db.customer(ids[picks[i]])
        c.display_name
        c.email

    def sq_get_by_id(i: int) -> None:
        row = sq.execute(f"SELECT {COLUMNS} FROM customers c WHERE c.id=?", (sq_ids[picks[i]],)).fetchone()
        row[2]
        row[5]

    def crm_get_by_email(i: int) -> None:
        db.customer_by_email(emails[i]).display_name

    def sq_get_by_email(i: int) -> None:
        row = sq.execute(
            f"SELECT {COLUMNS} FROM customer_email e JOIN customers c ON c.id=e.customer_id WHERE e.email=?",
            (emails[i].lower(),),
        ).fetchone()
        row[2]

    islice = itertools.islice

    def crm_timeline(i: int) -> None:
        for item in islice(db.timeline(ids[timeline_picks[i]], page_size=20), 20):
            item.subject

    def sq_timeline(i: int) -> None:
        for row in sq.execute(TIMELINE, (sq_ids[timeline_picks[i]],)).fetchall():
            row[7]

    results = {name: ([], []) for name in ("PyGetById", "PyGetByEmail", "PyTimeline20", "PyInsert10k")}
    for round_no in range(rounds):
        print(f"round {round_no + 1}/{rounds}", file=sys.stderr)
        results["PyGetById"][0].append(measure(crm_get_by_id, n_get))
        results["PyGetById"][1].append(measure(sq_get_by_id, n_get))
        results["PyGetByEmail"][0].append(measure(crm_get_by_email, n_get))
        results["PyGetByEmail"][1].append(measure(sq_get_by_email, n_get))
        results["PyTimeline20"][0].append(measure(crm_timeline, len(timeline_picks)))
        results["PyTimeline20"][1].append(measure(sq_timeline, len(timeline_picks)))
        batch = [person(customers * (round_no + 2) + i) for i in range(10000)]

        start = time.perf_counter()
        with db.write(actor="bench") as txn:
            for p in batch:
                txn.create_customer(crm_customer(p))
        results["PyInsert10k"][0].append(len(batch) / (time.perf_counter() - start))

        start = time.perf_counter()
        sq.execute("BEGIN")
        for p in batch:
            sqlite_insert(sq, p, now)
        sq.execute("COMMIT")
        results["PyInsert10k"][1].append(len(batch) / (time.perf_counter() - start))
    db.close()
    sq.close()
    return [
        {"workload": name, "crm_per_s": round(max(c), 1), "sqlite_per_s": round(max(s), 1)}
        for name, (c, s) in results.items()
    ]


def ffi_compare(n: int = 100000) -> None:
    """One int getter and one text getter through cffi (the package) and through ctypes."""
    import ctypes

    from crm._native import LIBRARY_PATH, ffi, lib

    c = crm.Customer(given_name="Ada", family_name="Lovelace")
    handle = c._h
    cdll = ctypes.CDLL(LIBRARY_PATH)
    cdll.crm_customer_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    cdll.crm_customer_int.argtypes = [ctypes.c_void_p, ctypes.c_int]
    cdll.crm_customer_int.restype = ctypes.c_int64
    cdll.crm_customer_text.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    cdll.crm_customer_text.restype = ctypes.c_char_p
    cdll.crm_customer_set_text.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
    ch = ctypes.c_void_p()
    cdll.crm_customer_new(ctypes.byref(ch))
    cdll.crm_customer_set_text(ch, 102, b"Ada", 3)  # CRM_CUSTOMER_GIVEN_NAME

    from cffi import FFI

    from crm._cdef import CDEF

    abi = FFI()  # cffi's ABI mode on the same library
    abi.cdef(CDEF)
    alib = abi.dlopen(LIBRARY_PATH)
    ah = abi.new("crm_customer**")
    alib.crm_customer_new(ah)
    alib.crm_customer_set_text(ah[0], 102, b"Ada", 3)
    names = {
        "ffi": ffi, "lib": lib, "h": handle, "null": ffi.NULL,
        "abi": abi, "alib": alib, "ah": ah[0], "anull": abi.NULL, "cdll": cdll, "ch": ch,
    }  # fmt: skip

    def ns(statement: str) -> float:
        """The best of seven timings of n runs of the statement, in ns a run."""
        return min(timeit.repeat(statement, globals=names, number=n, repeat=7)) / n * 1e9

    rows = [
        ("int getter", ns("lib.crm_customer_int(h, 207)"), ns("alib.crm_customer_int(ah, 207)"),
         ns("cdll.crm_customer_int(ch, 207)")),
        ("text getter (decoded)", ns("ffi.string(lib.crm_customer_text(h, 102, null)).decode()"),
         ns("abi.string(alib.crm_customer_text(ah, 102, anull)).decode()"),
         ns("cdll.crm_customer_text(ch, 102, None).decode()")),
    ]  # fmt: skip
    print(f"| call | cffi ({crm._native.MODE} mode, the package) ns | cffi ABI mode ns | ctypes ns | ctypes / package |")
    print("|---|---:|---:|---:|---:|")
    for name, a, b, c in rows:
        print(f"| {name} | {a:.0f} | {b:.0f} | {c:.0f} | {c / a:.2f}× |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--customers", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ffi", action="store_true", help="also compare cffi and ctypes call costs")
    args = parser.parse_args()
    print(f"== python {sys.version.split()[0]}, libcrm {crm.library_version} ({crm.library_path}), "
          f"sqlite {sqlite3.sqlite_version}; {args.customers} customers, best of {args.rounds} rounds")  # fmt: skip
    figures = run(args.customers, args.rounds)
    print("| workload | crm/s | sqlite3/s | crm ÷ sqlite3 |")
    print("|---|---:|---:|---:|")
    for f in figures:
        print(f"| {f['workload']} | {f['crm_per_s']:,.0f} | {f['sqlite_per_s']:,.0f} | "
              f"{f['crm_per_s'] / f['sqlite_per_s']:.2f}× |")  # fmt: skip
    if args.ffi:
        ffi_compare()
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
