"""Duplicate matching through the package: candidates with their reasons, a draft, the rule
blocking and alerting, dismissed pairs, the scan with progress, the sets, and on the Datablist
customers a duplicate typed again found among 1,000."""
import csv
import datetime
import json
from pathlib import Path

import pytest

import crm

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"


def person(given, family, phone, city="Lyon", **kw):
    return crm.Customer(given_name=given, family_name=family, phones=[phone], city=city, **kw)


def test_candidates_reasons_and_drafts(db):
    jean = db.create_customer(person("Jean", "Dupont", "+33 4 78 00 11 22"))
    dupond = db.create_customer(person("Jean", "Dupond", "+33.4.78.00.11.22"))
    db.create_customer(person("Marie", "Curie", "+33 1 40 00 00 00", city="Paris"))
    found = db.find_duplicates(jean.id)
    assert [c.id for c in found] == [dupond.id]
    c = found[0]
    assert c.about == jean.id and 0.9 < c.score <= 1
    assert [r.reason for r in c.reasons] == ["name", "phone"]
    assert "same city" in c.reasons[0].detail and c.reasons[1] == crm.MatchEvidence("phone", 0.6, "+33.4.78.00.11.22")
    assert db.find_duplicates(jean.id, reasons=["phone"]) == []
    assert [x.id for x in db.find_duplicates(jean.id, reasons="phone", threshold=0.5)] == [dupond.id]
    draft = person("J.", "Dupont", "+33 4 78 00 11 22")
    assert sorted(x.id for x in db.find_duplicates_of(draft)) == [jean.id, dupond.id]
    with pytest.raises(crm.InvalidError, match="threshold"):
        db.find_duplicates(jean.id, threshold=0)
    with pytest.raises(crm.InvalidError, match="reasons"):
        db.find_duplicates(jean.id, reasons=["shoe size"])
    with pytest.raises(crm.InvalidError, match="has no declared index"):
        db.find_duplicates(jean.id, id_fields=["custom.sf_id"])
    with pytest.raises(crm.NotFoundError):
        db.find_duplicates(999)
    with pytest.raises(crm.InvalidError, match="draft"):
        db.find_duplicates_of("Jean Dupont")


def test_rule_blocks_and_alerts_and_pairs_are_reviewed(db):
    jean = db.create_customer(person("Jean", "Dupont", "+33 4 78 00 11 22"))
    assert db.duplicate_rule().action == "allow"
    db.set_duplicate_rule("block", on_update=True, threshold=0.85)
    rule = db.duplicate_rule()
    assert (rule.action, rule.threshold, rule.on_update, rule.on_import) == ("block", 0.85, True, False)
    assert rule.reasons == ("email", "phone", "domain", "external_id", "name")
    with pytest.raises(crm.DuplicateError, match=f"customer {jean.id} "):
        db.create_customer(person("Jean", "Dupond", "+33 4 78 00 11 22"))
    assert db.count_customers() == 1
    with pytest.raises(crm.InvalidError, match="action"):
        db.set_duplicate_rule("warn")
    db.set_duplicate_rule("alert")
    with db.write() as txn:
        made = txn.create_customer(person("Jean", "Dupond", "+33 4 78 00 11 22"))
        alerts = txn.duplicate_alerts()
    assert [(a.about, a.id) for a in alerts] == [(made.id, jean.id)]
    with pytest.raises(crm.InvalidError, match="write transaction"):
        db.duplicate_alerts()
    pair = db.duplicate_pair(made.id, jean.id)
    assert (pair.a, pair.b, pair.dismissed, pair.reasons) == (jean.id, made.id, False, ("phone", "name"))
    page = db.duplicate_sets()
    assert [s.customers for s in page.sets] == [(jean.id, made.id)] and page.next_page_token == b""
    db.dismiss_duplicate(jean.id, made.id)
    assert db.duplicate_pair(jean.id, made.id).dismissed
    assert db.find_duplicates(jean.id) == [] and len(db.find_duplicates(jean.id, include_dismissed=True)) == 1
    assert db.duplicate_sets().sets == [] and len(db.duplicate_sets(include_dismissed=True).sets) == 1
    db.forget_duplicate(made.id, jean.id)
    with pytest.raises(crm.NotFoundError):
        db.duplicate_pair(jean.id, made.id)


def test_scan_with_progress_resumes(db):
    for i in range(5):
        db.create_customer(person("Jean", "Dupont" if i % 2 else "Dupond", f"+33 4 78 00 11 2{i % 2}"))
    seen = []
    scan = db.scan_duplicates(batch=2, restart=True, progress=lambda p: seen.append(p) or len(seen) < 2)
    assert not scan.finished and scan.examined == 4 and len(seen) == 2
    assert db.duplicate_scan().examined == 4
    scan = db.scan_duplicates(batch=2)
    assert scan.finished and scan.examined == 5 and scan.total == 5
    assert len(db.duplicate_sets().sets) == 1 and len(db.duplicate_sets().sets[0].customers) == 5

    def boom(p):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        db.scan_duplicates(batch=1, restart=True, progress=boom)
    with pytest.raises(crm.InvalidError, match="batch"):
        db.scan_duplicates(batch=0)


