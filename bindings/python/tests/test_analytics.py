"""Customer analytics through the package: purchase facts, churn (grouped, banded, on the IBM
Telco customers against the CSV read with the csv module), cohorts, RFM, top and at-risk
customers, one customer's RFM scores and lifetime value, and the refusals that name the field."""
import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

import crm

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
T0 = dt.datetime(2024, 1, 15, tzinfo=dt.timezone.utc)


def buy(db, customer, at, amount):
    return db.log_interaction(crm.Interaction(customer=customer, kind=crm.InteractionKind.PURCHASE, occurred_at=at,
                                              amount=crm.Money(amount, "EUR")))


def test_purchase_facts_follow_purchases(db):
    ann = db.create_customer(crm.Customer(given_name="Ann", family_name="Lee"))
    assert db.purchase_facts(ann.id) == crm.PurchaseFacts(0, None, None, (), None)
    buy(db, ann.id, T0 - dt.timedelta(days=30), "10.00")
    last = buy(db, ann.id, T0, "25.50")
    f = db.purchase_facts(ann.id)
    assert f.purchases == 2 and f.first_purchase_at == T0 - dt.timedelta(days=30) and f.last_purchase_at == T0
    assert f.total("eur") == crm.Money("35.50", "EUR") and f.total("USD") == crm.Money("0", "USD")
    db.delete_interaction(last.id)
    assert db.purchase_facts(ann.id).purchases == 1
    ann.stage = crm.LifecycleStage.CHURNED
    db.update_customer(ann)
    assert db.purchase_facts(ann.id).churned_at is not None
    with pytest.raises(crm.NotFoundError):
        db.purchase_facts(9999)


def test_reports_rfm_and_lifetime_value(db):
    people = [db.create_customer(crm.Customer(given_name=f"P{i}", family_name="Q")) for i in range(6)]
    for i, p in enumerate(people):
        for k in range(i + 1):
            buy(db, p.id, T0 - dt.timedelta(days=20 * k + 3 * i), f"{10 * (i + 1)}.00")
    top = db.top_customers(currency="EUR", limit=3)
    assert [r["customer"] for r in top.rows] == [people[5].id, people[4].id, people[3].id]
    assert top.rows[0]["value"] == 6 * 6000 and top.types[top.columns.index("value")] == "money"
    rfm = db.rfm(currency="EUR", at=T0)
    assert [r["segment"] for r in rfm.rows][:2] == ["champions", "loyal"] and len(rfm.rows) == 11
    assert sum(r["customers"] for r in rfm.rows) == 6
    score = db.rfm_of(people[5].id, currency="EUR", at=T0)
    assert score.f == 5 and score.frequency == 6 and score.monetary == crm.Money("360.00", "EUR")
    assert (score.r, score.recency_days, score.segment) == (1, 15, "cannot_lose")  # the most, but the least recent
    cohorts = db.cohorts(start=T0 - dt.timedelta(days=400), end=T0 + dt.timedelta(days=1), months=3)
    assert cohorts.columns[:3] == ("cohort", "customers", "m0")
    assert sum(r["customers"] for r in cohorts.rows) == 6 and all(r["m0"] == 1.0 for r in cohorts.rows)
    risk = db.at_risk(since=T0 - dt.timedelta(days=10), currency="EUR", by_purchase=True)
    assert {r["customer"] for r in risk.rows} == {p.id for i, p in enumerate(people) if 3 * i >= 10}
    ltv = db.lifetime_value(people[5].id, currency="EUR", at=T0)
    assert ltv.historic == crm.Money("360.00", "EUR") and ltv.average_order == crm.Money("60.00", "EUR")
    assert not ltv.estimated and ltv.predicted == ltv.historic  # nobody bought a year back: no churn known
    # A year back two customers bought; one of them has not since: a yearly churn of 1/2.
    gone = db.create_customer(crm.Customer(given_name="Gone", family_name="G"))
    buy(db, gone.id, T0 - dt.timedelta(days=400), "5.00")
    buy(db, people[1].id, T0 - dt.timedelta(days=400), "5.00")
    ltv = db.lifetime_value(people[5].id, currency="EUR", at=T0)
    assert ltv.estimated and ltv.yearly_churn_rate == 0.5 and ltv.expected_years == 2.0
    assert ltv.predicted.minor_units == round(6000 * ltv.purchases_per_year * 2)
    with pytest.raises(crm.ConflictError, match="no purchase"):
        db.rfm_of(db.create_customer(crm.Customer(given_name="Idle", family_name="I")).id, currency="EUR")
    with pytest.raises(crm.InvalidError, match="currency"):
        db.top_customers(currency="EURO")
    with pytest.raises(crm.InvalidError, match="definition"):
        db.churn(start=T0, end=T0 + dt.timedelta(days=1), definition="sometimes")
    with pytest.raises(crm.InvalidError, match="not a customer report"):
        db.customer_report("weather")
    with pytest.raises(crm.InvalidError, match="band"):
        db.churn(start=T0, end=T0 + dt.timedelta(days=1), group_by="band(custom.tenure, 0)")


