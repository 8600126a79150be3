"""Retention through the package: rules per kind by count and age, trimmed changes in the feed,
the feed's new start, TrimmedError for a consumer asking before it, and bad rules refused."""
import pytest

import crm


@pytest.fixture
def db(tmp_path):
    with crm.open(tmp_path / "crm.db", sync=False) as d:
        yield d


def test_retention_by_count(db):
    pipeline = db.pipeline()
    pipeline.name = "Sales (EMEA)"
    db.update_pipeline(pipeline)  # 1: made with the store, 2: renamed
    c = db.create_customer(crm.Customer(given_name="Ada", family_name="Byron"))  # 3
    for name in ("Lovelace", "King"):  # 4, 5
        c.family_name = name
        c = db.update_customer(c)
    report = db.apply_retention([crm.RetentionRule(crm.Entity.CUSTOMER, keep_entries=1),
                                 crm.RetentionRule("pipeline", keep_entries=1)], batch=1)  # fmt: skip
    assert report == crm.RetentionReport(trimmed=3, removed=1, first_seq=2)
    feed = list(db.changes())
    assert [ch.seq for ch in feed] == [2, 3, 4, 5]
    assert [ch.trimmed for ch in feed] == [False, True, True, False]
    assert feed[1].fields == [] and feed[1].actor == "" and feed[1].entity_id == c.id
    assert db.first_change_seq() == 2 and db.last_change_seq() == 5
    with pytest.raises(crm.TrimmedError, match="starts at 2"):
        list(db.changes(1))
    history = list(db.field_history("customer", c.id, "family_name"))
    assert [h.seq for h in history] == [5]
    assert db.verify().ok


def test_bad_rules(db):
    with pytest.raises(crm.InvalidError, match="neither"):
        db.apply_retention([crm.RetentionRule("customer")])
    with pytest.raises(crm.InvalidError, match=r"rules\[1\].entity"):
        db.apply_retention([crm.RetentionRule("customer", 1), crm.RetentionRule("customer", 2)])
    with pytest.raises(crm.InvalidError, match="entity"):
        db.apply_retention([crm.RetentionRule("planet", 1)])
    with pytest.raises(crm.InvalidError, match="keep_days"):
        db.apply_retention([crm.RetentionRule("customer", -1)])
    with pytest.raises(crm.InvalidError, match="batch"):
        db.apply_retention([crm.RetentionRule("customer", 1)], batch=0)
    with pytest.raises(TypeError):
        db.apply_retention([("customer", 1, 0)])
    assert db.apply_retention([]) == crm.RetentionReport(0, 0, 1)
