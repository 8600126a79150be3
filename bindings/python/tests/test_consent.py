"""Consent through the package: records and their history, can_contact with its verdict and
reason, validity and double opt-in, the customer's email opt-in kept in step with the records,
and the withdrawal that an import cannot undo."""
import datetime as dt

import pytest

import crm


@pytest.fixture
def db(tmp_path):
    with crm.open(tmp_path / "crm.db", sync=False) as d:
        yield d


def _ada(db, **extra):
    return db.create_customer(crm.Customer(given_name="Ada", family_name="Byron", emails=["ada@consent.example"],
                                           external_id="hub-17", **extra))  # fmt: skip


def test_grant_withdraw_and_history(db):
    c = _ada(db)
    assert db.can_contact(c.id, crm.Channel.EMAIL, "newsletter").verdict is crm.Verdict.NO_CONSENT
    g = db.record_consent(crm.ConsentRecord(customer=c.id, purpose="Newsletter", legal_basis="consent", source="form",
                                            evidence="https://example.com/form"))  # fmt: skip
    assert g.id == 1 and g.purpose == "newsletter" and g.actor == "system" and g.granted
    yes = db.can_contact(c.id, "email", "newsletter")
    assert yes and yes.allowed and yes.consent == g.id and "consent record 1" in yes.reason
    assert not db.can_contact(c.id, crm.Channel.SMS, "newsletter")  # no phone number
    assert db.can_contact(c.id, crm.Channel.SMS, "newsletter").verdict is crm.Verdict.NO_ADDRESS
    w = db.record_consent(crm.ConsentRecord(customer=c.id, purpose="newsletter", granted=False))
    no = db.can_contact(c.id, "email", "newsletter")
    assert no.verdict is crm.Verdict.WITHDRAWN and no.consent == w.id and not no.allowed
    assert db.can_contact(c.id, "email", "newsletter", at=g.captured_at).allowed  # as it was then
    assert [r.id for r in db.consent_history(c.id)] == [g.id, w.id]
    assert [r.id for r in db.current_consents(c.id)] == [w.id]
    exported = db.export_customer(c.id)
    assert exported["version"] == 5 and [r["id"] for r in exported["consents"]] == [g.id, w.id]


def test_validity_and_double_opt_in(db):
    c = _ada(db)
    now = dt.datetime.now(dt.timezone.utc)
    g = db.record_consent(crm.ConsentRecord(customer=c.id, purpose="events", legal_basis="consent",
                                            valid_to=now + dt.timedelta(days=30)))  # fmt: skip
    assert db.can_contact(c.id, "email", "events", at=now + dt.timedelta(days=31)).verdict is crm.Verdict.EXPIRED
    confirmed = db.confirm_consent(c.id, "email", "events")
    assert confirmed.confirmed_at is not None and confirmed.id != g.id
    assert confirmed.valid_to == g.valid_to and confirmed.valid_from == g.captured_at
    assert "confirmed at" in db.can_contact(c.id, "email", "events").reason
    with pytest.raises(crm.ConflictError, match="already confirmed"):
        db.confirm_consent(c.id, "email", "events")
    with pytest.raises(crm.InvalidError, match="channel"):
        db.can_contact(c.id, "pigeon", "events")
    with pytest.raises(crm.InvalidError, match="legal_basis"):
        db.record_consent(crm.ConsentRecord(customer=c.id, purpose="events"))
    with pytest.raises(crm.NotFoundError):
        db.can_contact(c.id + 99, "email", "events")


def test_opt_in_follows_records_and_import_cannot_undo_a_withdrawal(db):
    c = _ada(db, email_opt_in=True, email_legal_basis="consent")
    [first] = db.consent_history(c.id)
    assert first.purpose == "marketing" and first.granted and first.source is crm.ConsentSource.API
    db.record_consent(crm.ConsentRecord(customer=c.id, purpose="marketing", granted=False, evidence="unsubscribe"))
    assert db.customer(c.id).email_opt_in is False
    with pytest.raises(crm.ConsentWithdrawnError, match="explicit grant"):
        db.record_consent(crm.ConsentRecord(customer=c.id, purpose="marketing", legal_basis="consent", source="import"))
    stale = crm.Customer(given_name="Ada", family_name="Byron", emails=["ada@consent.example"], external_id="hub-17",
                         email_opt_in=True, email_legal_basis="consent")  # fmt: skip
    with pytest.raises(crm.ConsentWithdrawnError, match="email_opt_in"):
        with db.write(import_mode=True) as t:
            t.upsert_customer(stale)
    assert db.customer(c.id).email_opt_in is False and len(db.consent_history(c.id)) == 2
    db.record_consent(crm.ConsentRecord(customer=c.id, purpose="marketing", legal_basis="consent", source="call"))
    assert db.customer(c.id).email_opt_in is True and db.can_contact(c.id, "email", "marketing").allowed
    assert issubclass(crm.ConsentWithdrawnError, crm.ConflictError)
