"""The `crm` command-line tool, run as a person runs it: the real binary (CRM_CLI), its exit codes,
its tables and its JSON, on databases in a temporary directory."""
import csv
import json
import os
import subprocess

import pytest

CLI = os.environ["CRM_CLI"]  # the crm binary (ctest sets it)


def run(tmp_path, *args, code=0, env=None):
    full_env = dict(os.environ, CRM_DB=str(tmp_path / "crm.db"), **(env or {}))
    p = subprocess.run([CLI, *args], capture_output=True, text=True, env=full_env, timeout=60)
    assert p.returncode == code, (args, p.returncode, p.stdout, p.stderr)
    return p


def js(tmp_path, *args, **kw):
    return json.loads(run(tmp_path, *args, "--json", **kw).stdout)


def test_customers_from_init_to_delete(tmp_path):
    assert "created database" in run(tmp_path, "init").stdout
    assert run(tmp_path, "init", code=1).stderr == f"crm: init: {tmp_path / 'crm.db'} exists already\n"
    ann = js(tmp_path, "customer", "add", "--given", "Ann", "--family", "Ålvarez", "--email", "Ann@Alpha.example",
             "--email", "ann.private@example.org", "--phone", "+49 30 1234567", "--tag", "vip", "--country", "DE",
             "--custom", "tier=gold")  # fmt: skip
    assert ann["id"] == 1 and ann["display_name"] == "Ann Ålvarez" and ann["custom"] == {"tier": "gold"}
    assert [e["address"] for e in ann["emails"]] == ["Ann@Alpha.example", "ann.private@example.org"]
    assert ann["phones"][0]["e164"] == "+49301234567"
    org = js(tmp_path, "customer", "add", "--org", "--name", "Alpha GmbH", "--website", "https://www.alpha.example/x")
    assert org["kind"] == "organization"

    # Lookups: by id, email (any case), external id, phone; find by name words; a table by default.
    assert js(tmp_path, "customer", "get", "1")["id"] == 1
    assert js(tmp_path, "customer", "get", "ann@alpha.EXAMPLE")["id"] == 1
    assert js(tmp_path, "customer", "get", "tel:+49 (30) 123-4567")["id"] == 1
    assert js(tmp_path, "customer", "get", "tel:+4930 1234567")["id"] == 1
    assert [c["id"] for c in js(tmp_path, "customer", "find", "alv")] == [1]
    table = run(tmp_path, "customer", "find", "ann").stdout.splitlines()
    assert table[0].split() == ["id", "name", "kind", "email", "phone", "stage", "owner", "tags"]
    assert table[1].split()[:3] == ["1", "Ann", "Ålvarez"] and len(table) == 2
    shown = dict(line.split(None, 1) for line in run(tmp_path, "customer", "get", "1").stdout.splitlines()[1:])
    assert shown["custom.tier"] == "gold" and shown["address"] == "DE" and shown["tags"] == "vip"
    assert dict(line.split(None, 1) for line in run(tmp_path, "customer", "get", "2").stdout.splitlines()[1:])[
        "domains"] == "alpha.example"

    # A partial update changes only what it names; --add-tag adds.
    updated = js(tmp_path, "customer", "update", "1", "--add-tag", "gold", "--city", "Berlin", "--stage", "customer")
    assert updated["tags"] == ["vip", "gold"] and updated["address"]["city"] == "Berlin"
    assert updated["address"]["country"] == "DE" and len(updated["emails"]) == 2 and updated["stage"] == "customer"
    assert [c["id"] for c in js(tmp_path, "customer", "list", "--where", "tag = 'gold' and address.country = 'de'")] == [1]
    assert [c["id"] for c in js(tmp_path, "customer", "list", "--order-by", "display_name")] == [2, 1]

    # Archive hides from lists; delete removes.
    assert js(tmp_path, "customer", "archive", "2")["archived"] is True
    assert [c["id"] for c in js(tmp_path, "customer", "list")] == [1]
    assert [c["id"] for c in js(tmp_path, "customer", "list", "--archived")] == [1, 2]
    assert js(tmp_path, "customer", "delete", "2") == {"deleted": 2}
    assert run(tmp_path, "customer", "get", "2", code=1).stderr.startswith("crm: customer get: ")
    assert run(tmp_path, "verify").stdout.endswith("no problem\n")


def test_interactions_timeline_and_changes(tmp_path):
    run(tmp_path, "init")
    run(tmp_path, "customer", "add", "--given", "Bo", "--family", "Berg", "--email", "bo@berg.example")
    call = js(tmp_path, "--actor", "maria", "interaction", "log", "1", "--kind", "call", "--subject", "Renewal",
              "--outcome", "demo booked", "--at", "2024-03-01T09:30:00+01:00", "--direction", "outbound")  # fmt: skip
    assert call["occurred_at"] == "2024-03-01T08:30:00Z" and call["direction"] == "outbound"
    js(tmp_path, "interaction", "log", "1", "--kind", "note", "--subject", "Follow-up", "--body", "two\nlines", "--at", "2024-03-02")
    timeline = js(tmp_path, "timeline", "1")
    assert [i["subject"] for i in timeline] == ["Follow-up", "Renewal"] and timeline[0]["body"] == "two\nlines"
    assert [i["subject"] for i in js(tmp_path, "timeline", "1", "--oldest-first", "--limit", "1")] == ["Renewal"]
    assert [i["kind"] for i in js(tmp_path, "timeline", "1", "--from", "2024-03-02")] == ["note"]
    lines = run(tmp_path, "timeline", "1").stdout.splitlines()
    assert len(lines) == 3 and lines[1].split()[2:4] == ["note", "Follow-up"] and "demo booked" in lines[2]
    changes = js(tmp_path, "changes", "--from", "2")
    assert [(c["entity"], c["op"]) for c in changes] == [("customer", "create"), ("interaction", "create"),
                                                         ("interaction", "create")]  # fmt: skip
    assert changes[1]["actor"] == "maria"
    assert js(tmp_path, "stats")["interactions"] == 2


