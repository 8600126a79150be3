"""Erasure through the package: the customer and what belongs to it are gone, the feed keeps its
numbers with the erased records' values removed and a tombstone, kept deals are anonymised, the
erasure log keeps masked identifiers, and a compacted backup holds none of the customer's bytes."""
import pytest

import crm


@pytest.fixture
def db(tmp_path):
    with crm.open(tmp_path / "crm.db", sync=False) as d:
        yield d


def _subject(db):
    c = db.create_customer(
        crm.Customer(given_name="Zebulon", family_name="Quixotically", emails=["zebulon@erasetest.example"],
                     phones=["+1 415 555 0199"], street="17 Vanishing Lane")
    )  # fmt: skip
    i = db.log_interaction(crm.Interaction(customer=c.id, kind=crm.InteractionKind.CALL, subject="Xylophone call"))
    o = db.create_opportunity(crm.Opportunity(title="Zebulon's order", customer=c.id, amount=crm.Money(2500, "USD")))
    return c, i, o


def test_erase_customer(db, tmp_path):
    keep = db.create_customer(crm.Customer(given_name="Olga", family_name="Keepsake"))
    c, i, o = _subject(db)
    e = db.erase_customer(c.id, actor="dpo")
    assert isinstance(e, crm.Erasure)
    assert e.customer == c.id and e.actor == "dpo" and e.interactions == 1 and e.deals_erased == 1
    assert e.masked == ("Z*** Q***", "z***@e********.example", "*********99")
    assert db.get_customer(c.id) is None and db.get_customer_by_email("zebulon@erasetest.example") is None
    assert db.get_opportunity(o.id) is None and db.get_customer(keep.id).given_name == "Olga"
    feed = list(db.changes())
    assert [ch.seq for ch in feed] == list(range(1, len(feed) + 1))
    assert feed[-1].op is crm.Op.ERASE and feed[-1].seq == e.seq and feed[-1].entity_id == c.id
    erased = [ch for ch in feed if (ch.entity, ch.entity_id) in
              {(crm.Entity.CUSTOMER, c.id), (crm.Entity.INTERACTION, i.id), (crm.Entity.OPPORTUNITY, o.id)}]  # fmt: skip
    assert all(ch.fields == [] for ch in erased)
    assert sum(ch.redacted for ch in erased) == e.changes_redacted > 0
    assert list(db.field_history(crm.Entity.CUSTOMER, c.id, "family_name")) == []
    assert db.erasures() == [e] and db.erasures(from_seq=e.seq + 1) == []
    with pytest.raises(crm.NotFoundError):
        db.erase_customer(c.id)
    with pytest.raises(crm.InvalidError):
        db.erasures(limit=0)
    db.backup(tmp_path / "copy.db", compact=True)
    data = (tmp_path / "copy.db").read_bytes()
    for trace in (b"Zebulon", b"zebulon", b"Quixotic", b"erasetest", b"4155550199", b"9910555514", b"Vanishing",
                  b"Xylophone"):  # fmt: skip
        assert trace not in data, trace


def test_keep_deals_and_transactions(db):
    c, _, o = _subject(db)
    with db.write(actor="dpo") as txn:
        e = txn.erase_customer(c.id, keep_deals=True)
    assert e.deals_kept == 1 and e.deals_erased == 0
    kept = db.opportunity(o.id)
    assert kept.customer == 0 and kept.title == "Erased customer's deal" and kept.amount == crm.Money(2500, "USD")
    # An erasure in a transaction that is abandoned leaves everything.
    c2, _, _ = _subject(db)
    with pytest.raises(RuntimeError):
        with db.write() as txn:
            txn.erase_customer(c2.id)
            raise RuntimeError("changed my mind")
    assert db.customer(c2.id).given_name == "Zebulon"
    assert len(db.erasures()) == 1


def test_suppression(db):
    c, _, _ = _subject(db)
    db.erase_customer(c.id, suppress=True)
    assert db.is_suppressed("ZEBULON@erasetest.example") and db.is_suppressed("+1 (415) 555-0199")
    with pytest.raises(crm.SuppressedError) as caught:
        db.create_customer(crm.Customer(given_name="Zeb", emails=["zebulon@erasetest.example"]))
    assert "emails[0]" in caught.value.message and isinstance(caught.value, crm.ConflictError)
    db.suppress("ann@example.com")
    with pytest.raises(crm.SuppressedError):
        db.create_customer(crm.Customer(given_name="Ann", emails=["Ann@Example.com"]))
    assert db.unsuppress("ann@example.com") is True and db.unsuppress("ann@example.com") is False
    assert db.create_customer(crm.Customer(given_name="Ann", emails=["ann@example.com"])).id > 0
    with pytest.raises(crm.InvalidError):
        db.suppress("")
    # A whole domain.
    db.suppress("@spam-trap.example")
    assert db.is_suppressed("anyone@Spam-Trap.example") and not db.is_suppressed("anyone@other.example")
    with pytest.raises(crm.SuppressedError, match="suppressed domain"):
        db.create_customer(crm.Customer(given_name="Bob", emails=["bob@spam-trap.example"]))
    with pytest.raises(crm.InvalidError, match="domain"):
        db.suppress("@not a domain")


def test_export_customer(db):
    c, i, o = _subject(db)
    doc = db.export_customer(c.id)
    assert doc["format"] == "libcrm.subject-export" and doc["version"] == 5
    assert doc["customer"]["id"] == c.id and doc["customer"]["given_name"] == "Zebulon"
    assert [x["id"] for x in doc["interactions"]] == [i.id]
    assert [x["id"] for x in doc["opportunities"]] == [o.id]
    assert doc["opportunities"][0]["amount"]["minor_units"] == 250000
    feed = [ch.seq for ch in db.changes() if (ch.entity, ch.entity_id) in
            {(crm.Entity.CUSTOMER, c.id), (crm.Entity.INTERACTION, i.id), (crm.Entity.OPPORTUNITY, o.id)}]  # fmt: skip
    assert [ch["seq"] for ch in doc["changes"]] == feed
    with pytest.raises(crm.NotFoundError):
        db.export_customer(c.id + 100)
