"""Reports drawn as HTML pages through the package: Report.html() and crm.reports_html. The Maven
pipeline's won value per team, read off the page's bars, is checked against the csv module's own
sums; reports not made by the engine are refused."""
from html.parser import HTMLParser

import pytest

import crm
from conftest import load_maven


class Marks(HTMLParser):
    """The page's drawn marks (data-value) and whether anything would run or be fetched."""

    def __init__(self):
        super().__init__()
        self.marks, self.charts, self.scripts, self.sources, self.caption, self.in_caption = [], [], 0, [], "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if "src" in a or (tag == "link" and a.get("href", "").startswith("http")):
            self.sources.append(a)
        if tag == "figure":
            self.charts.append(a.get("data-chart"))
            self.caption = ""
        self.in_caption = tag == "figcaption"
        if "data-value" in a:
            self.marks.append((self.caption, a.get("class"), a["data-label"], a["data-series"], a["data-value"]))

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data

    def handle_endtag(self, tag):
        self.in_caption = False


def parse(page):
    p = Marks()
    p.feed(page)
    assert p.scripts == 0 and p.sources == []
    return p


def test_maven_won_value_per_team_as_drawn(db):
    rows, manager = load_maven(db)
    board = db.leaderboard(group_by="team")
    page = parse(board.html())
    # Open deals without an amount have no currency: their chart comes first.
    assert page.charts == ["bars", "bars"]
    drawn = {label: int(value) for caption, cls, label, series, value in page.marks
             if series == "won_amount" and caption == "currency: USD"}
    expected = {}
    for r in rows:
        if r["deal_stage"] == "Won":
            team = manager[r["sales_agent"]]
            expected[team] = expected.get(team, 0) + int(r["close_value"]) * 100
    assert drawn == expected


def test_several_reports_on_one_page(db):
    db.create_opportunity(crm.Opportunity(title="<b>big</b> deal", amount=crm.Money("1234.50", "EUR")))
    summary, funnel, forecast = db.pipeline_summary(), db.funnel(), db.report("forecast")
    page = crm.reports_html("Week 49 & after", summary, funnel, forecast)
    assert "<title>Week 49 &amp; after</title>" in page
    p = parse(page)
    assert p.charts == ["bars", "funnel"]  # the forecast has no deal with an expected close
    assert ("currency: EUR", "bar", summary.rows[0]["pipeline"] + " · " + summary.rows[0]["stage"], "amount", "123450") in p.marks
    assert page.count('<section class="report"') == 3
    assert summary.html() == crm.reports_html(summary.title, summary)


def test_reports_not_made_by_the_engine_are_refused(db):
    made = crm.Report("by hand", ("n",), ("int",), [{"n": 1}], "n\n1\n")
    assert made == made._replace(handle=object())  # the engine's copy does not count in equality
    with pytest.raises(ValueError, match=r"reports\[0\]: was not made by the engine"):
        made.html()
    with pytest.raises(TypeError, match=r"reports\[1\]: a Report is needed"):
        crm.reports_html("t", db.pipeline_summary(), "not a report")
