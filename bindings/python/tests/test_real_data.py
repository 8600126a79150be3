"""Real data through the package: the MavenTech pipeline (85 accounts, 8,800 deals with engage and
close dates) and the Salesforce e-bikes sample, imported with their history, then asked the
questions a sales manager asks. Every figure the engine gives is compared with the same figure
computed here by plain Python over the CSV/JSON rows (another code path), to the cent and the day.
The files are in tests/data (see the SOURCE.md beside them)."""
import collections
import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import crm
from crm import F

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
UTC = dt.timezone.utc
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="needs the source tree's tests/data")


def rows(name):
    with open(DATA / "maven" / name, newline="") as f:
        return list(csv.DictReader(f))


def day(text):
    return dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def maven(tmp_path_factory):
    accounts, deals = rows("accounts.csv"), rows("sales_pipeline.csv")
    teams = {t["sales_agent"]: t for t in rows("sales_teams.csv")}
    db = crm.open(tmp_path_factory.mktemp("maven") / "maven.db", sync=False)
    with db.write("maven-import", import_mode=True) as txn:
        pipeline = txn.create_pipeline(crm.Pipeline(name="MavenTech", stages=[
            crm.PipelineStage(0, "Prospecting", 10), crm.PipelineStage(0, "Engaging", 50),
            crm.PipelineStage(0, "Won", 100, crm.Outcome.WON), crm.PipelineStage(0, "Lost", 0, crm.Outcome.LOST)]))  # fmt: skip
        stage = {s.name: s.id for s in pipeline.stages}
        # sales_teams.csv: agent -> manager -> regional office. Each manager leads a team of that
        # office; deals name their agent, whose user is found by name.
        managers = {}
        for t in teams.values():
            if t["manager"] not in managers:
                boss = txn.create_user(crm.User(name=t["manager"]))
                team = txn.create_team(crm.Team(name=t["manager"], region=t["regional_office"], manager=boss.id))
                boss.team = team.id
                managers[t["manager"]] = txn.update_user(boss)
        for agent, t in teams.items():
            boss = managers[t["manager"]]
            txn.create_user(crm.User(name=agent, team=boss.team, manager=boss.id))
        ids = {}
        for a in sorted(accounts, key=lambda a: a["subsidiary_of"] != ""):  # parents first
            org = crm.Customer(kind=crm.Kind.ORGANIZATION, display_name=a["account"], country=a["office_location"],
                               stage="customer", industry=a["sector"], employees=int(a["employees"]),
                               annual_revenue=crm.Money(Decimal(a["revenue"]) * 1_000_000, "USD"),  # millions of USD
                               account_type=crm.AccountType.CUSTOMER, parent=ids.get(a["subsidiary_of"]))  # fmt: skip
            org.custom["sector"] = a["sector"]
            org.custom["year_established"] = int(a["year_established"])
            if a["subsidiary_of"]:
                org.custom["subsidiary_of"] = a["subsidiary_of"]
            ids[a["account"]] = txn.create_customer(org).id
        for d in deals:
            o = crm.Opportunity(title=d["opportunity_id"], external_id=d["opportunity_id"], pipeline=pipeline.id,
                                stage=stage[d["deal_stage"]], owner=d["sales_agent"],
                                customer=ids.get(d["account"], 0))  # fmt: skip
            o.custom["product"] = d["product"]
            if d["close_value"]:
                o.amount = crm.Money(d["close_value"], "USD")
            if d["engage_date"]:
                engaged = day(d["engage_date"])
                o.created_at = engaged
                history = [(0, stage["Engaging"], engaged)]
                if d["close_date"]:
                    history.append((stage["Engaging"], stage[d["deal_stage"]], day(d["close_date"])))
                o.history = history
            txn.create_opportunity(o)
    yield db, accounts, deals
    db.close()


def test_every_record_arrived(maven):
    db, accounts, deals = maven
    assert db.count("customer") == len(accounts) == 85
    assert db.count("opportunity") == len(deals) == 8800
    assert db.count("opportunity", customer=None) == sum(1 for d in deals if not d["account"]) == 1425
    assert db.verify().ok


def test_deals_per_stage(maven):
    db, _, deals = maven
    got = {r.keys[0]: r.values[0] for r in db.aggregate("opportunity", group_by="stage")}
    assert got == dict(collections.Counter(d["deal_stage"] for d in deals))
    assert db.count("opportunity", status="won") == got["Won"] == 4238


