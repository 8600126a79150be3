"""Searches, counts, plans and aggregates through the package, checked against plain Python over
the same records."""
import collections
import datetime as dt
import random
from decimal import Decimal

import pytest

import crm
from crm import F

COUNTRIES = ["DE", "FR", "US", "de", ""]
TAGS = ["vip", "newsletter", "partner"]
STAGES = ["lead", "prospect", "customer", "churned"]


@pytest.fixture
def db(tmp_path):
    rng = random.Random(11)
    with crm.open(tmp_path / "crm.db", sync=False) as d:
        with d.write() as txn:
            for n in range(300):
                c = crm.Customer(given_name=f"P{n}", family_name=rng.choice("abcdefgh") + "son",
                                 stage=rng.choice(STAGES), country=rng.choice(COUNTRIES),
                                 owner=rng.choice(["ann", "bob", ""]))  # fmt: skip
                for t in rng.sample(TAGS, rng.randint(0, 2)):
                    c.add_tag(t)
                if rng.random() < 0.5:
                    c.custom["score"] = rng.randint(0, 9)
                txn.create_customer(c)
        yield d


def everyone(db):
    return list(db.search_customers(include_archived=True))


def ids(customers):
    return [c.id for c in customers]


def test_combined_filters_three_ways(db):
    want = [c.id for c in everyone(db)
            if c.stage == crm.LifecycleStage.CUSTOMER and c.country.lower() == "de" and "vip" in c.tags]  # fmt: skip
    assert want
    assert ids(db.search_customers(stage="customer", country="DE", tag="vip")) == want
    assert ids(db.search_customers((F.stage == "customer") & (F.country == "de") & (F.tag == "vip"))) == want
    assert ids(db.search_customers("stage = 'customer' and country = 'DE' and tag = 'vip'")) == want
    assert db.count("customer", stage="customer", country="DE", tag="vip") == len(want)
    either = [c.id for c in everyone(db) if "partner" in c.tags or c.owner == "bob"]
    assert ids(db.search_customers(F.tag.isin(["partner"]) | (F.owner == "bob"))) == either
    no_owner = [c.id for c in everyone(db) if not c.owner]
    assert ids(db.search_customers(owner=None)) == no_owner
    assert ids(db.search_customers(~F.owner.is_empty())) == [c.id for c in everyone(db) if c.owner]
    scored = [c.id for c in everyone(db) if 3 <= c.custom.get("score", -1) < 7]
    assert ids(db.search_customers(F.custom__score.between(3, 7))) == scored
    assert ids(db.search_customers(F["custom.score"] >= 3, **{"custom.score": [3, 4, 5, 6]})) == scored


def test_values_are_quoted_not_parsed(db):
    with db.write() as txn:
        txn.create_customer(crm.Customer(display_name="O'Brien' or 1=1", owner="x' or owner != '"))
    assert db.count("customer", owner="x' or owner != '") == 1
    assert str(F.name == "it's") == "name = 'it''s'"
    with pytest.raises(crm.InvalidError, match="float"):
        F.amount > 1.5
    with pytest.raises(TypeError):
        bool(F.a == 1)


def test_sorted_keyset_pages(db):
    want = sorted((c for c in everyone(db) if c.stage in (crm.LifecycleStage.LEAD, crm.LifecycleStage.CUSTOMER)),
                  key=lambda c: (c.family_name, c.id), reverse=True)  # fmt: skip
    listing = db.search_customers(stage=["lead", "customer"], order_by="family_name", descending=True, page_size=9)
    first = [next(listing) for _ in range(9)]
    token = listing.page_token
    assert token
    listing.close()
    rest = list(db.search_customers(stage=["lead", "customer"], order_by="family_name", descending=True,
                                    page_size=9, page_token=token))  # fmt: skip
    assert ids(first + rest) == ids(want)
    with pytest.raises(crm.InvalidError, match="page_token"):
        list(db.search_customers(stage="lead", page_token=token))