def test_a_datablist_customer_typed_again_is_found(db):
    db.import_file(DATA / "datablist-customers" / "customers-1000.csv", preset="datablist")
    with open(DATA / "datablist-customers" / "customers-1000.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["First Name"] == "Robert")
    original = db.customer_by_external_id(row["Customer Id"])
    # Typed again: a nickname, the family name in capitals, the phone's digits grouped otherwise.
    digits = "".join(ch for ch in row["Phone 1"].split("x")[0] if ch.isdigit())
    again = db.create_customer(crm.Customer(given_name="Bob", family_name=row["Last Name"].upper(),
                                            phones=[" ".join(digits[i:i + 3] for i in range(0, len(digits), 3))],
                                            city=row["City"]))
    found = db.find_duplicates(again.id)
    assert [c.id for c in found] == [original.id]
    assert {r.reason for r in found[0].reasons} == {"name", "phone"}


def test_merge_redirects_and_unmerge_restores(db):
    ann = db.create_customer(crm.Customer(given_name="Ann", family_name="Lee", emails=["ann@acme.com"], tags=["vip"]))
    anne = db.create_customer(crm.Customer(given_name="Anne", family_name="Lee", emails=["anne@home.org"],
                                           city="Berlin", country="DE", tags=["beta"]))
    call = db.log_interaction(crm.Interaction(customer=anne.id, kind="call", subject="hello"))
    with pytest.raises(crm.InvalidError, match="choices"):
        db.merge_customers(ann.id, [anne.id], choices={"shoe_size": anne.id})
    with pytest.raises(crm.InvalidError, match="is the survivor"):
        db.merge_customers(ann.id, [ann.id])
    with pytest.raises(crm.InvalidError, match="choices"):
        db.merge_customers(ann.id, [anne.id], choices=["address"])
    m = db.merge_customers(ann.id, [anne.id], choices={"given_name": anne.id}, actor="pat")
    assert (m.survivor, m.losers, m.interactions, m.actor) == (ann.id, (anne.id,), 1, "pat")
    survivor = db.get_customer(anne.id)  # the merged id resolves to the survivor
    assert survivor.id == ann.id and survivor.given_name == "Anne" and survivor.city == "Berlin"
    assert sorted(survivor.tags) == ["beta", "vip"]
    assert [e.address for e in survivor.emails] == ["ann@acme.com", "anne@home.org"]
    assert db.get_interaction(call.id).customer == ann.id
    assert db.merged_into(anne.id) == ann.id and db.merged_into(ann.id) is None
    assert db.merges(ann.id) == [m] and db.merge(m.id) == m
    assert any(c.op == crm.Op.MERGE and c.entity_id == ann.id for c in db.changes())
    # A later change of a record the merge wrote blocks the unmerge, naming it.
    survivor.owner = "kim"
    db.update_customer(survivor)
    with pytest.raises(crm.ConflictError, match=f"customer {ann.id} was changed since"):
        db.unmerge_customers(m.id)
    survivor.owner = ""
    db.update_customer(survivor)
    with pytest.raises(crm.ConflictError):
        db.unmerge_customers(m.id)  # changed back is still changed: a new revision
    m2 = db.merge_customers(ann.id, [db.create_customer(crm.Customer(given_name="Bo", family_name="Lee")).id])
    undone = db.unmerge_customers(m2.id)
    assert undone.id == m2.id and db.merged_into(m2.losers[0]) is None
    with pytest.raises(crm.NotFoundError):
        db.merge(m2.id)


def test_a_final_merge_keeps_its_record_and_cannot_be_undone(db):
    ann = db.create_customer(crm.Customer(given_name="Ann", family_name="Lee", emails=["ann@acme.com"]))
    anne = db.create_customer(crm.Customer(given_name="Anne", family_name="Lee", emails=["anne@home.org"]))
    m = db.merge_customers(ann.id, [anne.id])
    assert m.final_at is None
    assert db.export_customer(ann.id)["merges"][0]["merged_customers"][0]["given_name"] == "Anne"
    with pytest.raises(crm.InvalidError, match="limit"):
        db.finalize_merges(datetime.date(2100, 1, 1), limit=0)
    with pytest.raises(crm.InvalidError, match="merged_before"):
        db.finalize_merges(None)
    with pytest.raises(crm.InvalidError, match="naive"):
        db.finalize_merges(datetime.datetime(2100, 1, 1))
    assert db.finalize_merges(datetime.date(2000, 1, 1)) == 0
    assert db.finalize_merges(datetime.date(2100, 1, 1)) == 1
    kept = db.merge(m.id)
    assert kept.final_at is not None and kept.losers == (anne.id,) and kept.id == m.id
    assert db.finalize_merge(m.id).final_at == kept.final_at
    with pytest.raises(crm.ConflictError, match="was made final"):
        db.unmerge_customers(m.id)
    assert db.merged_into(anne.id) == ann.id and db.merges(ann.id) == [kept]
    listed = db.export_customer(ann.id)["merges"]
    assert [(m["merge"], m["merged_customer_ids"]) for m in listed] == [(m.id, [anne.id])]
    assert "merged_customers" not in listed[0] and '"Anne"' not in json.dumps(listed)
    with pytest.raises(crm.NotFoundError):
        db.finalize_merge(m.id + 1)