def test_won_revenue_per_agent_to_the_cent(maven):
    db, _, deals = maven
    want = collections.defaultdict(Decimal)
    for d in deals:
        if d["deal_stage"] == "Won":
            want[d["sales_agent"]] += Decimal(d["close_value"])
    rows_ = db.aggregate("opportunity", status="won", group_by="owner", measures=["sum(amount)", "count"])
    assert all(r.currency == "USD" for r in rows_)
    got = {r.keys[0]: crm.Money.from_minor(r.values[0], "USD").amount for r in rows_}
    assert got == dict(want)
    top = max(want, key=want.get)
    assert top == "Darcel Schlecht" and got[top] == Decimal("1153214")


def test_won_revenue_per_month_of_close(maven):
    db, _, deals = maven
    want = collections.defaultdict(Decimal)
    for d in deals:
        if d["deal_stage"] == "Won":
            want[d["close_date"][:7]] += Decimal(d["close_value"])
    rows_ = db.aggregate("opportunity", F.status == "won", group_by="month(closed_at)", measures="sum(amount)")
    assert {r.keys[0]: Decimal(r.values[0]) / 100 for r in rows_} == dict(want)
    quarters = db.aggregate("opportunity", F.status == "won", group_by="quarter(closed_at)", measures="count")
    want_q = collections.Counter(f"{d['close_date'][:4]}-Q{(int(d['close_date'][5:7]) - 1) // 3 + 1}"
                                 for d in deals if d["deal_stage"] == "Won")  # fmt: skip
    assert {r.keys[0]: r.values[0] for r in quarters} == dict(want_q)


def test_won_revenue_per_office_and_product(maven):
    db, _, deals = maven
    teams = {t["sales_agent"]: t for t in rows("sales_teams.csv")}
    want = collections.defaultdict(Decimal)
    for d in deals:
        if d["deal_stage"] == "Won":
            want[(teams[d["sales_agent"]]["regional_office"], d["product"])] += Decimal(d["close_value"])
    got = db.aggregate("opportunity", status="won", group_by="team.region, custom.product", measures="sum(amount)")
    assert {r.keys: Decimal(r.values[0]) / 100 for r in got} == dict(want)
    # An import run again updates instead of duplicating.
    again = db.opportunity_by_external_id("1C1I7A6R")
    assert again.amount == crm.Money("1054", "USD") and again.custom["product"] == "GTX Plus Basic"
    db.upsert_opportunity(again)
    assert db.count("opportunity") == 8800


def test_users_and_teams_from_sales_teams_csv(maven):
    db, _, deals = maven
    teams = rows("sales_teams.csv")
    assert len(db.teams()) == len({t["manager"] for t in teams}) == 6
    assert len(db.users()) == len(teams) + 6 == 41
    agent = db.owner_user("Darcel Schlecht")
    assert db.user(agent.manager).name == "Melvin Marxen" and db.team(agent.team).region == "Central"
    office = {t["sales_agent"]: t["regional_office"] for t in teams}
    manager = {t["sales_agent"]: t["manager"] for t in teams}
    # Won revenue and win rate per team (a manager's team) and per office, to the cent.
    won, closed = collections.defaultdict(Decimal), collections.Counter()
    for d in deals:
        if d["deal_stage"] in ("Won", "Lost"):
            closed[manager[d["sales_agent"]]] += 1
        if d["deal_stage"] == "Won":
            won[manager[d["sales_agent"]]] += Decimal(d["close_value"])
    got = {r.keys[0]: Decimal(r.values[0]) / 100
           for r in db.aggregate("opportunity", status="won", group_by="team", measures="sum(amount)")}  # fmt: skip
    assert got == dict(won)
    assert {r.keys[0]: r.values[0] for r in db.aggregate("opportunity", "status in ('won', 'lost')",
                                                         group_by="owner.manager")} == dict(closed)  # fmt: skip
    per_office = collections.Counter(office[d["sales_agent"]] for d in deals if d["deal_stage"] == "Engaging")
    for region, n in per_office.items():
        assert db.count("opportunity", f"team.region = '{region}' and stage = 'Engaging'") == n


