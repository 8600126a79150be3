"""Import mode through the package: migrated records keep their historical times and stage
history, and the feed says they were imported."""
import datetime as dt

import pytest

import crm
from crm import F

UTC = dt.timezone.utc
ENGAGED = dt.datetime(2016, 10, 20, tzinfo=UTC)
CLOSED = dt.datetime(2017, 3, 1, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    with crm.open(tmp_path / "crm.db", sync=False) as d:
        yield d


def test_a_deal_keeps_its_sales_cycle(db):
    p = db.pipeline()
    qualification, won = p.stage_id("Qualification"), p.stage_id("Closed won")
    with db.write("migration", import_mode=True) as txn:
        acme = txn.create_customer(crm.Customer(kind=crm.Kind.ORGANIZATION, display_name="Cancity",
                                                created_at=ENGAGED))  # fmt: skip
        deal = txn.create_opportunity(crm.Opportunity(
            title="1C1I7A6R", customer=acme.id, amount=crm.Money("1054", "USD"), created_at=ENGAGED,
            history=[crm.StageChange(0, qualification, ENGAGED), (qualification, won, CLOSED, "moses")]))  # fmt: skip
    assert acme.created_at == ENGAGED
    assert (deal.closed_at - deal.created_at).days == 132
    assert [(h.to_stage, h.at, h.actor) for h in deal.history] == [(qualification, ENGAGED, "migration"),
                                                                 (won, CLOSED, "moses")]  # fmt: skip
    feed = list(db.changes())
    assert [(c.entity, c.imported, c.actor) for c in feed] == [
        (crm.Entity.PIPELINE, False, "system"), (crm.Entity.CUSTOMER, True, "migration"),
        (crm.Entity.OPPORTUNITY, True, "migration")]  # fmt: skip
    # Outside import mode the same record is stamped now.
    plain = db.create_customer(crm.Customer(display_name="Now", created_at=ENGAGED))
    assert plain.created_at > ENGAGED and not list(db.changes(from_seq=4))[0].imported


def test_a_history_that_does_not_hold_together_is_refused(db):
    p = db.pipeline()
    won = p.stage_id("Closed won")
    with db.write("migration", import_mode=True) as txn:
        with pytest.raises(crm.InvalidError, match=r"history\[1\].at: is before the entry before it"):
            txn.create_opportunity(crm.Opportunity(title="x", history=[(0, 1, CLOSED), (1, won, ENGAGED)]))
        with pytest.raises(crm.InvalidError, match="closed_at: an open deal has no closing time"):
            txn.create_opportunity(crm.Opportunity(title="x", created_at=ENGAGED, closed_at=CLOSED))
        with pytest.raises(crm.InvalidError, match="history: each entry is a StageChange"):
            crm.Opportunity(title="x", history=[(0,)])
    assert db.count_opportunities() == 0


def test_rerunning_an_import_updates_instead_of_duplicating(db):
    acme = db.create_customer(crm.Customer(kind=crm.Kind.ORGANIZATION, display_name="Cancity"))
    for value in ("1054", "1100"):
        deal = crm.Opportunity(title="1C1I7A6R", customer=acme.id, external_id="1C1I7A6R",
                               amount=crm.Money(value, "USD"))  # fmt: skip
        deal.custom["product"] = "GTX Plus Basic"
        deal.custom["engaged"] = ENGAGED
        deal = db.upsert_opportunity(deal)
    assert db.count_opportunities() == 1 and deal.revision == 2
    got = db.opportunity_by_external_id("1C1I7A6R")
    assert got.amount == crm.Money("1100", "USD") and dict(got.custom) == {"engaged": ENGAGED, "product": "GTX Plus Basic"}
    assert db.get_opportunity_by_external_id("nope") is None
    assert db.count("opportunity", F["custom.product"].startswith("gtx"), external_id="1C1I7A6R") == 1
    with pytest.raises(crm.ExistsError, match="already used by opportunity"):
        db.create_opportunity(crm.Opportunity(title="again", external_id="1C1I7A6R"))
    call = crm.Interaction(customer=acme.id, kind=crm.InteractionKind.CALL, external_id="CALL-1")
    call.custom["billable"] = True
    first = db.upsert_interaction(call)
    call.subject = "again"
    again = db.upsert_interaction(call)
    assert again.id == first.id and again.subject == "again" and again.custom["billable"] is True
    assert db.interaction_by_external_id("CALL-1").id == first.id
    del call.custom["billable"]
    assert len(call.custom) == 0
    assert [h.fields[0].after for h in db.field_history("opportunity", deal.id, "custom.product")] == ["GTX Plus Basic"]


def test_an_upsert_with_fields_leaves_the_rest_alone(db):
    ann = db.create_customer(crm.Customer(given_name="Ann", family_name="Lee", external_id="HS-1", owner="maria",
                                          emails=["ann@acme.example"], phones=["+1 555 0100"], tags=["vip"]))  # fmt: skip
    incoming = crm.Customer(external_id="HS-1", emails=["ann.lee@acme.example"], tags=["VIP", "newsletter"])
    got = db.upsert_customer(incoming, fields=["+emails", "+tags"])
    assert got.id == ann.id and got.owner == "maria" and got.phones == ann.phones
    assert [e.address for e in got.emails] == ["ann@acme.example", "ann.lee@acme.example"]
    assert got.tags == ["vip", "newsletter"]
    got.owner = "tom"
    got.family_name = "ignored"
    assert db.update_customer(got, fields=["owner"]).family_name == "Lee"
    with pytest.raises(crm.InvalidError, match="'ownr' is not a field a patch sets"):
        db.update_customer(got, fields=["ownr"])
    with pytest.raises(crm.InvalidError, match="fields"):
        db.update_customer(got, fields=[])
    # The plain upsert replaces the whole record, as before.
    assert db.upsert_customer(crm.Customer(given_name="Ann", external_id="HS-1")).owner == ""


def test_interaction_patch(tmp_path):
    with crm.open(tmp_path / "ipatch.db", sync=False) as db:
        ann = db.create_customer(crm.Customer(given_name="Ann", family_name="Lee"))
        call = db.log_interaction(crm.Interaction(customer=ann.id, kind="call", subject="Renewal call", owner="maria",
                                                  external_id="CALL-1", custom={"topic": "renewal"}))  # fmt: skip
        incoming = crm.Interaction(external_id="CALL-1", outcome="demo booked", satisfaction=4)
        patched = db.upsert_interaction(incoming, fields=["outcome", "satisfaction"])
        assert (patched.id, patched.subject, patched.owner) == (call.id, "Renewal call", "maria")
        assert patched.outcome == "demo booked" and patched.satisfaction == 4 and patched.custom["topic"] == "renewal"
        by_id = db.get_interaction(call.id)
        by_id.owner = "tom"
        by_id.subject = "ignored"
        assert db.update_interaction(by_id, fields="owner").subject == "Renewal call"
        assert db.interaction(call.id).owner == "tom"
        with pytest.raises(crm.InvalidError, match="'subjekt' is not a field"):
            db.update_interaction(by_id, fields=["subjekt"])
        with pytest.raises(crm.InvalidError, match="upsert goes by external_id"):
            db.upsert_interaction(by_id, fields=["owner"])
        made = db.upsert_interaction(crm.Interaction(customer=ann.id, external_id="NOTE-2", subject="New"),
                                     fields=["subject"])  # fmt: skip
        assert db.interaction_by_external_id("NOTE-2").id == made.id


def test_opportunity_patch(tmp_path):
    with crm.open(tmp_path / "patch.db", sync=False) as db:
        o = db.create_opportunity(crm.Opportunity(title="Renewal", owner="maria", external_id="SF-7",
                                                  amount=crm.Money(5000, "EUR"), custom={"region": "EMEA"}))
        incoming = crm.Opportunity(external_id="SF-7", amount=crm.Money(6500, "EUR"))
        patched = db.upsert_opportunity(incoming, fields=["amount"])
        assert (patched.id, patched.title, patched.owner) == (o.id, "Renewal", "maria")
        assert patched.amount == crm.Money(6500, "EUR") and patched.custom["region"] == "EMEA"
        by_id = db.get_opportunity(o.id)
        by_id.owner = "tom"
        by_id.title = "ignored"
        assert db.update_opportunity(by_id, fields="owner").title == "Renewal"
        with pytest.raises(crm.InvalidError, match="'titel' is not a field"):
            db.update_opportunity(by_id, fields=["titel"])
        with pytest.raises(crm.InvalidError, match="upsert goes by external_id"):
            db.upsert_opportunity(by_id, fields=["owner"])