def test_errors_are_one_line_and_exit_non_zero(tmp_path):
    missing = run(tmp_path, "customer", "list", code=1)
    assert missing.stderr == f"crm: no database at {tmp_path / 'crm.db'} (create one with `crm init`, or name another with --db)\n"
    run(tmp_path, "init")
    for args, expected in [
        (("customer", "get", "0"), "crm: '0' is not a customer id\n"),
        (("customer", "get", "12x"), "crm: '12x' is not a customer id\n"),
        (("customer", "add", "--given", "X", "--email", "not-an-email"), "crm: customer add: "),
        (("customer", "add", "--given", "X", "--stage", "hot"), "crm: --stage: 'hot' is not a lifecycle stage\n"),
        (("customer", "add", "--given", "X", "--custom", "=x"), "crm: --custom: '=x' is not NAME=VALUE\n"),
        (("customer", "update", "1"), "crm: customer update: no field to change"),
        (("customer", "list", "--where", "tag = "), "crm: --where: filter: at 7: expected a value"),
        (("customer", "list", "--where", "colour = 'red'"), "crm: customer list: filter: field 'colour': not a field"),
        (("interaction", "log", "7"), "crm: interaction log: "),
        (("interaction", "log", "1", "--kind", "fax"), "crm: --kind: 'fax' is not a kind of interaction\n"),
        (("interaction", "log", "1", "--at", "yesterday"), "crm: --at: 'yesterday' is not a date"),
    ]:
        err = run(tmp_path, *args, code=1).stderr
        assert err.startswith(expected) and err.count("\n") == 1, (args, err)
    # A command line that does not parse: exit 2 and a usage message; --help exits 0.
    assert run(tmp_path, "customer", "frobnicate", code=2).stderr
    assert run(tmp_path, "customer", "get", code=2).stderr
    assert "--add-tag" in run(tmp_path, "customer", "update", "--help").stdout


def test_encrypted_database_rekey_and_privacy(tmp_path):
    key = tmp_path / "key"
    key.write_text("ab" * 32 + "\n")
    run(tmp_path, "--key-file", str(key), "init")
    zed = js(tmp_path, "--key-file", str(key), "customer", "add", "--given", "Zebulon", "--family", "Quixotically",
             "--email", "zebulon@erasetest.example")  # fmt: skip
    assert b"Zebulon" not in (tmp_path / "crm.db").read_bytes()
    assert "key" in run(tmp_path, "customer", "list", code=1).stderr  # no key: refused, says how to give it
    env = {"NEW_PASSPHRASE": "a long new passphrase"}
    run(tmp_path, "--key-file", str(key), "rekey", "--new-passphrase-env", "NEW_PASSPHRASE", env=env)
    assert "encrypted with a passphrase" in run(tmp_path, "--key-file", str(key), "customer", "list", code=1).stderr
    wrong = run(tmp_path, "--passphrase-env", "NEW_PASSPHRASE", "stats", code=1, env={"NEW_PASSPHRASE": "guess"}).stderr
    assert "wrong key" in wrong and wrong.count("\n") == 1
    opened = ("--passphrase-env", "NEW_PASSPHRASE")
    assert js(tmp_path, *opened, "customer", "get", "zebulon@erasetest.example", env=env)["id"] == zed["id"]
    doc = json.loads(run(tmp_path, *opened, "privacy", "export", str(zed["id"]), env=env).stdout)
    assert doc["customer"]["given_name"] == "Zebulon"
    erased = js(tmp_path, *opened, "privacy", "erase", str(zed["id"]), "--suppress", env=env)
    assert erased["masked"][0] == "Z*** Q***"
    refused = run(tmp_path, *opened, "customer", "add", "--given", "Z", "--email", "zebulon@erasetest.example", code=1, env=env)
    assert "suppressed" in refused.stderr
    backup = tmp_path / "copy.db"
    run(tmp_path, *opened, "backup", str(backup), "--compact", env=env)
    assert run(tmp_path, "--db", str(backup), *opened, "verify", env=env).stdout.endswith("no problem\n")
    bad = tmp_path / "short"
    bad.write_bytes(b"x" * 31)
    assert "must hold 32 bytes or 64 hex digits" in run(tmp_path, "--key-file", str(bad), "stats", code=1).stderr


