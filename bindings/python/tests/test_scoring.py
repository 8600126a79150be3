"""Deal scores through the package: on the Maven pipeline, a Prospecting deal's score and factors
against the naive-Bayes formula worked here from the csv module's reading of the files; the
fallback and the closed case; options checked and kept."""
import math

import pytest

import crm
from conftest import load_maven


def test_a_maven_deal_scored_from_the_closed_ones(db):
    db.set_scoring_options(["owner", "team", "custom.product"], minimum_closed=100)
    assert db.scoring_options() == crm.ScoringOptions(("owner", "team", "custom.product"), 100)
    rows, manager = load_maven(db)  # the deals counted as they are imported
    closed = [r for r in rows if r["deal_stage"] in ("Won", "Lost")]
    won = sum(r["deal_stage"] == "Won" for r in closed)
    lost = len(closed) - won
    target = next(r for r in rows if r["deal_stage"] == "Prospecting")
    deal = db.opportunity_by_external_id(target["opportunity_id"])
    s = db.score_deal(deal.id)
    assert s.basis == "model" and (s.won, s.lost) == (won, lost) == (4238, 2473)
    assert s.prior == pytest.approx(100 * (won + 1) / (won + lost + 2))

    def counts(match):
        w = sum(1 for r in closed if match(r) and r["deal_stage"] == "Won")
        return w, sum(1 for r in closed if match(r)) - w

    expected = {
        "stage": ("Prospecting", (won, lost)),  # every closed deal passed the first stage
        "owner": (target["sales_agent"], counts(lambda r: r["sales_agent"] == target["sales_agent"])),
        "team": (manager[target["sales_agent"]],
                 counts(lambda r: manager[r["sales_agent"]] == manager[target["sales_agent"]])),
        "custom.product": (target["product"], counts(lambda r: r["product"] == target["product"])),
    }
    x = math.log((won + 1) / (lost + 1))
    assert {f.field for f in s.factors} == set(expected)
    for f in s.factors:
        value, (w, l) = expected[f.field]
        assert (f.value, f.won, f.lost) == (value, w, l)
        term = math.log(((w + 1) / (won + 2)) / ((l + 1) / (lost + 2)))
        assert f.weight == pytest.approx(term, abs=1e-12)
        x += term
    assert s.probability == pytest.approx(min(99.0, max(1.0, 100 / (1 + math.exp(-x)))), abs=1e-9)
    assert [abs(f.weight) for f in s.factors] == sorted((abs(f.weight) for f in s.factors), reverse=True)
    assert "6711 closed deals of pipeline 'MavenTech'" in s.explanation

    won_deal = db.opportunity_by_external_id(next(r for r in closed if r["deal_stage"] == "Won")["opportunity_id"])
    assert db.score_deal(won_deal.id)[1:3] == (100.0, "closed")


def test_fallback_options_and_errors(db):
    o = db.create_opportunity(crm.Opportunity(title="lonely", owner="ann"))
    s = db.score_deal(o.id)
    assert (s.basis, s.probability, s.factors) == ("stage probability", 10.0, ())
    assert "at least 20" in s.explanation and "0 closed deals" in s.explanation
    with pytest.raises(crm.NotFoundError):
        db.score_deal(o.id + 100)
    with pytest.raises(crm.InvalidError, match=r"fields\[1\].*bogus"):
        db.set_scoring_options(["owner", "bogus"])
    with pytest.raises(crm.InvalidError, match="minimum_closed"):
        db.set_scoring_options(["owner"], minimum_closed=0)
    with pytest.raises(crm.InvalidError, match="list of field names"):
        db.set_scoring_options("owner")
    assert db.scoring_options() == crm.ScoringOptions(("owner", "team", "amount"), 20)  # unchanged
    with db.write() as txn:
        txn.set_scoring_options([], minimum_closed=1)
        assert txn.scoring_options() == crm.ScoringOptions((), 1)