def test_errors_name_what_is_wrong(db):
    with pytest.raises(crm.InvalidError, match=r"filter: at 9: expected a value"):
        db.count("customer", "stage = ")
    with pytest.raises(crm.InvalidError, match=r"field 'contry': not a field of customers \(known: id, kind"):
        db.count("customer", contry="DE")
    with pytest.raises(crm.InvalidError, match="order_by: field 'nmae'"):
        list(db.search_customers(order_by="nmae"))
    with pytest.raises(crm.InvalidError, match="'custmer' is not one of subscriber, lead"):
        db.count("customer", stage="custmer")
    with pytest.raises(crm.InvalidError, match="page_size: at most 1000"):
        db.search_customers(page_size=5000)
    with pytest.raises(crm.InvalidError, match="kind"):
        db.count("pipeline")
    with pytest.raises(crm.InvalidError, match="time_zone"):
        db.aggregate("customer", group_by="month(created_at)", time_zone="Nowhere/Town")


def test_explain(db):
    plan = db.explain("customer", stage="customer", country="DE", tag="vip", order_by="name")
    assert not plan.full_scan
    assert "tag = 'vip'" in plan.text and "sort the matches by name" in plan.text
    assert db.explain("customer", ~(F.tag == "vip")).full_scan


def test_customer_groups_match_python(db):
    rows = db.aggregate("customer", group_by=["country", "tag"], measures=["count", "sum(custom.score)"])
    got = {(r.keys[0] or "").lower() + "|" + (r.keys[1] or ""): (r.values[0], r.values[1]) for r in rows}
    want: dict = {}
    for c in everyone(db):
        for tag in c.tags or [""]:
            count, total = want.get(c.country.lower() + "|" + tag, (0, 0))
            want[c.country.lower() + "|" + tag] = (count + 1, total + c.custom.get("score", 0))
    assert got == want


def test_opportunity_sums_per_owner_and_month(tmp_path):
    clock = {"now": dt.datetime(2024, 3, 31, 23, 30, tzinfo=dt.timezone.utc)}
    with crm.open(tmp_path / "deals.db", sync=False) as db:
        with db.write() as txn:
            acme = txn.create_customer(crm.Customer(kind=crm.Kind.ORGANIZATION, display_name="Acme"))
            deals = []
            for n, (owner, amount) in enumerate([("ann", Money("10.00", "EUR")), ("ann", Money("25.00", "EUR")),
                                                 ("ann", Money("7.00", "USD")), ("bob", Money("9.99", "EUR"))]):
                deals.append(txn.create_opportunity(crm.Opportunity(title=f"D{n}", customer=acme.id, owner=owner,
                                                                    amount=amount, expected_close=clock["now"])))
            for d in deals[:3]:
                txn.win_opportunity(d.id)
        rows = db.aggregate("opportunity", F.status == "won", group_by="owner, month(expected_close)",
                            measures="sum(amount), count", time_zone="Europe/Berlin")  # fmt: skip
        assert [(r.keys, r.currency, r.values) for r in rows] == [
            (("ann", "2024-04"), "EUR", (3500, 2)),
            (("ann", "2024-04"), "USD", (700, 1)),
        ]
        assert rows[0].key_values[1] == int(dt.datetime(2024, 3, 31, 22, 0, tzinfo=dt.timezone.utc).timestamp() * 10**6)
        assert db.count("opportunity", stage="Closed won") == 3
        assert db.count("opportunity", F.amount >= Decimal("9.99")) == 3  # 7.00 USD is below
        assert db.count("opportunity", F.amount > Money("9.99", "EUR")) == 2
        found = list(db.search_opportunities(status="won", order_by="amount", descending=True))
        assert [o.title for o in found] == ["D2", "D1", "D0"]  # by currency (USD after EUR), then amount


def test_deals_without_customer_or_amount_and_stage_names(tmp_path):
    with crm.open(tmp_path / "leads.db", sync=False) as db:
        lead = db.create_opportunity(crm.Opportunity(title="Inbound"))
        assert lead.customer == 0 and lead.amount is None
        assert db.count("opportunity", customer=None, amount=None) == 1
        assert db.count_opportunities(stage="prospecting") == 1  # names as in move_opportunity
        assert [o.id for o in db.opportunities(stage="Prospecting")] == [lead.id]
        with pytest.raises(crm.InvalidError, match="has no stage 'Open'"):
            db.count_opportunities(stage="Open")
        acme = db.create_customer(crm.Customer(kind=crm.Kind.ORGANIZATION, display_name="Acme"))
        lead.customer = acme.id
        lead.amount = Money("12.00", "EUR")
        lead = db.update_opportunity(lead)
        assert db.count("opportunity", customer=acme.id) == 1
        db.win_opportunity(lead.id)
        with pytest.raises(crm.ConflictError, match="reopen it"):
            db.lose_opportunity(lead.id, "no budget")
        db.move_opportunity(lead.id, "Negotiation")
        assert db.lose_opportunity(lead.id, "no budget").lost_reason == "no budget"