def test_pipelines_deals_and_aggregates(tmp_path):
    run(tmp_path, "init")
    run(tmp_path, "customer", "add", "--org", "--name", "Nordwind GmbH")
    stages = js(tmp_path, "pipeline", "list")[0]["stages"]
    assert [s["outcome"] for s in stages].count("won") == 1 and stages[0]["name"] == "Prospecting"
    big = js(tmp_path, "opportunity", "add", "Fleet renewal", "--customer", "1", "--amount", "12000.5", "--currency", "EUR",
             "--close", "2024-06-30", "--owner", "maria")[0]  # fmt: skip
    assert big["amount"] == {"minor_units": 1200050, "currency": "EUR"} and big["stage"] == "Prospecting"
    assert big["expected_close"] == "2024-06-30T00:00:00Z"
    js(tmp_path, "opportunity", "add", "Pilot", "--amount", "990", "--currency", "JPY", "--stage", "Qualification")
    js(tmp_path, "opportunity", "add", "Upsell", "--amount", "1.05", "--currency", "EUR")
    moved = js(tmp_path, "opportunity", "move", "1", "Proposal")[0]
    assert moved["stage"] == "Proposal" and moved["probability"] == 50
    assert js(tmp_path, "opportunity", "close", "2", "--lost", "budget cut")[0]["lost_reason"] == "budget cut"
    won = js(tmp_path, "opportunity", "close", "3", "--won")[0]
    assert won["stage"] == "Closed won" and won["closed_at"]
    assert [h["to"] for h in js(tmp_path, "opportunity", "get", "1")["history"]] == ["Prospecting", "Proposal"]
    assert [o["id"] for o in js(tmp_path, "opportunity", "list", "--where", "status = 'open'")] == [1]
    assert [o["id"] for o in js(tmp_path, "opportunity", "list", "--order-by", "title", "--desc")] == [3, 2, 1]

    # Sums per stage, each in its own currency; the table shows them as money.
    rows = js(tmp_path, "aggregate", "opportunity", "--group-by", "stage", "--measures", "count, sum(amount)")
    assert {(r["stage"], r["sum(amount)"], r["currency"]) for r in rows} == {
        ("Proposal", 1200050, "EUR"), ("Closed lost", 990, "JPY"), ("Closed won", 105, "EUR")}  # fmt: skip
    table = run(tmp_path, "aggregate", "opportunity", "--group-by", "stage", "--measures", "count, sum(amount)").stdout
    assert "12000.50 EUR" in table and "990 JPY" in table and "1.05 EUR" in table
    assert js(tmp_path, "aggregate", "customer") == [{"count": 1}]
    averages = run(tmp_path, "aggregate", "opportunity", "--where", "currency = 'EUR'", "--measures", "count, avg(amount)").stdout
    assert averages.splitlines()[1].split() == ["2", "6000.78", "EUR"]  # (12000.50 + 1.05) / 2, to the cent

    made = js(tmp_path, "pipeline", "add", "Renewals", "--stage", "Due:20", "--stage", "Won:100:won", "--stage", "Lost:0:lost")
    assert made["name"] == "Renewals"
    assert js(tmp_path, "opportunity", "add", "Renewal 2025", "--pipeline", str(made["id"]))[0]["stage"] == "Due"
    for args, expected in [
        (("opportunity", "move", "1", "Nowhere"), "crm: no stage 'Nowhere' in pipeline 1 (Prospecting, "),
        (("opportunity", "add", "X", "--amount", "12,50"), "crm: --amount: '12,50' is not an amount in EUR"),
        (("opportunity", "add", "X", "--amount", "1.234"), "crm: --amount: '1.234' is not an amount in EUR"),
        (("opportunity", "add", "X", "--amount", "5", "--currency", "EURO"), "crm: --currency: 'EURO' is not an ISO 4217"),
        (("opportunity", "close", "1"), "crm: opportunity close: give --won or --lost REASON"),
        (("opportunity", "get", "99"), "crm: opportunity get: "),
        (("pipeline", "add", "P", "--stage", "A:x"), "crm: --stage: 'A:x' is not NAME:PERCENT[:open|won|lost[:CATEGORY]]"),
        (("aggregate", "opportunity", "--measures", "median(amount)"), "crm: --measures: "),
    ]:
        err = run(tmp_path, *args, code=1).stderr
        assert err.startswith(expected) and err.count("\n") == 1, (args, err)
    assert run(tmp_path, "aggregate", "deals", code=2).stderr


def test_consent_suppression_erasure_log_and_retention(tmp_path):
    run(tmp_path, "init")
    run(tmp_path, "customer", "add", "--given", "Cy", "--family", "Chen", "--email", "cy@chen.example", "--phone", "+1 415 555 0100")
    assert not js(tmp_path, "consent", "check", "1", "newsletter")["allowed"]
    granted = js(tmp_path, "consent", "record", "1", "newsletter", "--source", "form", "--evidence", "https://x.example/f",
                 "--at", "2024-01-10")[0]  # fmt: skip
    assert granted["granted"] and granted["legal_basis"] == "consent" and granted["source"] == "form"
    check = js(tmp_path, "consent", "check", "1", "newsletter")
    assert check["allowed"] and check["verdict"] == "allowed" and check["consent"] == granted["id"]
    assert js(tmp_path, "consent", "confirm", "1", "newsletter")[0]["confirmed_at"]
    js(tmp_path, "consent", "record", "1", "newsletter", "--withdraw")
    said = run(tmp_path, "consent", "check", "1", "newsletter").stdout
    assert said.startswith("not allowed: ") and "withdrawn" in said
    assert [r["granted"] for r in js(tmp_path, "consent", "history", "1")] == [True, True, False]
    assert len(js(tmp_path, "consent", "history", "1", "--current")) == 1
    assert js(tmp_path, "consent", "check", "1", "calls", "--channel", "phone")["verdict"] == "no_consent"
    for args, expected in [
        (("consent", "record", "1", "x", "--channel", "pigeon"), "crm: --channel: 'pigeon' is not email, phone"),
        (("consent", "record", "1", "x", "--basis", "whim"), "crm: --basis: 'whim' is not a legal basis"),
        (("consent", "record", "9", "x"), "crm: consent record: "),
        (("retention", "apply", "--rule", "customer"), "crm: --rule: 'customer' is not KIND:DAYS[:ENTRIES]"),
        (("retention", "apply", "--rule", "deal:3"), "crm: --rule: 'deal' is not a kind of record"),
    ]:
        err = run(tmp_path, *args, code=1).stderr
        assert err.startswith(expected) and err.count("\n") == 1, (args, err)

    # Suppression, on its own and with an erasure; the erasure log keeps masked identifiers only.
    assert js(tmp_path, "privacy", "suppress", "spam@bad.example") == {"suppressed": True}
    assert run(tmp_path, "privacy", "suppressed", "SPAM@bad.example").stdout == "suppressed\n"
    assert js(tmp_path, "privacy", "unsuppress", "spam@bad.example") == {"lifted": True}
    assert run(tmp_path, "privacy", "suppressed", "spam@bad.example").stdout == "not suppressed\n"
    js(tmp_path, "--actor", "dpo", "privacy", "erase", "1", "--suppress")
    log = js(tmp_path, "privacy", "erasures")
    assert [(e["customer"], e["actor"]) for e in log] == [(1, "dpo")] and "c***@c***.example" in log[0]["masked"]
    assert run(tmp_path, "privacy", "suppressed", "+14155550100").stdout == "suppressed\n"

    for i in range(5):
        run(tmp_path, "customer", "add", "--given", f"P{i}", "--family", "Q")
        run(tmp_path, "customer", "update", str(i + 2), "--city", "Oslo")
    report = js(tmp_path, "retention", "apply", "--rule", "customer:0:1", "--batch", "2")
    assert report["trimmed"] >= 5 and report["transactions"] >= 3
    assert run(tmp_path, "verify").returncode == 0