@pytest.mark.skipif(not (DATA / "ibm-telco").exists(), reason="needs the source tree's tests/data")
def test_telco_churn_by_contract_and_tenure_band(db):
    path = DATA / "ibm-telco" / "Telco-Customer-Churn.csv"
    job = db.import_file(path, preset="ibm_telco")
    assert job.counts.created == 7043 and job.counts.failed == 0
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    customers, churned = Counter(), Counter()
    for r in rows:
        for key in ("all", r["Contract"], f"band:{int(r['tenure']) // 12 * 12}"):
            customers[key] += 1
            churned[key] += r["Churn"] == "Yes"
    start, end = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
    by_contract = db.churn(start=start, end=end, group_by="custom.contract")
    for r in by_contract.rows:
        key = "all" if r["group"] == "(all)" else r["group"]
        assert (r["customers"], r["churned"]) == (customers[key], churned[key])
        assert round(100 * r["rate"], 2) == round(100 * churned[key] / customers[key], 2)
    assert round(100 * by_contract.rows[-1]["rate"], 2) == 26.54
    by_band = db.churn(start=start, end=end, group_by="band(custom.tenure, 12)")
    for r in by_band.rows[:-1]:
        low = int(r["group"].split("-")[0])
        assert (r["customers"], r["churned"]) == (customers[f"band:{low}"], churned[f"band:{low}"])
    assert "Month-to-month" in str(by_contract)


def test_churn_risk_with_its_factors(db):
    def make(plan, stage):
        return db.create_customer(crm.Customer(given_name=plan, family_name="x", stage=stage, custom={"plan": plan}))

    assert db.churn_risk_options() == crm.ChurnRiskOptions((), 20)
    db.set_churn_risk_options(["custom.plan", "band(custom.tenure, 12)"], minimum_customers=4)
    assert db.churn_risk_options() == crm.ChurnRiskOptions(("custom.plan", "band(custom.tenure, 12)"), 4)
    for plan, stage in [("monthly", "CHURNED"), ("monthly", "CHURNED"), ("yearly", "CUSTOMER"), ("yearly", "CUSTOMER"),
                        ("monthly", "CUSTOMER")]:
        make(plan, getattr(crm.LifecycleStage, stage))
    lead = make("monthly", crm.LifecycleStage.LEAD)
    r = db.churn_risk(lead.id)
    assert r.model and (r.churned, r.stayed) == (2, 3) and r.explanation.startswith("learned from 2 churned")
    # C = 2, S = 3; monthly: 2 churned, 1 stayed
    import math
    lo = math.log(3 / 4) + math.log((3 / 4) / (2 / 5))
    assert math.isclose(r.risk, 1 / (1 + math.exp(-lo)))
    assert r.factors == (crm.ChurnRiskFactor("custom.plan", "monthly", 2, 1, r.factors[0].weight),)
    assert r.factors[0].weight > 0
    buy(db, lead.id, T0, "10.00")
    risky = db.at_risk(since=T0 + dt.timedelta(days=1), currency="EUR", min_risk=0.5)
    assert [(r["customer"], round(r["churn_risk"], 12)) for r in risky.rows] == [(lead.id, round(r.risk, 12))]
    assert risky.rows[0]["risk_factors"].startswith("custom.plan = monthly (+")
    assert db.at_risk(since=T0 + dt.timedelta(days=1), currency="EUR", min_risk=0.99).rows == []
    with pytest.raises(crm.InvalidError, match="min_risk"):
        db.at_risk(since=T0, currency="EUR", min_risk="high")
    with pytest.raises(crm.InvalidError, match="stage is what it predicts"):
        db.set_churn_risk_options(["stage"])
    with pytest.raises(crm.InvalidError, match="fields"):
        db.set_churn_risk_options("custom.plan")
    with pytest.raises(crm.NotFoundError):
        db.churn_risk(99999)
    assert db.verify().ok
