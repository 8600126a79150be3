"""Fixtures: a fresh database per test, in pytest's temporary directory."""
import datetime as dt

import pytest

import crm

UTC = dt.timezone.utc


@pytest.fixture
def db(tmp_path):
    with crm.open(tmp_path / "test.crm", sync=False, actor="tester") as database:
        yield database


def person(given, family, email=None, **fields):
    """A person with an email (and whatever fields are given)."""
    emails = [email] if email else []
    return crm.Customer(given_name=given, family_name=family, emails=emails, **fields)
