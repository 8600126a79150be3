"""Sales reports through the package: tables by column name, the Maven pipeline checked against
the csv module's own reading of the file, and bad queries refused with the reason."""
import datetime as dt
import statistics

import pytest

import crm
from conftest import load_maven


def deal(db, owner, amount, outcome=None, reason="price"):
    o = db.create_opportunity(crm.Opportunity(title=f"{owner}'s", owner=owner, amount=crm.Money(amount, "EUR")))
    if outcome == "won":
        return db.win_opportunity(o.id)
    if outcome == "lost":
        return db.lose_opportunity(o.id, reason)
    return o


def test_reports_as_tables(db):
    deal(db, "ann", "10.00", "won")
    deal(db, "ann", "30.50", "lost")
    deal(db, "bob", "99.99")
    r = db.win_rate(group_by="owner")
    assert isinstance(r, crm.Report) and r.title == "Win rate"
    assert r.columns[:4] == ("group", "won", "lost", "win_rate")
    assert r.types[r.columns.index("won_amount")] == "money"
    assert r.rows == [{"group": "ann", "won": 1, "lost": 1, "win_rate": 0.5, "currency": "EUR", "currency_won": 1,
                       "currency_lost": 1, "won_amount": 1000, "lost_amount": 3050,
                       "value_win_rate": 1000 / 4050}]  # fmt: skip
    assert "Win rate" in str(r) and "30.50" in str(r)

    summary = db.pipeline_summary(owner="bob")
    assert [(row["stage"], row["count"], row["amount"], row["group"]) for row in summary.rows] == [
        (summary.rows[0]["stage"], 1, 9999, None)
    ]
    with db.read() as txn:  # the same through a transaction
        assert txn.report("lost").rows == [{"group": None, "reason": "price", "count": 1, "share": 1.0}]
    board = db.leaderboard(group_by="owner")
    assert [(r["group"], r["rank"], r["won_amount"], r["open"]) for r in board.rows] == [
        ("ann", 1, 1000, 0), ("bob", 2, 0, 1)
    ]
    funnel = db.funnel(period="2000..2001")  # nothing created then: the stages, empty
    assert funnel.rows and all(row["reached"] == 0 for row in funnel.rows)


def test_bad_reports_are_refused(db):
    with pytest.raises(crm.InvalidError, match="pipeline, winrate, cycle, funnel, lost, forecast, leaderboard"):
        db.report("scores")
    with pytest.raises(crm.InvalidError, match="period: '2017-13'"):
        db.win_rate(period="2017-13")
    with pytest.raises(crm.InvalidError, match="group_by"):
        db.win_rate(group_by="colour")
    with pytest.raises(crm.InvalidError, match="time_zone"):
        db.sales_cycle(time_zone="Atlantis/Capital")
    with pytest.raises(crm.InvalidError, match="naive datetime"):
        db.sales_cycle(start=dt.datetime(2024, 1, 1))
    with pytest.raises(crm.NotFoundError):
        db.funnel(pipeline=999)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    assert db.sales_cycle(start=start, end=start + dt.timedelta(days=1)).rows == []


def test_maven_win_rate_per_team_and_cycle_per_agent_as_the_csv_module_computes_them(db):
    rows, team_of = load_maven(db)
    won: dict[str, int] = {}
    closed: dict[str, int] = {}
    value: dict[str, int] = {}
    cycles: dict[str, list[int]] = {}
    for r in rows:
        if r["deal_stage"] not in ("Won", "Lost"):
            continue
        team = team_of[r["sales_agent"]]
        closed[team] = closed.get(team, 0) + 1
        if r["deal_stage"] == "Won":
            won[team] = won.get(team, 0) + 1
            value[team] = value.get(team, 0) + int(r["close_value"]) * 100
            days = (dt.date.fromisoformat(r["close_date"]) - dt.date.fromisoformat(r["engage_date"])).days
            cycles.setdefault(r["sales_agent"], []).append(days)
    report = db.win_rate(group_by="team")
    assert {row["group"]: (row["won"], row["lost"], row["won_amount"]) for row in report.rows} == {
        team: (won[team], closed[team] - won[team], value[team]) for team in closed
    }
    cycle = db.sales_cycle(group_by="owner")
    assert {row["group"]: (row["won"], row["median_days"]) for row in cycle.rows} == {
        agent: (len(days), statistics.median(days)) for agent, days in cycles.items()
    }


