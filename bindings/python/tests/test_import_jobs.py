"""Imports as jobs through the Python package: the Datablist customers checked against the CSV
module's reading of the file, a re-import that changes nothing, failed rows, a stopped import
resumed, a revert, and bad arguments."""
import csv
import datetime as dt
from pathlib import Path

import pytest

import crm

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
DATABLIST = DATA / "datablist-customers" / "customers-1000.csv"


def test_datablist_customers_field_by_field_and_again(db):
    with open(DATABLIST, newline="") as f:
        rows = list(csv.DictReader(f))
    companies = {r["Company"].lower() for r in rows}
    job = db.import_file(DATABLIST, preset="datablist")
    assert job.state == crm.ImportState.FINISHED
    assert job.counts == crm.ImportCounts(len(rows) + len(companies), 0, 0, 0, 0)
    assert job.format == "csv" and job.preset == "datablist" and job.rows_done == len(rows)
    assert job.columns["Customer Id"] == ["external_id"] and "Index" not in job.columns
    assert job.header[:3] == ("Index", "Customer Id", "First Name")
    for r in rows:
        c = db.customer_by_external_id(r["Customer Id"])
        assert (c.given_name, c.family_name, c.emails[0].address) == (r["First Name"], r["Last Name"], r["Email"])
        assert [p.number for p in c.phones] == [r["Phone 1"], r["Phone 2"]]
        assert c.created_at == dt.datetime.fromisoformat(r["Subscription Date"]).replace(tzinfo=dt.timezone.utc)
        assert db.customer(c.memberships[0].organization).display_name == r["Company"]
    again = db.import_file(DATABLIST, preset="datablist")
    assert again.counts == crm.ImportCounts(0, 0, len(rows), 0, 0)
    assert [j.id for j in db.import_jobs()] == [again.id, job.id]
    assert db.import_job(job.id) == job


