"""Encryption at rest through the package: no personal value in the file, every lookup still
answers, a missing or wrong key is refused with KeyRequiredError and changes nothing."""
import pytest

import crm

KEY = bytes(range(32))
TRACES = (b"Zebulon", b"zebulon", b"Quixotic", b"quixotic", b"erasetest", b"4155550199", b"9910555514",
          b"Vanishing", b"Xylophone")  # fmt: skip


def _fill(db):
    c = db.create_customer(
        crm.Customer(given_name="Zebulon", family_name="Quixotically", emails=["zebulon@erasetest.example"],
                     phones=["+1 415 555 0199"], street="17 Vanishing Lane")
    )  # fmt: skip
    db.log_interaction(crm.Interaction(customer=c.id, kind=crm.InteractionKind.CALL, subject="Xylophone call"))
    return c


def test_encrypted_file_holds_no_personal_value(tmp_path):
    path = tmp_path / "enc.db"
    with crm.open(path, sync=False, encryption_key=KEY) as db:
        c = _fill(db)
    data = path.read_bytes()
    for trace in TRACES:
        assert trace not in data, trace
    with crm.open(path, sync=False, encryption_key=KEY) as db:
        assert db.get_customer_by_email("Zebulon@EraseTest.example").id == c.id
        assert [x.id for x in db.customers_by_phone("+14155550199")] == [c.id]
        assert [x.id for x in db.customers(name_prefix="quix")] == [c.id]
        assert db.get_customer(c.id).street == "17 Vanishing Lane"
        assert [h.fields[0].after for h in db.field_history(crm.Entity.CUSTOMER, c.id, "family_name")] == ["Quixotically"]
        e = db.erase_customer(c.id)
        assert e.masked[0] == "Z*** Q***"
        assert db.get_customer(c.id) is None


def test_missing_or_wrong_key(tmp_path):
    path = tmp_path / "enc.db"
    with crm.open(path, sync=False, encryption_key=KEY) as db:
        _fill(db)
    before = path.read_bytes()
    with pytest.raises(crm.KeyRequiredError, match="encrypted"):
        crm.open(path, sync=False)
    with pytest.raises(crm.KeyRequiredError, match="wrong key") as wrong:
        crm.open(path, sync=False, encryption_key=bytes(32))
    assert isinstance(wrong.value, PermissionError)
    with pytest.raises(crm.KeyRequiredError):
        crm.open(path, sync=False, passphrase="not the key")
    with pytest.raises(crm.InvalidError, match="32 bytes"):
        crm.open(path, sync=False, encryption_key=b"short")
    with pytest.raises(crm.InvalidError, match="expected bytes"):
        crm.open(path, sync=False, encryption_key="a string key" * 3)
    with pytest.raises(crm.InvalidError):
        crm.open(path, sync=False, encryption_key=KEY, passphrase="and a passphrase")
    assert path.read_bytes() == before


def test_passphrase_and_plain_files(tmp_path):
    path = tmp_path / "pass.db"
    with crm.open(path, sync=False, passphrase="correct horse battery staple") as db:
        c = _fill(db)
    assert b"correct horse" not in path.read_bytes()
    with crm.open(path, sync=False, passphrase="correct horse battery staple") as db:
        assert db.get_customer(c.id).given_name == "Zebulon"
    with pytest.raises(crm.KeyRequiredError):
        crm.open(path, sync=False, passphrase="correct horse battery stapler")
    with pytest.raises(crm.InvalidError, match="passphrase"):
        crm.open(path, sync=False, passphrase="")
    plain = tmp_path / "plain.db"
    crm.open(plain, sync=False).close()
    with pytest.raises(crm.ConflictError, match="not encrypted"):
        crm.open(plain, sync=False, encryption_key=KEY)


def test_rekey(tmp_path):
    path = tmp_path / "enc.db"
    with crm.open(path, sync=False, encryption_key=KEY) as db, crm.open(path, sync=False, encryption_key=KEY) as other:
        c = _fill(db)
        with pytest.raises(crm.InvalidError):
            db.rekey()
        with pytest.raises(crm.InvalidError):
            db.rekey(encryption_key=bytes(32), passphrase="both")
        with pytest.raises(crm.InvalidError, match="32 bytes"):
            db.rekey(encryption_key=bytes(31))
        db.rekey(passphrase="a new passphrase")
        assert other.get_customer_by_email("zebulon@erasetest.example").id == c.id  # open handles go on
    with pytest.raises(crm.KeyRequiredError):
        crm.open(path, sync=False, encryption_key=KEY)
    with crm.open(path, sync=False, passphrase="a new passphrase") as db:
        assert db.get_customer_by_email("zebulon@erasetest.example").id == c.id
        db.rekey(encryption_key=bytes(range(1, 33)))
    with pytest.raises(crm.KeyRequiredError):
        crm.open(path, sync=False, passphrase="a new passphrase")
    with crm.open(path, sync=False, encryption_key=bytes(range(1, 33))) as db:
        assert [x.id for x in db.customers(name_prefix="quix")] == [c.id]
        assert db.verify().ok
    with crm.open(tmp_path / "plain.db", sync=False) as db, pytest.raises(crm.ConflictError, match="not encrypted"):
        db.rekey(encryption_key=KEY)