def test_users_teams_and_declared_indexes(tmp_path):
    run(tmp_path, "init")
    assert js(tmp_path, "team", "add", "Central", "--region", "Chicago") == {"id": 1, "name": "Central"}
    boss = js(tmp_path, "user", "add", "Dana Boss", "--login", "dana", "--team", "1")
    js(tmp_path, "user", "add", "Eli Agent", "--login", "eli", "--email", "eli@firm.example", "--team", "1",
       "--manager", str(boss["id"]))  # fmt: skip
    js(tmp_path, "user", "add", "Outside", "--login", "out")
    assert [u["login"] for u in js(tmp_path, "user", "list", "--team", "1")] == ["dana", "eli"]
    assert js(tmp_path, "team", "list")[0]["region"] == "Chicago"
    assert run(tmp_path, "user", "add", "Again", "--login", "ELI", code=1).stderr.startswith("crm: user add: ")
    # Exported, then read into another database: the same users, teams and managers.
    assert "exported 3 users" in run(tmp_path, "export", str(tmp_path / "users.csv"), "--records", "users").stdout
    other = ("--db", str(tmp_path / "other.db"))
    run(tmp_path, *other, "init")
    assert js(tmp_path, *other, "import", str(tmp_path / "users.csv"), "--records", "users")["counts"]["created"] == 4
    def shape(*db):
        return [(u["name"], u["login"], u["email"], u["manager"] != 0, u["team"] != 0)
                for u in js(tmp_path, *db, "user", "list")]
    assert shape(*other) == shape()

    run(tmp_path, "customer", "add", "--given", "A", "--family", "B", "--custom", "score=7")
    assert js(tmp_path, "index", "declare", "customer", "address.city") == {"declared": "customer.address.city"}
    assert [(i["kind"], i["field"], i["entries"]) for i in js(tmp_path, "index", "list")] == [("customer", "address.city", 0)]
    run(tmp_path, "index", "drop", "customer", "address.city")
    assert js(tmp_path, "index", "list") == []
    assert run(tmp_path, "index", "declare", "deal", "x", code=1).stderr == "crm: 'deal' is not customer, opportunity or interaction\n"
    assert run(tmp_path, "index", "declare", "customer", "nonsense", code=1).stderr.startswith("crm: index declare: ")


DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
DATABLIST = os.path.join(DATA, "datablist-customers", "customers-10000.csv")


