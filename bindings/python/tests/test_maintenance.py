"""Verify, statistics and backups through the package, and damaged files as they surface."""
import os
import threading

import pytest

import crm


def person(n: int) -> crm.Customer:
    return crm.Customer(given_name=f"P{n}", family_name="Example", emails=[crm.Email(f"p{n}@example.com")])


@pytest.fixture
def db(tmp_path):
    with crm.open(tmp_path / "crm.db", sync=False) as d:
        for n in range(20):
            d.create_customer(person(n))
        yield d


def test_verify_clean_store(db):
    report = db.verify()
    assert isinstance(report, crm.VerifyReport)
    assert report.ok and report.problem_count == 0 and report.problems == []
    assert report.records == 21  # 20 customers and the default pipeline
    assert report.index_entries > 60 and report.changes >= 20
    with db.read() as txn:
        assert txn.verify() == report


def test_statistics(db):
    stats = db.statistics()
    assert isinstance(stats, crm.Statistics)
    assert stats.customers == 20 and stats.archived_customers == 0 and stats.pipelines == 1
    assert stats.file_bytes == os.path.getsize(db.path)
    assert stats.page_bytes == 4096 and stats.pages_used > 0
    assert stats.size_limit_bytes == 1 << 40 and stats.readers >= 1 and stats.stale_readers == 0
    with db.read() as txn:
        db.create_customer(person(99))
        db.create_customer(person(100))
        assert txn.statistics().customers == 20  # its own snapshot
        assert db.statistics().oldest_reader_lag == 2


def test_backup_while_writing(db, tmp_path):
    stop = threading.Event()

    def writer():
        n = 1000
        while not stop.is_set():
            db.create_customer(person(n))
            n += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        db.backup(tmp_path / "copy.db")
        db.backup(str(tmp_path / "compact.db"), compact=True)
    finally:
        stop.set()
        t.join()
    for name in ("copy.db", "compact.db"):
        assert os.stat(tmp_path / name).st_mode & 0o777 == 0o600
        with crm.open(tmp_path / name) as copy:
            assert copy.verify().ok
            assert copy.count_customers() >= 20
            assert copy.customer_by_email("p3@example.com").given_name == "P3"
    with pytest.raises(crm.ExistsError):
        db.backup(tmp_path / "copy.db")
    with db.write() as txn:
        with pytest.raises(crm.BusyError):
            db.backup(tmp_path / "blocked.db")
        txn.abort()
    assert not (tmp_path / "blocked.db").exists()


def test_truncated_file_is_corrupt_not_a_crash(db, tmp_path):
    path = db.path
    for n in range(200):
        db.create_customer(person(200 + n))
    db.close()
    size = os.path.getsize(path)
    os.truncate(path, size // 2 // 4096 * 4096)
    with pytest.raises(crm.CorruptError, match="truncated"):
        crm.open(path)


def test_damaged_record_shows_in_verify_and_reads(tmp_path):
    path = tmp_path / "crm.db"
    with crm.open(path, sync=False) as d:
        cid = d.create_customer(crm.Customer(given_name="Ada", family_name="Lovelace")).id
    data = bytearray(path.read_bytes())
    # In the record and its change only: the name index holds folded words.
    at = data.find(b"Lovelace")
    assert at > 0
    while at >= 0:
        data[at] ^= 0x20
        at = data.find(b"Lovelace", at + 1)
    path.write_bytes(bytes(data))
    with crm.open(path) as d:
        with pytest.raises(crm.CorruptError, match="checksum"):
            d.customer(cid)
        report = d.verify()
        assert not report.ok
        assert any(f"customer {cid}: checksum mismatch" in p for p in report.problems)


def test_size_limit_keeps_deletes_working(tmp_path):
    with crm.open(tmp_path / "small.db", sync=False, max_map_size=6 << 20) as d:
        made = []
        with pytest.raises(crm.FullError, match="size limit"):
            for n in range(100000):
                c = person(n)
                c.custom["notes"] = "n" * 2000
                made.append(d.create_customer(c).id)
        assert d.count_customers() == len(made)
        for cid in made[-30:]:
            d.delete_customer(cid)
        assert d.count_customers() == len(made) - 30


@pytest.mark.parametrize("level", ["full", "normal", "none"])
def test_durability_levels_keep_commits(tmp_path, level):
    path = tmp_path / f"{level}.crm"
    with crm.open(path, durability=level) as d:
        made = d.create_customer(person(1))
        d.flush()
        # The file is open in this process with its level: another level is refused.
        other = "normal" if level == "full" else "full"
        with pytest.raises(crm.Error, match="durability"):
            crm.open(path, durability=other)
    with crm.open(path, read_only=True) as d:
        assert d.get_customer(made.id).given_name == "P1"
        d.flush()


def test_unknown_durability_is_refused(tmp_path):
    with pytest.raises(crm.InvalidError, match="durability"):
        crm.open(tmp_path / "x.crm", durability="fast")
    assert not (tmp_path / "x.crm").exists()