Money = crm.Money


def test_declared_index(db):
    expected = ids(c for c in everyone(db) if not c.archived and c.custom.get("score", -1) >= 7)
    before = db.explain("customer", F["custom.score"] >= 7)
    assert before.full_scan
    db.declare_index("customer", "custom.score")
    db.declare_index(crm.Entity.CUSTOMER, "custom.score")  # once is enough
    with db.write() as txn:
        txn.declare_index("opportunity", "title")
    plan = db.explain("customer", F["custom.score"] >= 7)
    assert not plan.full_scan and "[declared]" in plan.text
    assert ids(db.search_customers(F["custom.score"] >= 7)) == expected
    assert db.count("customer", F["custom.score"] >= 7) == len(expected)
    with_score = sum(1 for c in everyone(db) if "score" in c.custom)
    assert db.indexes() == [crm.Index(crm.Entity.CUSTOMER, "custom.score", with_score),
                            crm.Index(crm.Entity.OPPORTUNITY, "title", 0)]  # fmt: skip
    # Writes keep it.
    c = db.create_customer(crm.Customer(given_name="New", family_name="One", custom={"score": 9}))
    assert c.id in ids(db.search_customers(F["custom.score"] == 9))
    with pytest.raises(crm.InvalidError, match="has an index of its own"):
        db.declare_index("customer", "tag")
    with pytest.raises(crm.InvalidError, match="field 'scor': not a field"):
        db.declare_index("customer", "scor")
    with pytest.raises(crm.NotFoundError):
        db.drop_index("opportunity", "amount")
    db.drop_index("customer", "custom.score")
    assert db.explain("customer", F["custom.score"] >= 7).full_scan
    assert db.verify().ok


def test_interactions_are_searched_counted_and_grouped(tmp_path):
    rng = random.Random(3)
    with crm.open(tmp_path / "i.db", sync=False) as d:
        people = [d.create_customer(crm.Customer(given_name=f"P{n}", family_name="Lee")).id for n in range(5)]
        made = []
        with d.write() as txn:
            for n in range(120):
                i = crm.Interaction(customer=rng.choice(people), kind=rng.choice(["call", "email", "note", "purchase"]),
                                    subject=f"S{n % 4}", owner=rng.choice(["ann", "bob"]))  # fmt: skip
                if i.kind == crm.InteractionKind.PURCHASE:
                    i.amount = crm.Money(Decimal(rng.randint(1, 500)), "EUR")
                if rng.random() < 0.5:
                    i.custom["topic"] = rng.choice(["renewal", "support"])
                made.append(txn.log_interaction(i))
        want = sorted(i.id for i in made if i.kind == crm.InteractionKind.CALL and i.custom.get("topic") == "support")
        where = (F.kind == "call") & (F["custom.topic"] == "support")
        assert sorted(i.id for i in d.search_interactions(where, page_size=5)) == want
        assert d.count("interaction", where) == len(want)
        mine = sorted(i.id for i in made if i.customer == people[1])
        assert [i.id for i in d.search_interactions(customer=people[1])] == mine
        assert not d.explain("interaction", customer=people[1]).full_scan
        sums = collections.Counter()
        for i in made:
            if i.amount is not None:
                sums[i.owner] += i.amount.minor_units
        rows = d.aggregate("interaction", F.kind == "purchase", group_by="owner", measures="sum(amount)")
        assert {r.keys[0]: r.values[0] for r in rows} == dict(sums)
        # The kind of record is positional: kind= filters the records' own kind field.
        assert d.aggregate("interaction", kind="purchase", group_by="owner", measures="sum(amount)") == rows
        assert d.count("interaction", kind="call") == sum(1 for i in made if i.kind == crm.InteractionKind.CALL)
        assert d.count("customer", kind="organization") == 0 and d.count("customer", kind="person") == 5
        with pytest.raises(crm.InvalidError, match="not a field of interactions"):
            d.count("interaction", "stage = 'lead'")