def test_failed_rows_progress_resume_and_revert(db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email,tier\nAnn Lee,ann@example.com,gold\nBob,bad,\nCy Chen,cy@example.com,\n")
    seen = []
    job = db.import_file(path, columns={"tier": "custom.tier"}, batch_rows=1,
                         progress=lambda p: seen.append(p) or p.rows < 1)  # fmt: skip
    assert job.state == crm.ImportState.RUNNING and job.rows_done == 1
    assert seen[0].bytes_total == path.stat().st_size and seen[0].counts.created == 1
    job = db.resume_import(job.id)
    assert job.state == crm.ImportState.FINISHED
    assert job.counts == crm.ImportCounts(2, 0, 0, 0, 1)
    [error] = db.import_errors(job.id)
    assert (error.row, error.line, error.original) == (2, 3, "Bob,bad,")
    assert error.field.startswith("emails")
    db.write_failed_rows(job.id, tmp_path / "failed.csv")
    assert (tmp_path / "failed.csv").read_text().splitlines()[0] == "import_row,import_error,name,email,tier"
    with pytest.raises(crm.ExistsError):
        db.write_failed_rows(job.id, tmp_path / "failed.csv")
    assert db.customer_by_email("ann@example.com").custom["tier"] == "gold"

    reverted = db.revert_import(job.id, actor="undo")
    assert reverted.state == crm.ImportState.REVERTED and reverted.reverted_deleted == 2
    assert db.get_customer_by_email("ann@example.com") is None
    with pytest.raises(crm.ConflictError):
        db.revert_import(job.id)
    with pytest.raises(crm.ConflictError):
        db.resume_import(job.id)
    db.delete_import_job(job.id)
    with pytest.raises(crm.NotFoundError):
        db.import_job(job.id)


def test_json_lines_and_an_exception_in_progress(db, tmp_path):
    path = tmp_path / "people.jsonl"
    path.write_text('{"given_name": "Ann", "email": ["ann@example.com"], "tags": ["vip", "b2b"]}\nnot json\n')
    job = db.import_file(path)
    assert job.format == "jsonl" and job.counts.created == 1 and job.counts.failed == 1
    assert sorted(db.customer_by_email("ann@example.com").tags) == ["b2b", "vip"]

    def boom(p):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        db.import_file(path, progress=boom, batch_rows=1)


def test_bad_arguments_name_what_is_wrong(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name\nAnn\n")
    with pytest.raises(crm.InvalidError, match="match"):
        db.import_file(path, match=["fax"])
    with pytest.raises(crm.InvalidError, match="preset"):
        db.import_file(path, preset="excel")
    with pytest.raises(crm.InvalidError, match="nickname"):
        db.import_file(path, columns={"name": "nickname"})
    with pytest.raises(crm.InvalidError, match="format"):
        db.import_file(path, format="xlsx")
    with pytest.raises(crm.InvalidError, match="batch_rows"):
        db.import_file(path, batch_rows=0)
    with pytest.raises(crm.InvalidError, match="time_zone"):
        db.import_file(path, time_zone="Mars/Olympus")
    with pytest.raises(crm.NotFoundError):
        db.import_file(tmp_path / "missing.csv")
    assert "datablist" in crm.import_presets()
    assert db.import_jobs() == []


def test_export_and_import_back(db, tmp_path):
    db.import_file(DATABLIST, preset="datablist")
    assert db.export_customers(tmp_path / "all.jsonl") == len(list(db.customers()))
    assert db.export_customers(tmp_path / "chile.csv", where="address.country = 'Chile'") == db.count("customer", "address.country = 'Chile'")
    with pytest.raises(crm.ExistsError):
        db.export_customers(tmp_path / "all.jsonl")
    with pytest.raises(crm.InvalidError, match="where"):
        db.export_customers(tmp_path / "bad.csv", where="country = ")
    with crm.open(tmp_path / "other.crm") as other:
        job = other.import_file(tmp_path / "all.jsonl")
        assert job.counts.failed == 0 and job.counts.created == len(list(db.customers()))
        for c in db.search_customers("kind = 'person'"):
            back = other.customer_by_external_id(c.external_id)
            assert (back.given_name, back.family_name, back.created_at) == (c.given_name, c.family_name, c.created_at)
            assert {e.address for e in back.emails} == {e.address for e in c.emails}
            assert back.custom == c.custom


def test_vcard_in_and_out(db, tmp_path):
    cards = DATA / "vcard-samples-ez-vcard" / "gmail-list.vcf"
    job = db.import_file(cards)
    assert job.format == "vcard" and job.counts.created == 3
    assert db.customer_by_email("asmithk@gmail.com").family_name == "Smith"
    assert db.export_customers(tmp_path / "out.vcf") == 3
    text = (tmp_path / "out.vcf").read_text()
    assert text.count("BEGIN:VCARD") == 3 and "VERSION:4.0" in text
    with crm.open(tmp_path / "other.crm") as other:
        assert other.import_file(tmp_path / "out.vcf").counts.created == 3
        assert other.customer_by_email("dwhite@gmail.com").given_name == "Doug"


def test_maven_pipeline_deals_to_the_cent_and_interactions(db, tmp_path):
    """The Maven deals imported as opportunities: won value per agent as the csv module sums it."""
    p = crm.Pipeline(name="MavenTech")
    p.add_stage("Prospecting", 10)
    p.add_stage("Engaging", 50)
    p.add_stage("Won", 100, crm.Outcome.WON)
    p.add_stage("Lost", 0, crm.Outcome.LOST)
    maven = db.create_pipeline(p)
    teams = db.import_file(DATA / "maven" / "sales_teams.csv", preset="maven_teams")
    assert teams.records == "users" and teams.counts.created == 35 + 2 * 6 and teams.counts.failed == 0
    assert db.import_file(DATA / "maven" / "accounts.csv", preset="maven_accounts").counts.created == 85
    job = db.import_file(DATA / "maven" / "sales_pipeline.csv", preset="maven_pipeline", pipeline="MavenTech")
    assert job.records == "opportunities" and job.pipeline == "MavenTech"
    assert job.counts == crm.ImportCounts(8800, 0, 0, 0, 0)
    with open(DATA / "maven" / "sales_pipeline.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    expected: dict[str, int] = {}
    for r in rows:
        if r["deal_stage"] == "Won":
            expected[r["sales_agent"]] = expected.get(r["sales_agent"], 0) + int(r["close_value"]) * 100
    got: dict[str, int] = {}
    for r in rows[:500]:
        o = db.opportunity_by_external_id(r["opportunity_id"])
        assert o.owner == r["sales_agent"]
    for o in db.opportunities(pipeline=maven.id, stage="Won"):
        got[o.owner] = got.get(o.owner, 0) + int(o.amount.amount * 100)
    assert got == expected

    calls = tmp_path / "calls.csv"
    calls.write_text("id,deal id,type,direction,date,duration\nK1,1C1I7A6R,call,outbound,2017-01-05 10:00,12\n")
    logged = db.import_file(calls, records="interactions")
    assert logged.records == "interactions" and logged.counts.created == 1
    call = db.interaction_by_external_id("K1")
    assert call.duration_seconds == 720
    assert call.opportunity == db.opportunity_by_external_id("1C1I7A6R").id
    with pytest.raises(crm.InvalidError, match="records"):
        db.import_file(calls, records="deals")
    with pytest.raises(crm.InvalidError, match="imports opportunities, not interactions"):
        db.import_file(calls, records="interactions", preset="maven_pipeline")
    out = tmp_path / "won.jsonl"
    assert db.export(out, records="opportunities", where="status = 'won'") == 4238
    assert db.export(tmp_path / "calls.csv.out", records="interactions", format="csv") == 1
    with pytest.raises(crm.InvalidError, match="records"):
        db.export(tmp_path / "x.csv", records="deals")
    assert db.revert_import(logged.id).reverted_deleted == 1
