"""Segments through the package: manual members, a dynamic segment following writes, snapshots,
member pages, refusals, and a dynamic segment over the IBM Telco customers counted against the
CSV read with the csv module."""
import csv
from pathlib import Path

import pytest

import crm

from conftest import person

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"


def test_manual_dynamic_and_snapshot(db):
    ann = db.create_customer(person("Ann", "Lee", tags=["vip"]))
    bob = db.create_customer(person("Bob", "Ray"))
    list_ = db.create_segment(crm.Segment(name="Newsletter"))
    assert list_.kind == crm.SegmentKind.MANUAL and list_.members == 0
    assert db.add_to_segment(list_.id, [ann.id, bob.id, ann.id]) == 2
    assert db.add_to_segment(list_.id, ann.id) == 0
    with pytest.raises(crm.NotFoundError, match=r"customers\[1\]: customer 999"):
        db.add_to_segment(list_.id, [bob.id, 999])
    assert db.segment_count(list_.id) == 2 and db.in_segment(list_.id, bob.id)
    vip = db.create_segment(crm.Segment(name="VIPs", kind="dynamic", filter="tag = 'VIP'"))
    assert vip.filter == "tag = 'VIP'" and vip.members == 1
    with pytest.raises(crm.ConflictError, match="only a manual segment"):
        db.add_to_segment(vip.id, bob.id)
    bob.tags = ["vip"]
    db.update_customer(bob)
    assert list(db.segment_members(vip.id)) == [ann.id, bob.id]
    frozen = db.snapshot_segment(vip.id, "VIPs in June")
    assert frozen.kind == crm.SegmentKind.SNAPSHOT and frozen.frozen_from == vip.id and frozen.members == 2
    db.archive_customer(ann.id)
    assert not db.in_segment(vip.id, ann.id) and db.in_segment(frozen.id, ann.id)
    assert db.segment_members_page(vip.id, limit=1) == ([bob.id], b"")
    ids, token = db.segment_members_page(frozen.id, limit=1)
    assert ids == [ann.id] and token
    assert db.segment_members_page(frozen.id, limit=1, page_token=token) == ([bob.id], b"")
    assert db.segments_of(bob.id) == [list_.id, vip.id, frozen.id]
    assert [s.name for s in db.segments()] == ["Newsletter", "VIPs", "VIPs in June"]
    assert db.segment_by_name("vips").id == vip.id and db.segment_by_name("none") is None
    with pytest.raises(crm.InvalidError, match="filter: at"):
        db.create_segment(crm.Segment(name="bad", kind="dynamic", filter="tag ="))
    with pytest.raises(crm.InvalidError, match="owner's user"):
        db.create_segment(crm.Segment(name="bad", kind="dynamic", filter="team = 'north'"))
    with pytest.raises(crm.ExistsError, match="name"):
        db.create_segment(crm.Segment(name="newsletter"))
    assert db.remove_from_segment(list_.id, [ann.id, ann.id]) == 1
    db.delete_segment(list_.id)
    assert db.get_segment(list_.id) is None
    with pytest.raises(crm.NotFoundError):
        db.in_segment(list_.id, bob.id)
    changes = [c for c in db.changes() if c.entity == crm.Entity.SEGMENT]
    assert [c.op for c in changes][:2] == [crm.Op.CREATE, crm.Op.UPDATE]
    assert db.verify().ok


def test_segment_writes_in_one_transaction(db):
    with db.write() as txn:
        s = txn.create_segment(crm.Segment(name="Germany", kind=crm.SegmentKind.DYNAMIC, filter="country = 'DE'"))
        c = person("Ann", "Lee")
        c.country = "DE"
        c = txn.create_customer(c)
        assert txn.in_segment(s.id, c.id) and txn.segment_count(s.id) == 1
    assert db.segment(s.id).members == 1


@pytest.mark.skipif(not (DATA / "ibm-telco").exists(), reason="needs the source tree's tests/data")
def test_telco_segment_counts(db):
    path = DATA / "ibm-telco" / "Telco-Customer-Churn.csv"
    job = db.import_file(path, preset="ibm_telco")
    assert job.counts.created == 7043
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    new_monthly = [r for r in rows if r["Contract"] == "Month-to-month" and int(r["tenure"]) < 12]
    s = db.create_segment(crm.Segment(name="new, monthly", kind="dynamic",
                                      filter="custom.contract = 'Month-to-month' and custom.tenure < 12"))
    assert s.members == len(new_monthly) == db.segment_count(s.id)
    members = list(db.segment_members(s.id, page_size=500))
    by_external = {c.external_id: c.id for c in db.customers()}
    assert sorted(members) == sorted(by_external[r["customerID"]] for r in new_monthly)
    # Ten of them sign a one-year contract: the segment loses exactly those ten.
    for r in new_monthly[:10]:
        c = db.customer(by_external[r["customerID"]])
        c.custom["contract"] = "One year"
        db.update_customer(c)
    assert db.segment_count(s.id) == len(new_monthly) - 10
    assert db.verify().ok