def test_forecast_categories_quotas_and_forecast(db):
    p = crm.Pipeline(name="Direct")
    p.add_stage("Lead", 10)
    p.add_stage("Commit", 90, forecast_category="commit")
    p.add_stage("Won", 100, crm.Outcome.WON)
    p.add_stage("Lost", 0, crm.Outcome.LOST)
    direct = db.create_pipeline(p)
    assert [s.forecast_category for s in direct.stages] == [crm.ForecastCategory.AUTO, crm.ForecastCategory.COMMIT,
                                                             crm.ForecastCategory.AUTO, crm.ForecastCategory.AUTO]
    bad = crm.Pipeline(name="Bad")
    bad.add_stage("Open", 10)
    bad.add_stage("Won", 100, crm.Outcome.WON, forecast_category=crm.ForecastCategory.OMITTED)
    bad.add_stage("Lost", 0, crm.Outcome.LOST)
    with pytest.raises(crm.InvalidError, match="a won stage counts as closed"):
        db.create_pipeline(bad)
    with pytest.raises(crm.InvalidError, match="forecast_category"):
        p.add_stage("Odd", 5, forecast_category="maybe")

    ann = db.create_user(crm.User(name="Ann", login="ann"))
    jan = dt.datetime(2024, 1, 20, tzinfo=dt.timezone.utc)
    db.create_opportunity(crm.Opportunity(title="A", owner="ann", pipeline=direct.id, amount=crm.Money("300.00", "USD"),
                                          expected_close=jan))  # fmt: skip
    b = db.create_opportunity(crm.Opportunity(title="B", owner="ann", pipeline=direct.id, stage=direct.stages[1].id,
                                              amount=crm.Money("700.00", "USD"), expected_close=jan,
                                              forecast_category="best_case"))  # fmt: skip
    assert b.forecast_category == crm.ForecastCategory.BEST_CASE
    assert db.count("opportunity", forecast_category="best_case") == 1
    won = db.win_opportunity(db.create_opportunity(crm.Opportunity(
        title="C", owner="ann", pipeline=direct.id, amount=crm.Money("250.00", "USD"))).id)
    db.set_quota("2024-q1", crm.Money("1000.00", "USD"), user=ann.id)
    assert db.quotas(user=ann.id) == [crm.Quota(ann.id, None, "2024-Q1", crm.Money("1000.00", "USD"),
                                                db.quotas()[0].updated_at)]  # fmt: skip
    with pytest.raises(crm.InvalidError, match="exactly one of user and team"):
        db.set_quota("2024-01", crm.Money("1", "USD"))
    with pytest.raises(crm.InvalidError, match="period"):
        db.set_quota("2024", crm.Money("1", "USD"), user=ann.id)

    f = db.forecast(group_by="owner", bucket="quarter", period="2024")
    assert [(r["period"], r["pipeline"], r["best_case"], r["closed"], r["quota"]) for r in f.rows] == [
        ("2024-Q1", 30000, 70000, 0, 100000)
    ]
    assert f.rows[0]["attainment"] == 0.0
    closed_month = won.closed_at.strftime("%Y-%m")
    assert any(r["period"] == closed_month and r["closed"] == 25000 for r in db.forecast().rows)
    with pytest.raises(crm.InvalidError, match="bucket"):
        db.forecast(bucket="week")
    db.delete_quota("2024-Q1", user=ann.id)
    with pytest.raises(crm.NotFoundError):
        db.delete_quota("2024-Q1", user=ann.id)
    assert db.quotas() == []


def test_slipped_deals(db):
    o = db.create_opportunity(crm.Opportunity(title="late", owner="ann", amount=crm.Money("100", "EUR"),
                                              expected_close=dt.datetime(2030, 1, 31, tzinfo=dt.timezone.utc)))
    o.expected_close = dt.datetime(2030, 3, 2, tzinfo=dt.timezone.utc)
    db.update_opportunity(o)
    rows = db.slipped_deals(group_by="owner").rows
    assert [(r["group"], r["opportunity"], r["slips"], r["from"], r["to"], r["days"]) for r in rows] == [
        ("ann", o.id, 1, "2030-01-31", "2030-03-02", 30.0)]
    assert db.slipped_deals(period="2000").rows == []