def test_sales_cycles_to_the_day(maven):
    db, _, deals = maven
    want = {d["opportunity_id"]: (day(d["close_date"]) - day(d["engage_date"])).days
            for d in deals if d["deal_stage"] in ("Won", "Lost")}  # fmt: skip
    got = {o.title: (o.closed_at - o.created_at).days
           for o in db.search_opportunities(F.status.isin(["won", "lost"]), page_size=1000)}  # fmt: skip
    assert got == want
    assert sum(got.values()) / len(got) == pytest.approx(sum(want.values()) / len(want))
    # A deal engaged at the end of 2016 and won in March 2017, by the engine's filter on dates.
    early = db.count("opportunity", (F.created_at < "2017-01-01") & (F.closed_at >= "2017-03-01") & (F.status == "won"))
    assert early == sum(1 for d in deals if d["deal_stage"] == "Won" and d["engage_date"] < "2017-01-01")


def test_accounts_by_sector_and_country(maven):
    db, accounts, deals = maven
    got = {r.keys[0]: (r.values[0], r.values[1]) for r in
           db.aggregate("customer", group_by="industry", measures=["count", "sum(employees)"])}  # fmt: skip
    want = collections.defaultdict(lambda: [0, 0])
    for a in accounts:
        want[a["sector"]][0] += 1
        want[a["sector"]][1] += int(a["employees"])
    assert got == {k: tuple(v) for k, v in want.items()}
    big = db.count("customer", F.annual_revenue >= 1000, country="United States")
    assert big == sum(1 for a in accounts if Decimal(a["revenue"]) * 1_000_000 >= 1000 and a["office_location"] == "United States")
    assert db.count("customer", F.parent.is_not_empty()) == sum(1 for a in accounts if a["subsidiary_of"])
    for a in accounts:  # every subsidiary points at its parent, found by the parent index
        if a["subsidiary_of"]:
            parent = next(iter(db.search_customers(name=a["subsidiary_of"])))
            assert a["account"] in {c.display_name for c in db.search_customers(parent=parent.id)}
    customers_per_agent = db.aggregate("opportunity", status="won", group_by="owner", measures="count_distinct(customer)")
    want_c = collections.defaultdict(set)
    for d in deals:
        if d["deal_stage"] == "Won":
            want_c[d["sales_agent"]].add(d["account"])
    assert {r.keys[0]: r.values[0] for r in customers_per_agent} == {k: len(v) for k, v in want_c.items()}


def test_salesforce_ebikes_sample(tmp_path):
    def records(name):
        return json.loads((DATA / "ebikes" / name).read_text())["records"]

    with crm.open(tmp_path / "ebikes.db", sync=False) as db:
        with db.write("sfdx-import", import_mode=True) as txn:
            sf = txn.create_pipeline(crm.Pipeline(name="Salesforce", stages=[
                crm.PipelineStage(0, n, p) for n, p in [("Prospecting", 10), ("Qualification", 10), ("Needs Analysis", 20),
                                                     ("Value Proposition", 50), ("Negotiation/Review", 90)]] + [
                crm.PipelineStage(0, "Closed Won", 100, crm.Outcome.WON),
                crm.PipelineStage(0, "Closed Lost", 0, crm.Outcome.LOST)]))  # fmt: skip
            refs = {}
            for a in records("Accounts.json"):
                org = crm.Customer(kind=crm.Kind.ORGANIZATION, display_name=a["Name"], street=a["BillingStreet"],
                                   city=a["BillingCity"], region=a["BillingState"],
                                   postal_code=a["BillingPostalCode"], country=a["BillingCountry"])  # fmt: skip
                refs["@" + a["attributes"]["referenceId"]] = txn.create_customer(org).id
            for o in records("Opportunities.json"):
                txn.create_opportunity(crm.Opportunity(
                    title=o["Name"], pipeline=sf.id, stage=sf.stage_id(o["StageName"]), customer=refs[o["AccountId"]],
                    amount=crm.Money(o["Amount"], "USD"), probability=o["Probability"],
                    expected_close=day(o["CloseDate"])))  # fmt: skip
            for c in records("Cases.json"):
                txn.log_interaction(crm.Interaction(customer=refs[c["AccountId"]], kind=crm.InteractionKind.SUPPORT_TICKET,
                                                    subject=c["Subject"], body=c["Description"]))  # fmt: skip
        deal = next(iter(db.search_opportunities(stage="Value Proposition")))
        assert deal.amount == crm.Money("23000", "USD") and deal.probability == 50
        assert db.customer(deal.customer).display_name == "Alpine Treckers"
        assert db.customer(deal.customer).postal_code == "10036"
        assert db.count("customer", postal_code="02478") == 1  # the leading zero survives
        assert db.count("opportunity", F.expected_close.between("2026-08-01", "2026-09-01")) == 1
        assert [i.subject for i in db.timeline(deal.customer)] == [records("Cases.json")[0]["Subject"]]