def test_campaign_members_statuses_and_audience(db):
    ann = db.create_customer(person("Ann", "Lee", "ann@example.com"))
    bob = db.create_customer(person("Bob", "Ray", "bob@example.com"))
    cat = db.create_customer(person("Cat", "Day"))
    db.record_consent(crm.ConsentRecord(customer=ann.id, purpose="marketing", legal_basis=crm.LegalBasis.CONSENT))
    spring = db.create_campaign(crm.Campaign(name="Spring launch", budget=crm.Money("5000", "EUR")))
    assert spring.statuses == [crm.CampaignStatus("sent"), crm.CampaignStatus("responded", True)]
    assert spring.default_status == "sent" and spring.channel == crm.Channel.EMAIL and spring.purpose == "marketing"
    event = db.create_campaign(crm.Campaign(name="User day", parent=spring.id,
                                            statuses=["invited", crm.CampaignStatus("attended", True)]))
    assert event.parent == spring.id and event.default_status == "invited"
    with pytest.raises(crm.InvalidError, match="actual_cost.currency"):
        db.create_campaign(crm.Campaign(name="x", budget=crm.Money("1", "EUR"), actual_cost=crm.Money("1", "USD")))
    with pytest.raises(crm.DependentsError):
        db.delete_campaign(spring.id)
    everyone = db.create_segment(crm.Segment(name="all", kind="dynamic", filter="family_name is not empty"))
    assert db.add_segment_to_campaign(spring.id, everyone.id) == 3
    assert db.add_to_campaign(event.id, [ann.id, bob.id], status="attended") == 2
    with pytest.raises(crm.NotFoundError, match=r"customers\[1\]"):
        db.add_to_campaign(event.id, [cat.id, 999])
    db.set_campaign_status(spring.id, bob.id, "RESPONDED")
    m = db.campaign_member(spring.id, bob.id)
    assert m.status == "responded" and m.responded and m.first_responded_at is not None
    assert db.campaign_member(event.id, cat.id) is None
    assert [c.campaign for c in db.campaigns_of(ann.id)] == [spring.id, event.id]
    audience = list(db.campaign_audience(spring.id, page_size=2))
    assert [(e.customer, e.sendable, e.verdict) for e in audience] == [
        (ann.id, True, crm.Verdict.ALLOWED), (bob.id, False, crm.Verdict.NO_CONSENT), (cat.id, False, crm.Verdict.NO_ADDRESS)]
    assert all(e.reason for e in audience)
    assert [m.customer for m in db.campaign_members(spring.id, page_size=1)] == [ann.id, bob.id, cat.id]
    assert db.remove_from_campaign(spring.id, cat.id) == 1 and db.campaign(spring.id).members == 2
    event.statuses = ["attended"]
    event.default_status = "attended"
    db.update_campaign(event)
    assert [c.name for c in db.campaigns()] == ["Spring launch", "User day"]
    assert db.verify().ok


def test_campaign_attribution(db):
    ann = db.create_customer(person("Ann", "Lee", "ann@example.com"))
    bob = db.create_customer(person("Bob", "Ray", "bob@example.com"))
    webinar = db.create_campaign(crm.Campaign(name="Webinar", actual_cost=crm.Money("300", "EUR")))
    mailing = db.create_campaign(crm.Campaign(name="Mailing", budget=crm.Money("100", "EUR")))
    db.add_to_campaign(webinar.id, [ann.id, bob.id])
    db.add_to_campaign(mailing.id, [ann.id])
    db.set_campaign_status(webinar.id, ann.id, "responded")
    db.set_campaign_status(mailing.id, ann.id, "responded")
    deal = db.create_opportunity(crm.Opportunity(title="big", customer=ann.id, amount=crm.Money("1000.01", "EUR")))
    deal = db.win_opportunity(deal.id)
    assert db.deal_touches(deal.id) == [webinar.id, mailing.id]
    assert db.customer_touches(bob.id) == []
    linear = db.campaign_attribution("linear")
    by = {r["name"]: r for r in linear.rows}
    # 100001 cents in two shares: 50001 to the earlier touch, 50000 to the later
    assert (by["Webinar"]["won_value"], by["Mailing"]["won_value"]) == (50001, 50000)  # minor units of "currency"
    assert by["Webinar"]["currency"] == "EUR" and by["Webinar"]["deals"] == 0.5
    assert by["Webinar"]["responded"] == 1 and by["Webinar"]["members"] == 2 and by["Webinar"]["cost_per_lead"] == "300.00 EUR"
    assert round(by["Webinar"]["return"], 4) == round((50001 - 30000) / 30000, 4)
    first = {r["name"]: r["won_value"] for r in db.campaign_attribution("first_touch").rows}
    assert (first["Webinar"], first["Mailing"]) == (100001, 0)
    with pytest.raises(crm.InvalidError, match="model"):
        db.campaign_attribution("u_shaped")


def test_campaign_events_and_opt_out(db):
    ann = db.create_customer(person("Ann", "Lee", "ann@example.com"))
    db.record_consent(crm.ConsentRecord(customer=ann.id, purpose="marketing", legal_basis=crm.LegalBasis.CONSENT))
    c = db.create_campaign(crm.Campaign(name="Newsletter"))
    db.add_to_campaign(c.id, ann.id)
    assert db.record_campaign_event(c.id, ann.id, "sent") == 1
    db.record_campaign_event(c.id, ann.id, crm.EventKind.CLICKED, detail="https://example.com/offer")
    with pytest.raises(crm.InvalidError, match="kind"):
        db.record_campaign_event(c.id, ann.id, "liked")
    with pytest.raises(crm.NotFoundError):
        db.record_campaign_event(c.id, 999, "sent")
    events = db.campaign_events(c.id, ann.id)
    assert [(e.kind, e.detail) for e in events] == [(crm.EventKind.SENT, ""), (crm.EventKind.CLICKED, "https://example.com/offer")]
    assert next(db.campaign_audience(c.id)).sendable
    db.record_campaign_event(c.id, ann.id, "opted_out")
    entry = next(db.campaign_audience(c.id))
    assert not entry.sendable and entry.verdict == crm.Verdict.WITHDRAWN
    counts = db.campaign_event_counts(c.id)
    assert counts[crm.EventKind.OPTED_OUT] == 1 and counts[crm.EventKind.BOUNCED] == 0
