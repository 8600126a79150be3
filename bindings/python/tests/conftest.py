"""Fixtures: a fresh database per test, in pytest's temporary directory."""
import csv
import datetime as dt
from pathlib import Path

import pytest

import crm

UTC = dt.timezone.utc
MAVEN = Path(__file__).resolve().parents[3] / "tests" / "data" / "maven"


@pytest.fixture
def db(tmp_path):
    with crm.open(tmp_path / "test.crm", sync=False, actor="tester") as database:
        yield database


def person(given, family, email=None, **fields):
    """A person with an email (and whatever fields are given)."""
    emails = [email] if email else []
    return crm.Customer(given_name=given, family_name=family, emails=emails, **fields)


def maven_pipeline(db):
    """The Maven pipeline's four stages, created in `db`."""
    p = crm.Pipeline(name="MavenTech")
    for name, probability in (("Prospecting", 10), ("Engaging", 50)):
        p.add_stage(name, probability)
    p.add_stage("Won", 100, crm.Outcome.WON)
    p.add_stage("Lost", 0, crm.Outcome.LOST)
    return db.create_pipeline(p)


def load_maven(db):
    """The Maven pipeline (its four stages), its sales teams and its deals imported into `db` as
    the tool imports them; returns the deals and the agents' managers as the csv module reads the
    files."""
    maven_pipeline(db)
    db.import_file(MAVEN / "sales_teams.csv", preset="maven_teams")
    db.import_file(MAVEN / "sales_pipeline.csv", preset="maven_pipeline", pipeline="MavenTech")
    with open(MAVEN / "sales_teams.csv", newline="") as f:
        manager = {r["sales_agent"]: r["manager"] for r in csv.DictReader(f)}
    with open(MAVEN / "sales_pipeline.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return rows, manager
