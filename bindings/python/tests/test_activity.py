"""Interactions and timelines, pipelines, opportunities and the change feed."""
import datetime as dt
import itertools

import pytest
from conftest import UTC, person

import crm

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def customer(db):
    return db.create_customer(person("Tim", "Line", "tim@example.com"))


def test_interactions_and_the_timeline(db, customer):
    kinds = [crm.InteractionKind.CALL, crm.InteractionKind.EMAIL, crm.InteractionKind.MEETING]
    with db.write(actor="maria") as txn:
        for k in range(9):
            txn.log_interaction(
                crm.Interaction(
                    customer=customer.id, kind=kinds[k % 3], direction=crm.Direction.OUTBOUND,
                    occurred_at=T0 + dt.timedelta(days=k), subject=f"touch {k}", duration_seconds=60 * k,
                    satisfaction=(k % 5) + 1, owner="maria",
                )
            )  # fmt: skip
    items = list(db.timeline(customer.id))
    assert [i.subject for i in items] == [f"touch {k}" for k in range(8, -1, -1)]  # newest first
    assert items[0].occurred_at == T0 + dt.timedelta(days=8) and items[0].direction is crm.Direction.OUTBOUND
    assert [i.subject for i in db.timeline(customer.id, oldest_first=True)][:2] == ["touch 0", "touch 1"]
    calls = list(db.timeline(customer.id, kinds=[crm.InteractionKind.CALL]))
    assert {i.kind for i in calls} == {crm.InteractionKind.CALL} and len(calls) == 3
    assert len(list(db.timeline(customer.id, kinds=["email", "meeting"]))) == 6
    window = list(db.timeline(customer.id, since=T0 + dt.timedelta(days=2), until=T0 + dt.timedelta(days=5)))
    assert [i.subject for i in window] == ["touch 4", "touch 3", "touch 2"]
    assert len(list(itertools.islice(db.timeline(customer.id, page_size=2), 5))) == 5
    assert db.customer(customer.id).last_interaction_at == T0 + dt.timedelta(days=8)


def test_interaction_update_delete_and_purchase_amount(db, customer):
    i = db.log_interaction(
        crm.Interaction(customer=customer.id, kind=crm.InteractionKind.PURCHASE, subject="order",
                        amount=crm.Money("249.99", "EUR"), occurred_at=T0)  # fmt: skip
    )
    assert db.interaction(i.id).amount == crm.Money("249.99", "EUR")
    other = db.log_interaction(crm.Interaction(customer=customer.id, kind="other", kind_label="webinar"))
    assert db.interaction(other.id).kind_label == "webinar"
    task = db.log_interaction(crm.Interaction(customer=customer.id, kind="task", subject="call back", due_at=T0))
    task.done = True
    task.outcome = "reached"
    db.update_interaction(task)
    got = db.interaction(task.id)
    assert got.done is True and got.outcome == "reached" and got.due_at == T0 and got.revision == 2
    assert got.opportunity is None and got.amount is None
    db.delete_interaction(i.id)
    assert db.get_interaction(i.id) is None
    with pytest.raises(crm.NotFoundError):
        db.interaction(i.id)
    with pytest.raises(crm.InvalidError, match="customer"):
        db.log_interaction(crm.Interaction(customer=999999, kind=crm.InteractionKind.NOTE))


def test_pipelines(db):
    default = db.pipeline()
    assert default.name == "Sales" and default.id > 0
    assert [s.outcome for s in default.stages][-2:] == [crm.Outcome.WON, crm.Outcome.LOST]
    p = crm.Pipeline(name="Renewals")
    p.add_stage("Due", 30)
    p.add_stage("Quoted", 60)
    p.add_stage("Renewed", 100, crm.Outcome.WON)
    p.add_stage("Churned", 0, crm.Outcome.LOST)
    db.create_pipeline(p)
    assert p.id > 0 and all(s.id > 0 for s in p.stages)
    assert p.stage_id("quoted") == p.stages[1].id and p.stage_id("nope") is None
    stored = db.pipeline(p.id)
    stages = stored.stages
    stages[0] = stages[0]._replace(name="Coming up")
    stored.stages = stages
    db.update_pipeline(stored)
    assert db.pipeline(p.id).stages[0].name == "Coming up"
    assert db.pipeline(p.id).stages[0].id == p.stages[0].id  # ids stay when renamed
    assert {x.name for x in db.pipelines()} == {"Sales", "Renewals"}
    assert db.get_pipeline(424242) is None
    db.delete_pipeline(p.id)
    assert [x.name for x in db.pipelines()] == ["Sales"]
    with pytest.raises(crm.InvalidError):
        crm.Pipeline(stages=[("x",)])


