"""`--html FILE`: a report (and `crm report dashboard`, five of them) written as a self-contained
HTML page, its bars carrying the figures `--json` prints; a page that cannot be written is a
one-line error that leaves no file behind."""
import re
from pathlib import Path

from test_cli import js, run

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"


def marks(page):
    return re.findall(r'class="(\w+)"[^>]* data-label="([^"]*)" data-series="([^"]*)" data-value="([^"]*)"', page)


def load(tmp_path):
    run(tmp_path, "init")
    run(tmp_path, "import", str(DATA / "customers.csv"))
    run(tmp_path, "import", str(DATA / "deals.csv"), "--records", "deals")
    run(tmp_path, "import", str(DATA / "activities.csv"), "--records", "interactions")


def test_a_report_and_the_dashboard_as_pages(tmp_path):
    load(tmp_path)
    out = tmp_path / "pipeline.html"
    p = run(tmp_path, "report", "pipeline", "--html", str(out))
    assert p.stdout.startswith("Pipeline summary\n") and f"wrote {out}" in p.stderr
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "default-src 'none'" in page
    rows = js(tmp_path, "report", "pipeline")["rows"]
    drawn = {(label, series): int(value) for cls, label, series, value in marks(page) if cls == "bar"}
    assert drawn == {(f"{r['pipeline']} · {r['stage']}", s): r[s] for r in rows for s in ("amount", "weighted")}
    assert not list(tmp_path.glob("*.tmp"))

    dash = tmp_path / "dashboard.html"
    reports = js(tmp_path, "report", "dashboard", "--html", str(dash), "--title", "Week <49>")
    assert [r["report"] for r in reports] == ["Pipeline summary", "Forecast", "Funnel", "Cohort retention", "RFM segments"]
    page = dash.read_text()
    assert "<h1>Week &lt;49&gt;</h1>" in page and page.count('<section class="report"') == 5
    kinds = re.findall(r'data-chart="(\w+)"', page)
    assert {"bars", "columns", "funnel"} <= set(kinds)
    funnel = {label: int(value) for cls, label, series, value in marks(page) if cls == "stage"}
    assert funnel == {r["stage"]: r["reached"] for r in reports[2]["rows"]}

    for args in (["analyze", "rfm", "--currency", "EUR"], ["ticket", "report"], ["campaign", "attribution"],
                 ["analyze", "cohorts", "--from", "2026-01-01"]):
        target = tmp_path / f"{args[1]}.html"
        run(tmp_path, *args, "--html", str(target))
        assert target.read_text().startswith("<!DOCTYPE html>")


def test_a_page_that_cannot_be_written_is_an_error(tmp_path):
    load(tmp_path)
    target = tmp_path / "missing" / "page.html"
    p = run(tmp_path, "report", "dashboard", "--html", str(target), code=1)
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("crm: --html: cannot write ") and "No such file" in p.stderr
    assert p.stdout == "" and not target.parent.exists()
