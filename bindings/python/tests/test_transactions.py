"""Transactions, closing, and what happens to a failed write."""
import threading

import pytest
from conftest import person

import crm


def test_write_commits_at_the_end_of_the_block(db):
    with db.write(actor="ann") as txn:
        c = txn.create_customer(person("Ann", "Commit", "ann@example.com"))
        assert txn.customer(c.id).display_name == "Ann Commit"  # reads see the transaction's writes
        with db.read() as before:
            assert before.get_customer(c.id) is None  # others do not, until it commits
    assert txn.closed
    assert db.customer(c.id).display_name == "Ann Commit"
    change = list(db.changes())[-1]
    assert change.actor == "ann" and change.entity_id == c.id


def test_an_exception_rolls_the_write_back(db):
    before = db.last_change_seq()
    with pytest.raises(RuntimeError):
        with db.write() as txn:
            txn.create_customer(person("Rolled", "Back", "rb@example.com"))
            raise RuntimeError("boom")
    assert db.count_customers() == 0
    assert db.last_change_seq() == before


def test_a_failed_operation_inside_a_transaction_leaves_the_store_as_it_was(db):
    db.create_customer(person("Taken", "Email", "taken@example.com"))
    seq = db.last_change_seq()
    with pytest.raises(crm.ExistsError):
        with db.write() as txn:
            txn.create_customer(person("First", "Fine", "fine@example.com"))
            txn.create_customer(person("Second", "Dup", "taken@example.com"))
    assert db.get_customer_by_email("fine@example.com") is None
    assert db.count_customers() == 1 and db.last_change_seq() == seq


def test_explicit_commit_and_abort(db):
    txn = db.write()
    c = txn.create_customer(person("Ex", "Plicit", "ex@example.com"))
    txn.commit()
    assert db.get_customer(c.id) is not None
    with pytest.raises(crm.ClosedError):
        txn.commit()
    txn2 = db.write()
    txn2.delete_customer(c.id)
    txn2.abort()
    assert db.get_customer(c.id) is not None
    with pytest.raises(crm.ClosedError) as e:
        txn2.customer(c.id)
    assert isinstance(e.value, ValueError) and "closed" in str(e.value)


def test_read_transactions_see_a_snapshot(db):
    c = db.create_customer(person("Snap", "Shot", "snap@example.com"))
    with db.read() as snapshot:
        c.owner = "changed"
        db.update_customer(c)
        assert snapshot.customer(c.id).owner == ""
    assert db.customer(c.id).owner == "changed"


def test_listing_after_its_transaction_or_database_closed_raises(tmp_path):
    db = crm.open(tmp_path / "x.crm", sync=False)
    with db.write() as txn:
        for i in range(5):
            txn.create_customer(person("L", f"N{i}", f"l{i}@example.com"))
    txn = db.read()
    listing = txn.customers(page_size=2)
    next(listing)
    txn.close()
    with pytest.raises(crm.ClosedError):
        for _ in range(5):
            next(listing)
    one_shot = db.customers(page_size=2)
    next(one_shot)
    open_txn = db.read()
    db.close()
    assert db.closed and open_txn.closed
    with pytest.raises(crm.ClosedError):
        for _ in range(5):
            next(one_shot)
    with pytest.raises(crm.ClosedError):
        open_txn.customer(1)
    with pytest.raises(crm.ClosedError, match="closed"):
        db.customer(1)
    with pytest.raises(crm.ClosedError):
        db.write()
    db.close()  # twice is fine


def test_an_exhausted_listing_stops_and_frees_its_transaction(db):
    db.create_customer(person("Only", "One", "one@example.com"))
    listing = db.customers()
    assert len(list(listing)) == 1
    with pytest.raises(crm.InvalidError, match="list again"):
        list(listing)  # finished: a second iteration says so rather than yielding nothing
    assert db._open == 0  # the one-shot read transaction was freed


def test_a_listing_closed_early_frees_what_it_holds(db):
    with db.write() as txn:
        for i in range(150):
            txn.create_customer(crm.Customer(display_name=f"Early {i}"))
    with db.customers(page_size=20) as listing:
        first = next(listing)
        assert first.display_name == "Early 0"
        assert db._open == 1  # its one-shot read transaction
    assert db._open == 0
    with pytest.raises(crm.InvalidError, match="closed"):
        list(listing)  # a closed listing is over, and says so
    assert first.display_name == "Early 0"  # records outlive their listing


def test_a_write_inside_a_write_on_one_thread_is_refused_not_a_deadlock(db):
    with db.write():
        with pytest.raises(crm.BusyError, match="wait for itself"):
            db.write()
        with pytest.raises(crm.BusyError):
            db.create_customer(person("Nested", "Write", "n@example.com"))


def test_a_write_transaction_stays_on_its_thread(db):
    txn = db.write()
    errors = []

    def use():
        try:
            txn.customer(1)
        except crm.Error as e:
            errors.append(e)

    t = threading.Thread(target=use)
    t.start()
    t.join()
    assert isinstance(errors[0], crm.InvalidError) and "thread" in str(errors[0])
    txn.abort()