def test_opportunities_through_the_pipeline(db, customer):
    contact = db.create_customer(person("Deci", "Sion", "ds@example.com"))
    o = crm.Opportunity(title="Big deal", customer=customer.id, amount=crm.Money("12000", "USD"),
                        owner="ann", expected_close=dt.date(2025, 6, 30))  # fmt: skip
    o.add_contact(contact.id, "decision maker")
    db.create_opportunity(o, actor="ann")
    assert o.id > 0 and o.pipeline == db.pipeline().id and o.stage == db.pipeline().stages[0].id
    assert o.probability == db.pipeline().stages[0].probability and not o.probability_overridden
    assert o.expected_close == dt.datetime(2025, 6, 30, tzinfo=UTC)
    assert o.contacts == [crm.Contact(contact.id, "decision maker")]
    moved = db.move_opportunity(o.id, "proposal", actor="bob")
    assert moved.stage == db.pipeline().stage_id("Proposal")
    with pytest.raises(crm.InvalidError, match="no stage"):
        db.move_opportunity(o.id, "nowhere")
    won = db.win_opportunity(o.id)
    assert won.closed_at is not None
    history = won.history
    assert history[0].from_stage == 0 and history[1].actor == "bob"
    assert history[-1].to_stage == won.stage and history[0].amount == crm.Money("12000", "USD")
    lost = db.create_opportunity(crm.Opportunity(title="Small", customer=customer.id, amount=crm.Money(500, "USD")))
    lost = db.lose_opportunity(lost.id, "budget")
    assert lost.lost_reason == "budget"
    stale = db.opportunity(lost.id)
    stale.title = "Renamed"
    db.update_opportunity(stale)
    assert db.opportunity(lost.id).title == "Renamed"
    assert db.count_opportunities() == 2
    assert db.count_opportunities(customer=customer.id) == 2
    assert db.count_opportunities(open_only=True) == 0
    assert [x.title for x in db.opportunities(owner="ann")] == ["Big deal"]
    assert [x.id for x in db.opportunities(stage=won.stage)] == [o.id]
    assert len(list(db.opportunities(pipeline=o.pipeline))) == 2
    in_june = list(db.opportunities(close_from=dt.date(2025, 6, 1), close_to=dt.date(2025, 7, 1)))
    assert [x.id for x in in_june] == [o.id]
    with pytest.raises(crm.InvalidError):
        db.opportunities(owner="a", customer=1)
    db.delete_opportunity(lost.id)
    assert db.get_opportunity(lost.id) is None


def test_the_change_feed_and_field_history(db, customer):
    start = db.last_change_seq()
    c = db.customer(customer.id)
    for owner in ("ann", "bob", "carol"):
        c.owner = owner
        db.update_customer(c, actor=owner)
    changes = list(db.changes(start + 1))
    assert [ch.seq for ch in changes] == list(range(start + 1, start + 4))
    assert [ch.actor for ch in changes] == ["ann", "bob", "carol"]
    assert all(ch.op is crm.Op.UPDATE and ch.entity is crm.Entity.CUSTOMER for ch in changes)
    assert crm.FieldChange("owner", "ann", "bob") in changes[1].fields
    assert isinstance(changes[0].at, dt.datetime)
    history = list(db.field_history(crm.Entity.CUSTOMER, customer.id, "owner"))
    assert [(h.fields[0].before, h.fields[0].after) for h in history] == [("", "ann"), ("ann", "bob"), ("bob", "carol")]
    assert len(list(db.field_history("customer", customer.id, "owner"))) == 3
    with pytest.raises(crm.InvalidError, match="'ownr' is not a field of customer records"):
        list(db.field_history("customer", customer.id, "ownr"))
    assert db.last_change_seq() == start + 3
    assert repr(changes[0]).startswith("<Change seq=")
    with pytest.raises(TypeError):
        crm.Change()
    copy = changes[0].copy()
    assert copy.seq == changes[0].seq and copy.fields == changes[0].fields


def test_the_feed_reads_many_pages(db):
    with db.write() as txn:
        for i in range(250):
            txn.create_customer(crm.Customer(display_name=f"Feed {i}"))
    assert sum(1 for ch in db.changes() if ch.entity is crm.Entity.CUSTOMER) == 250