def test_import_datablist_reimport_failed_rows_and_revert(tmp_path):
    import csv

    with open(DATABLIST, newline="") as f:
        rows = list(csv.DictReader(f))
    companies = {r["Company"].lower() for r in rows}
    run(tmp_path, "init")
    job = js(tmp_path, "import", DATABLIST, "--preset", "datablist", "--batch", "2500")
    assert job["state"] == "finished" and job["rows_done"] == 10000
    assert job["counts"] == {"created": 10000 + len(companies), "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    # People are found as the file has them: by email, by external id, by a phone in another format.
    for r in (rows[0], rows[4321], rows[-1]):
        c = js(tmp_path, "customer", "get", r["Email"])
        assert (c["given_name"], c["family_name"], c["external_id"]) == (r["First Name"], r["Last Name"], r["Customer Id"])
        assert js(tmp_path, "customer", "get", "x:" + r["Customer Id"])["id"] == c["id"]
    # Again: nothing new.
    again = js(tmp_path, "import", DATABLIST, "--preset", "datablist")
    assert again["counts"]["unchanged"] == 10000 and again["counts"]["created"] == 0
    assert js(tmp_path, "stats")["customers"] == 10000 + len(companies)

    # A file with mistakes: the good rows land, the bad ones are listed and written out.
    bad = tmp_path / "people.csv"
    bad.write_text("First Name;Last Name;E-mail;Joined\nAnn;Lee;ann@example.com;2021-07-26\n"
                   "Bob;Stone;bob-at-example;2021-07-26\nCy;Chen;cy@example.com;26.07.2021\n")  # fmt: skip
    table = run(tmp_path, "import", str(bad), "--map", "Joined=created_at").stdout
    assert "failed rows: `crm import status 3`" in table
    status = js(tmp_path, "import", "status", "3")
    assert status["counts"]["created"] == 2 and status["errors"][0]["row"] == 2
    assert status["errors"][0]["original"] == "Bob;Stone;bob-at-example;2021-07-26"
    run(tmp_path, "import", "failed", "3", str(tmp_path / "fix.csv"))
    fixed = (tmp_path / "fix.csv").read_text().replace("bob-at-example", "bob@example.com")
    (tmp_path / "fix.csv").write_text(fixed)
    assert js(tmp_path, "import", str(tmp_path / "fix.csv"))["counts"]["created"] == 1
    assert [j["id"] for j in js(tmp_path, "import", "status")] == [4, 3, 2, 1]

    # Exported and imported into another database, the same customers.
    out = js(tmp_path, "export", str(tmp_path / "all.jsonl"))
    assert out["rows"] == 10000 + len(companies) + 3
    assert js(tmp_path, "export", str(tmp_path / "chile.csv"), "--where", "address.country = 'Chile'")["rows"] > 0
    assert run(tmp_path, "export", str(tmp_path / "all.jsonl"), code=1).stderr.startswith("crm: export: path:")
    other = ["--db", str(tmp_path / "other.db")]
    run(tmp_path, *other, "init")
    back = js(tmp_path, *other, "import", str(tmp_path / "all.jsonl"))
    assert back["counts"]["created"] == out["rows"] and back["counts"]["failed"] == 0
    c = js(tmp_path, *other, "customer", "get", rows[4321]["Email"])
    assert c["external_id"] == rows[4321]["Customer Id"] and c["created_at"].startswith(rows[4321]["Subscription Date"])

    # Revert the first import: its people and organizations go; the other files' stay.
    reverted = js(tmp_path, "import", "revert", "1")
    assert reverted["state"] == "reverted" and reverted["reverted_deleted"] == 10000 + len(companies)
    assert js(tmp_path, "stats")["customers"] == 3
    assert run(tmp_path, "import", "revert", "1", code=1).stderr.startswith("crm: import revert: import job 1 was reverted")
    assert run(tmp_path, "import", "status", "77", code=1).stderr == "crm: import status: import job 77 does not exist\n"
    assert run(tmp_path, "import", str(tmp_path / "none.csv"), code=1).stderr.startswith("crm: import: path: cannot open")
    assert run(tmp_path, "import", str(bad), "--match", "fax", code=1).stderr.startswith("crm: --match")


def test_import_maven_accounts(tmp_path):
    run(tmp_path, "init")
    path = os.path.join(DATA, "maven", "accounts.csv")
    job = js(tmp_path, "import", path, "--preset", "maven_accounts")
    assert job["counts"]["failed"] == 0 and job["counts"]["created"] == 85
    acme = js(tmp_path, "customer", "get", "x:Acme Corporation")
    assert acme["kind"] == "organization" and acme["annual_revenue"] == "1100040000.00 USD"
    assert js(tmp_path, "import", path, "--preset", "maven_accounts")["counts"]["unchanged"] == 85


def test_import_maven_deals_and_interactions(tmp_path):
    run(tmp_path, "init")
    run(tmp_path, "pipeline", "add", "MavenTech", "--stage", "Prospecting:10", "--stage", "Engaging:50",
        "--stage", "Won:100:won", "--stage", "Lost:0:lost")
    js(tmp_path, "import", os.path.join(DATA, "maven", "accounts.csv"), "--preset", "maven_accounts")
    users = js(tmp_path, "import", os.path.join(DATA, "maven", "sales_teams.csv"), "--preset", "maven_teams")
    assert users["records"] == "users" and users["counts"]["failed"] == 0
    deals = os.path.join(DATA, "maven", "sales_pipeline.csv")
    job = js(tmp_path, "import", deals, "--preset", "maven_pipeline", "--pipeline", "MavenTech")
    assert job["records"] == "opportunities" and job["counts"]["created"] == 8800 and job["counts"]["failed"] == 0
    with open(deals, newline="") as f:
        rows = list(csv.DictReader(f))
    agent = "Darcel Schlecht"
    expected = sorted(int(r["close_value"]) * 100 for r in rows if r["sales_agent"] == agent and r["deal_stage"] == "Won")
    won = js(tmp_path, "opportunity", "list", "--where", f"status = 'won' and owner = '{agent}'", "--limit", "1000")
    assert sorted(o["amount"]["minor_units"] for o in won) == expected
    by_region = js(tmp_path, "aggregate", "opportunity", "--where", "status = 'won'", "--group-by", "team.region",
                   "--measures", "count")
    regions = {}
    with open(os.path.join(DATA, "maven", "sales_teams.csv"), newline="") as f:
        office = {r["sales_agent"]: r["regional_office"] for r in csv.DictReader(f)}
    for r in rows:
        if r["deal_stage"] == "Won":
            regions[office[r["sales_agent"]]] = regions.get(office[r["sales_agent"]], 0) + 1
    assert {g["team.region"]: g["count"] for g in by_region} == regions, by_region
    lost = {}
    for r in rows:
        if r["deal_stage"] == "Lost":
            lost[office[r["sales_agent"]]] = lost.get(office[r["sales_agent"]], 0) + 1
    rate = js(tmp_path, "report", "winrate", "--group-by", "team.region")
    assert rate["report"] == "Win rate"
    assert {g["group"]: (g["won"], g["lost"]) for g in rate["rows"]} == {k: (regions[k], lost[k]) for k in regions}
    funnel = run(tmp_path, "report", "funnel", "--pipeline", "maventech").stdout
    assert funnel.startswith("Funnel\nstage") and "Prospecting" in funnel and "8800" in funnel, funnel
    shown = run(tmp_path, "scoring", "--fields", "owner, custom.product", "--minimum", "100").stdout
    assert shown == "fields: stage, owner, custom.product\nminimum closed deals: 100\n"
    target = next(r for r in rows if r["deal_stage"] == "Prospecting")
    found = js(tmp_path, "opportunity", "list", "--where", f"external_id = '{target['opportunity_id']}'")
    score = js(tmp_path, "score", str(found[0]["id"]))
    owner_won = sum(1 for r in rows if r["sales_agent"] == target["sales_agent"] and r["deal_stage"] == "Won")
    owner_lost = sum(1 for r in rows if r["sales_agent"] == target["sales_agent"] and r["deal_stage"] == "Lost")
    assert score["basis"] == "model" and (score["won"], score["lost"]) == (4238, 2473)
    factor = next(f for f in score["factors"] if f["field"] == "owner")
    assert (factor["value"], factor["won"], factor["lost"]) == (target["sales_agent"], owner_won, owner_lost)
    text = run(tmp_path, "score", str(found[0]["id"])).stdout
    assert text.startswith(f"deal {found[0]['id']}: ") and "custom.product" in text and "weight" in text, text
    err = run(tmp_path, "scoring", "--fields", "owner,nope", code=1).stderr
    assert err.startswith("crm: scoring: ") and "fields[1]" in err, err
    err = run(tmp_path, "report", "scores", code=1).stderr
    assert err.startswith("crm: report: 'scores' is not one of pipeline, winrate, cycle, funnel, lost, forecast, leaderboard, slipped")
    run(tmp_path, "quota", "set", "2017-Q2", "800000", "--currency", "USD", "--team", "Melvin Marxen")
    with open(os.path.join(DATA, "maven", "sales_teams.csv"), newline="") as f:
        manager = {r["sales_agent"]: r["manager"] for r in csv.DictReader(f)}
    closed = sum(int(r["close_value"]) * 100 for r in rows if r["deal_stage"] == "Won"
                 and manager[r["sales_agent"]] == "Melvin Marxen" and "2017-04-01" <= r["close_date"] < "2017-07-01")
    forecast = js(tmp_path, "report", "forecast", "--group-by", "team", "--bucket", "quarter", "--period", "2017-Q2")
    row = next(r for r in forecast["rows"] if r["group"] == "Melvin Marxen")
    assert row["period"] == "2017-Q2" and row["closed"] == closed and row["quota"] == 80000000
    assert row["attainment"] == pytest.approx(closed / 80000000)
    assert js(tmp_path, "quota", "list")[0]["period"] == "2017-Q2"
    err = run(tmp_path, "quota", "delete", "2017-Q3", "--team", "Melvin Marxen", code=1).stderr
    assert err.startswith("crm: quota delete: team ") and "has no quota for 2017-Q3" in err
    err = run(tmp_path, "report", "funnel", "--pipeline", "Nope", code=1).stderr
    assert err.startswith("crm: --pipeline: no pipeline 'Nope'")
    again = js(tmp_path, "import", deals, "--preset", "maven_pipeline", "--pipeline", "MavenTech")
    assert again["counts"]["unchanged"] == 8800
    calls = tmp_path / "calls.csv"
    calls.write_text("id,deal id,type,date,subject\nK1,1C1I7A6R,call,2017-01-05 10:00,Check-in\nK2,NOPE,call,2017-01-06,x\n")
    logged = js(tmp_path, "import", str(calls), "--records", "interactions")
    assert logged["records"] == "interactions" and logged["counts"]["created"] == 1 and logged["counts"]["failed"] == 1
    out = js(tmp_path, "export", str(tmp_path / "lost.csv"), "--records", "deals", "--where", "status = 'lost'")
    assert out["rows"] == 2473 and out["columns"][:3] == ["external_id", "title", "customer_external_id"]
    err = run(tmp_path, "import", str(calls), "--records", "tasks", code=1).stderr
    assert err.startswith("crm: --records: 'tasks' is not customers, deals, interactions, users or products")


def test_vcard_import_and_export(tmp_path):
    run(tmp_path, "init")
    cards = os.path.join(DATA, "vcard-samples-ez-vcard", "John_Doe_ANDROID.vcf")
    job = js(tmp_path, "import", cards)
    assert job["format"] == "vcard" and job["rows_done"] == 6 and job["counts"]["failed"] == 3
    reasons = [e["reason"] for e in js(tmp_path, "import", "status", "1")["errors"]]
    assert reasons[:2] == ["the card has no name (FN or N)"] * 2
    out = js(tmp_path, "export", str(tmp_path / "people.vcf"))
    assert out["rows"] == 3 and (tmp_path / "people.vcf").read_text().count("END:VCARD") == 3


def test_exchange_rates_and_a_report_in_one_currency(tmp_path):
    run(tmp_path, "init")
    assert run(tmp_path, "rate", "set", "eur", "usd", "1.25", "2024-01-01").stdout == \
        "1 EUR = 1.25 USD from 2024-01-01T00:00:00Z\n"
    run(tmp_path, "rate", "set", "GBP", "USD", "1.5", "2024-01-01")
    assert [r["from"] for r in js(tmp_path, "rate", "list", "--to", "USD")] == ["EUR", "GBP"]
    assert js(tmp_path, "rate", "list", "GBP")[0]["rate"] == "1.5"
    for amount, currency in (("10.01", "EUR"), ("5.00", "USD")):
        made = js(tmp_path, "opportunity", "add", "Deal", "--amount", amount, "--currency", currency)[0]
        run(tmp_path, "opportunity", "close", str(made["id"]), "--won")
    rows = js(tmp_path, "report", "winrate", "--currency", "USD")["rows"]
    assert [(r["currency"], r["won_amount"]) for r in rows] == [("USD", 1251 + 500)]
    assert js(tmp_path, "report", "slipped") == {"report": "Slipped deals", "rows": []}
    err = run(tmp_path, "report", "winrate", "--currency", "JPY", code=1).stderr
    assert err.startswith("crm: report winrate: currency: no exchange rate from EUR to JPY"), err
    err = run(tmp_path, "rate", "set", "EUR", "USD", "1,2", "2024-01-01", code=1).stderr
    assert err.startswith("crm: rate: '1,2' is not a rate"), err
    run(tmp_path, "rate", "delete", "GBP", "USD", "2024-01-01")
    err = run(tmp_path, "rate", "delete", "GBP", "USD", "2024-01-01", code=1).stderr
    assert err.startswith("crm: rate delete: no exchange rate from GBP to USD"), err


def test_products_deal_lines_and_the_product_report(tmp_path):
    run(tmp_path, "init")
    pro = js(tmp_path, "product", "add", "GTX-PRO", "GTX Pro", "--family", "GTX", "--price", "4821.00 USD",
             "--price", "4450 EUR")[0]  # fmt: skip
    assert pro["code"] == "GTX-PRO" and pro["prices"][1] == {"minor_units": 445000, "currency": "EUR"}
    run(tmp_path, "product", "add", "SETUP", "Setup", "--family", "Services", "--price", "19.99 USD")
    assert "already used" in run(tmp_path, "product", "add", "gtx-pro", "again", code=1).stderr
    # 2 x 4821.00 + 19.99 x 1.5 less 12.5 % (26.236875 -> 26.24)
    deal = js(tmp_path, "opportunity", "add", "Big deal", "--owner", "ann", "--currency", "USD", "--line", "GTX-PRO:2",
              "--line", "SETUP:1.5::12.5%")[0]  # fmt: skip
    assert deal["amount"] == {"minor_units": 966824, "currency": "USD"}
    assert [line["total"]["minor_units"] for line in deal["lines"]] == [964200, 2624]
    run(tmp_path, "opportunity", "close", str(deal["id"]), "--won")
    rows = js(tmp_path, "report", "products")["rows"]
    assert [(r["code"], r["won"], r["won_amount"]) for r in rows] == [("GTX-PRO", 1, 964200), ("SETUP", 1, 2624)]
    assert "GTX-PRO" in run(tmp_path, "report", "products").stdout
    assert js(tmp_path, "product", "get", "gtx-pro")["deals"] == 1
    err = run(tmp_path, "product", "delete", "GTX-PRO", code=1).stderr
    assert err == "crm: product delete: product 1 (GTX-PRO) is on 1 deal: deactivate it instead\n"
    assert "no product has the code 'NOPE'" in run(tmp_path, "opportunity", "add", "x", "--line", "NOPE", code=1).stderr
    assert "quantity" in run(tmp_path, "opportunity", "add", "x", "--line", "SETUP:abc", code=1).stderr
    off = js(tmp_path, "product", "set", "SETUP", "--active", "no", "--price", "20 USD")[0]
    assert off["active"] is False and off["prices"] == [{"minor_units": 2000, "currency": "USD"}]
    assert "inactive" in run(tmp_path, "opportunity", "add", "x", "--currency", "USD", "--line", "SETUP", code=1).stderr
    assert [p["code"] for p in js(tmp_path, "product", "list", "--active")] == ["GTX-PRO"]
    assert js(tmp_path, "opportunity", "list", "--where", "product.family = 'Services'")[0]["id"] == deal["id"]
    job = js(tmp_path, "import", os.path.join(DATA, "maven", "products.csv"), "--preset", "maven_products")
    assert job["records"] == "products" and job["counts"]["created"] == 7
    assert js(tmp_path, "product", "get", "GTX Plus Pro")["family"] == "GTX"
    out = tmp_path / "catalog.csv"
    assert "9 products" in run(tmp_path, "export", str(out), "--records", "products").stdout
    assert out.read_text().splitlines()[0] == "code,name,family,description,active,price,created_at,updated_at"


def test_customer_analytics_on_the_telco_customers_and_purchases(tmp_path):
    run(tmp_path, "init")
    path = os.path.join(DATA, "ibm-telco", "Telco-Customer-Churn.csv")
    assert js(tmp_path, "import", path, "--preset", "ibm_telco")["counts"]["created"] == 7043
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    report = js(tmp_path, "analyze", "churn", "--from", "2000-01-01", "--group-by", "custom.contract")
    for r in report["rows"]:
        mine = [x for x in rows if r["group"] == "(all)" or x["Contract"] == r["group"]]
        assert (r["customers"], r["churned"]) == (len(mine), sum(x["Churn"] == "Yes" for x in mine))
    assert "0.4271" in run(tmp_path, "analyze", "churn", "--from", "2000-01-01", "--group-by", "custom.contract").stdout
    bands = js(tmp_path, "analyze", "churn", "--from", "2000-01-01", "--group-by", "band(custom.tenure, 12)")["rows"]
    assert bands[0]["group"] == "0-11" and bands[0]["customers"] == sum(int(x["tenure"]) < 12 for x in rows)
    # Purchases of one customer: facts, RFM, value, the top list and the at-risk list.
    cid = "1"  # the first row of the file
    for at, amount in (("2024-01-05", "100.00"), ("2024-02-05", "150.00"), ("2024-03-05", "50.00")):
        run(tmp_path, "interaction", "log", cid, "--kind", "purchase", "--at", at, "--amount", amount)
    one = js(tmp_path, "analyze", "customer", cid, "--at", "2024-04-01")
    assert one["purchases"] == 3 and one["totals"] == ["300.00 EUR"] and one["rfm"]["segment"] == "champions"
    assert one["historic"] == "300.00 EUR" and one["average_order"] == "100.00 EUR"
    assert js(tmp_path, "analyze", "top", "--currency", "EUR")["rows"][0]["customer"] == 1
    risk = js(tmp_path, "analyze", "at-risk", "--since", "2024-06-01", "--currency", "EUR")["rows"]
    assert [r["customer"] for r in risk] == [1] and risk[0]["last_purchase"] == "2024-03-05"
    cohorts = js(tmp_path, "analyze", "cohorts", "--from", "2024-01-01", "--to", "2024-02-01", "--months", "2")["rows"]
    assert cohorts == [{"cohort": "2024-01", "customers": 1, "m0": 1.0, "m1": 1.0, "m2": 1.0}]
    assert "champions" in run(tmp_path, "analyze", "rfm", "--currency", "EUR").stdout
    assert "band(field, width)" in run(tmp_path, "analyze", "churn", "--from", "2000-01-01", "--group-by", "band(x)",
                                       code=1).stderr  # fmt: skip
    assert "is not a known ISO 4217 code" in run(tmp_path, "analyze", "top", "--currency", "EURO", code=1).stderr
    # The churn-risk model on the Telco fields: a month-to-month customer scored with its factors.
    model = js(tmp_path, "analyze", "risk-model", "--field", "custom.contract", "--field", "band(custom.tenure, 12)")
    assert model == {"fields": ["custom.contract", "band(custom.tenure, 12)"], "minimum_customers": 20}
    risk = js(tmp_path, "analyze", "risk", cid)  # 7590-VHVEG: month-to-month, 1 month of tenure
    assert risk["model"] and risk["risk"] > 0.5 and {f["value"] for f in risk["factors"]} == {"Month-to-month", "0-11"}
    assert "raises" in run(tmp_path, "analyze", "risk", cid).stdout
    assert "stage is what it predicts" in run(tmp_path, "analyze", "risk-model", "--field", "stage", code=1).stderr


def test_duplicates_found_ruled_scanned_and_dismissed(tmp_path):
    run(tmp_path, "init")
    add = ("customer", "add", "--city", "Lyon")
    js(tmp_path, *add, "--given", "Jean", "--family", "Dupont", "--phone", "+33 4 78 00 11 22")
    js(tmp_path, *add, "--given", "Jean", "--family", "Dupond", "--phone", "+33.4.78.00.11.22")
    js(tmp_path, *add, "--given", "Marie", "--family", "Curie", "--phone", "+33 1 40 00 00 00")
    found = js(tmp_path, "duplicates", "of", "1")
    assert [d["customer"] for d in found] == [2] and [r["reason"] for r in found[0]["reasons"]] == ["name", "phone"]
    table = run(tmp_path, "duplicates", "of", "1").stdout.splitlines()
    assert table[0].split() == ["id", "name", "score", "reasons"] and table[1].split()[:3] == ["2", "Jean", "Dupond"]
    assert js(tmp_path, "duplicates", "of", "1", "--reason", "phone") == []
    assert "no likely duplicate of customer 3" in run(tmp_path, "duplicates", "of", "3").stdout
    assert "threshold: must be above 0" in run(tmp_path, "duplicates", "of", "1", "--threshold", "0", code=1).stderr
    # The rule: block refuses a likely duplicate, naming it; alert lets it in and keeps the pair.
    rule = js(tmp_path, "duplicates", "rule", "--action", "block", "--threshold", "0.9")
    assert rule["action"] == "block" and rule["threshold"] == 0.9 and not rule["on_update"]
    err = run(tmp_path, *add, "--given", "J.", "--family", "Dupont", "--phone", "+33478001122", code=1).stderr
    assert "the duplicate rule blocks this customer: likely a duplicate of customer 1" in err
    assert "duplicate rule: block at 0.90" in run(tmp_path, "duplicates", "rule").stdout
    assert "give --action" in run(tmp_path, "duplicates", "rule", "--on-update", code=1).stderr
    js(tmp_path, "duplicates", "rule", "--action", "alert")
    alerted = run(tmp_path, *add, "--given", "J.", "--family", "Dupont", "--phone", "+33478001122", "--json")
    assert json.loads(alerted.stdout)["id"] == 4
    assert alerted.stderr.splitlines() == ["crm: likely a duplicate of customer 1 (score 0.95; crm duplicates of 4)",
                                           "crm: likely a duplicate of customer 2 (score 0.93; crm duplicates of 4)"]
    scan = js(tmp_path, "duplicates", "scan", "--batch", "2")
    assert scan["finished"] and scan["examined"] == 4
    sets = js(tmp_path, "duplicates", "sets")
    assert [s["customers"] for s in sets] == [[1, 2, 4]]
    run(tmp_path, "duplicates", "dismiss", "1", "2")
    assert {(p["a"], p["b"]) for p in js(tmp_path, "duplicates", "sets")[0]["pairs"]} == {(1, 4), (2, 4)}
    assert "customer 99 does not exist" in run(tmp_path, "duplicates", "dismiss", "1", "99", code=1).stderr
    run(tmp_path, "duplicates", "forget", "1", "4")
    assert "no duplicate pair of customers 1 and 4" in run(tmp_path, "duplicates", "forget", "1", "4", code=1).stderr
