"""Defects a new user met: each of these failed before its fix."""
import datetime as dt
import json
from decimal import Decimal

import pytest

import crm

from conftest import person


def test_custom_fields_read_by_name(db):
    c = person("Cu", "Stom", "cu@example.com")
    for i in range(60):
        c.custom[f"k{i:02}"] = i
    c.custom["plan"] = "gold"
    c = db.create_customer(c)
    got = db.customer(c.id)
    assert dict(got.custom) == {**{f"k{i:02}": i for i in range(60)}, "plan": "gold"}
    assert got.custom["k37"] == 37 and got.custom.get("nope") is None and "plan" in got.custom
    with pytest.raises(KeyError):
        got.custom["k99"]
    assert list(got.custom)[:2] == ["k00", "k01"] and len(got.custom) == 61


def test_a_misspelt_stage_or_kind_is_an_invalid_error_naming_the_choices(db):
    c = db.create_customer(person("Ty", "Po", "ty@example.com"))
    with pytest.raises(crm.InvalidError, match=r"stage: 'customr' is not one of .*customer"):
        db.customers(stage="customr")
    with pytest.raises(crm.InvalidError, match=r"stage: 'customr'"):
        db.count_customers(stage="customr")
    with pytest.raises(crm.InvalidError, match=r"kinds: 'cal' is not one of .*call"):
        db.timeline(c.id, kinds="cal")
    db.log_interaction(crm.Interaction(customer=c.id, kind="call", subject="hello"))
    db.log_interaction(crm.Interaction(customer=c.id, kind="note", subject="memo"))
    assert [i.subject for i in db.timeline(c.id, kinds="call")] == ["hello"]  # one kind, by name
    assert len(list(db.timeline(c.id, kinds=["call", crm.InteractionKind.NOTE]))) == 2
    with pytest.raises(crm.InvalidError, match="entity"):
        db.field_history("custmer", c.id, "owner")


def test_a_listing_iterated_again_says_so_instead_of_yielding_nothing(db):
    for i in range(3):
        db.create_customer(person("L", f"Ist{i}", f"l{i}@example.com"))
    listing = db.customers()
    assert len(list(listing)) == 3
    with pytest.raises(crm.InvalidError, match="again"):
        list(listing)
    with db.read() as txn:
        inside = txn.customers()
        assert next(inside).family_name == "Ist0"
        assert [c.family_name for c in inside] == ["Ist1", "Ist2"]  # continuing one is fine
        with pytest.raises(crm.InvalidError, match="again"):
            iter(inside)


def test_money_adds_subtracts_and_compares_within_one_currency():
    a, b = crm.Money("12.50", "EUR"), crm.Money("0.75", "EUR")
    assert a + b == crm.Money("13.25", "EUR") and a - b == crm.Money("11.75", "EUR")
    assert -b == crm.Money("-0.75", "EUR") and abs(-b) == b and a * 3 == crm.Money("37.50", "EUR") == 3 * a
    assert sum([a, b, b]) == crm.Money("14.00", "EUR")
    assert b < a and a >= b and max(a, b) is a and sorted([a, b]) == [b, a]
    with pytest.raises(crm.InvalidError, match="EUR and USD"):
        a + crm.Money("1", "USD")
    with pytest.raises(crm.InvalidError, match="EUR and USD"):
        a < crm.Money("1", "USD")
    with pytest.raises(crm.InvalidError, match="too large"):
        crm.Money.from_minor(2**62, "EUR") * 4
    with pytest.raises(TypeError):
        a + 1
    with pytest.raises(TypeError):
        a * Decimal("1.5")


def test_to_dict_goes_to_json_and_back(db):
    org = db.create_customer(crm.Customer(kind="organization", display_name="Json GmbH"))
    c = person("Js", "On", "js@example.com", phones=["+49 30 1234567"], tags=["a"], owner="ann",
               stage="customer", email_opt_in=True, email_legal_basis="consent")  # fmt: skip
    c.custom.update({"n": 3, "ok": True, "plan": "gold", "budget": crm.Money("99.90", "EUR"),
                     "met": dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)})  # fmt: skip
    c.memberships = [crm.Membership(org.id, "CFO")]
    c = db.create_customer(c)
    d = c.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["stage"] == "customer" and d["kind"] == "person" and d["email_legal_basis"] == "consent"
    assert d["emails"] == [{"address": "js@example.com", "label": "", "primary": True}]
    assert d["memberships"] == [{"organization": org.id, "role": "CFO"}]
    assert d["custom"]["budget"] == {"amount": "99.90", "currency": "EUR"}
    assert d["custom"]["met"] == "2024-05-01T12:00:00+00:00" and d["custom"]["ok"] is True
    assert d["created_at"].endswith("+00:00") and d["archived_at"] is None
    deal = db.create_opportunity(crm.Opportunity(customer=c.id, title="J", amount=crm.Money("1000", "USD")))
    dd = deal.to_dict()
    assert json.loads(json.dumps(dd)) == dd and dd["amount"] == {"amount": "1000.00", "currency": "USD"}
    assert dd["history"][0]["to_stage"] == deal.stage
    for change in db.changes():
        assert json.loads(json.dumps(change.to_dict())) == change.to_dict()
    assert c == db.customer(c.id)  # equality still compares the typed values


def test_extreme_inputs_are_invalid_errors_not_silent_or_overflow(db):
    for amount in ("1e-999999999", "1e999999999", "-1e40"):
        with pytest.raises(crm.InvalidError, match="amount"):
            crm.Money(amount, "EUR")
    with pytest.raises(crm.InvalidError, match="page_size"):
        db.customers(page_size=10**20)
    c = db.create_customer(person("Ep", "Och", "ep@example.com"))
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    with pytest.raises(crm.InvalidError, match="occurred_at.*1970"):
        crm.Interaction(customer=c.id, kind="call", occurred_at=epoch)
    later = epoch + dt.timedelta(microseconds=1)
    logged = db.log_interaction(crm.Interaction(customer=c.id, kind="call", occurred_at=later))
    assert db.interaction(logged.id).occurred_at == later