def test_transact_commits_returns_and_rolls_back(db):
    cid = db.transact(lambda t: t.create_customer(person("Trans", "Act", "ta@example.com")).id, actor="eve")
    assert db.customer(cid).display_name == "Trans Act"

    def fail(t):
        t.create_customer(person("Never", "Stored", "never@example.com"))
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        db.transact(fail)
    assert db.get_customer_by_email("never@example.com") is None

    def leak(t):
        return t

    leaked = db.transact(leak)
    with pytest.raises(crm.ClosedError):
        leaked.customer(cid)
    with pytest.raises(crm.InvalidError):
        db.transact(lambda t: t.commit())


def test_transact_grows_the_map_and_the_caller_never_sees_it(tmp_path):
    with crm.open(tmp_path / "small.crm", sync=False, map_size=1 << 20) as db:
        calls = []

        def load(txn):
            calls.append(1)
            for i in range(3000):
                txn.create_customer(person("Grow", f"N{i}", f"grow{i}@example.com", city="x" * 200))

        db.transact(load)
        assert db.count_customers() == 3000
        assert len(calls) >= 2  # rolled back and run again in a larger map


def test_a_full_database_raises_full_error_and_keeps_earlier_data(tmp_path):
    with crm.open(tmp_path / "capped.crm", sync=False, map_size=1 << 20, max_map_size=4 << 20) as db:
        db.create_customer(person("Kept", "Safe", "kept@example.com"))
        with pytest.raises(crm.FullError) as e:
            db.transact(lambda t: [t.create_customer(crm.Customer(display_name=f"F{i}", city="y" * 250)) for i in range(20000)])
        assert e.value.code == -6
        assert db.count_customers() == 1


def test_read_only_databases_refuse_writes(tmp_path):
    path = tmp_path / "ro.crm"
    with crm.open(path, sync=False) as db:
        db.create_customer(person("Read", "Only", "ro@example.com"))
    with crm.open(path, read_only=True) as db:
        assert db.count_customers() == 1
        with pytest.raises(crm.Error):
            db.create_customer(person("No", "Write", "nw@example.com"))


def test_open_errors(tmp_path):
    with pytest.raises(crm.Error) as e:
        crm.open(tmp_path / "missing.crm", create=False)
    assert str(tmp_path) in str(e.value) or "missing" in str(e.value)
    with pytest.raises(crm.NotFoundError):
        crm.open("/proc/nowhere/x.crm")
    (tmp_path / "plain-file").write_text("")
    with pytest.raises(crm.StorageError) as e:
        crm.open(tmp_path / "plain-file" / "x.crm")  # a file where a directory should be
    assert isinstance(e.value, OSError) and "Not a directory" in str(e.value)


def test_corrupt_records_raise_corrupt_error(tmp_path):
    path = tmp_path / "c.crm"
    with crm.open(path, sync=False) as db:
        c = db.create_customer(person("Zyxwvutsrq", "Corrupted", "corrupt@example.com"))
    data = bytearray(path.read_bytes())
    at = data.find(b"Zyxwvutsrq")
    assert at > 0
    data[at + 3] ^= 0x20
    path.write_bytes(bytes(data))
    with crm.open(path) as db:
        with pytest.raises(crm.CorruptError) as e:
            db.customer(c.id)
        assert e.value.code == -5


def test_error_classes_map_every_code():
    from crm.errors import error_for

    expected = {
        -1: (crm.NotFoundError, KeyError), -2: (crm.ExistsError, crm.Error), -3: (crm.InvalidError, ValueError),
        -4: (crm.ConflictError, crm.Error), -5: (crm.CorruptError, crm.Error), -6: (crm.FullError, crm.Error),
        -7: (crm.StorageError, OSError), -8: (crm.BusyError, crm.Error), -9: (crm.OutOfMemoryError, MemoryError),
        -10: (crm.InternalError, crm.Error), -11: (crm.ReadOnlyError, crm.ConflictError),
        -12: (crm.VersionError, crm.Error), -13: (crm.DependentsError, crm.ConflictError),
        -14: (crm.NotDatabaseError, crm.Error),
    }  # fmt: skip
    for code, (cls, also) in expected.items():
        e = error_for(code, "message")
        assert type(e) is cls and isinstance(e, also) and isinstance(e, crm.Error)
        assert e.code == code and e.message == "message" and str(e) == "message"
    assert type(error_for(-77, "?")) is crm.InternalError


def test_a_write_to_a_read_only_database_is_a_read_only_error(tmp_path):
    path = tmp_path / "ro.crm"
    crm.open(path).close()
    with crm.open(path, read_only=True) as db:
        with pytest.raises(crm.ReadOnlyError, match="read-only"):
            db.create_customer(crm.Customer(display_name="X"))
