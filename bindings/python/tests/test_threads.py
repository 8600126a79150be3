"""Threads: readers while one writes, the GIL released in C, and closing under load."""
import threading
import time

import crm


def test_readers_see_whole_batches_while_a_writer_commits(db):
    stop = threading.Event()
    errors = []
    seen = []

    def reader():
        try:
            while not stop.is_set():
                with db.read() as txn:
                    n = txn.count_customers()
                    listed = sum(1 for _ in txn.customers(page_size=50))
                    assert n % 100 == 0 and listed == n  # a batch is all there or not at all
                    seen.append(n)
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for batch in range(10):
        with db.write() as txn:
            for i in range(100):
                txn.create_customer(crm.Customer(display_name=f"T{batch}-{i}"))
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors
    assert db.count_customers() == 1000 and seen


def test_the_gil_is_released_while_a_write_waits(db):
    first = db.write()
    started, done = threading.Event(), threading.Event()

    def second_writer():
        started.set()
        with db.write() as txn:  # waits in C for the first writer
            txn.create_customer(crm.Customer(display_name="Second"))
        done.set()

    t = threading.Thread(target=second_writer)
    t.start()
    started.wait()
    time.sleep(0.05)
    # This thread still runs Python and reads while the other one waits inside libcrm.
    assert not done.is_set()
    assert db.count_customers() == 0
    first.create_customer(crm.Customer(display_name="First"))
    first.commit()
    t.join(timeout=10)
    assert done.is_set() and db.count_customers() == 2


def test_one_record_shared_by_threads(db):
    c = crm.Customer(display_name="Shared")
    errors = []

    def churn(k):
        try:
            for i in range(2000):
                c.owner = f"owner-{k}-{i}"
                assert c.owner.startswith("owner-")
                c.tags = [f"t{k}", f"u{i}"]
                assert len(c.tags) == 2
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=churn, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_close_while_readers_run_raises_closed_in_them(tmp_path):
    db = crm.open(tmp_path / "close.crm", sync=False)
    with db.write() as txn:
        for i in range(300):
            txn.create_customer(crm.Customer(display_name=f"C{i}"))
    outcomes = []
    go = threading.Event()

    def reader():
        go.wait()
        try:
            while True:
                for _ in db.customers(page_size=7):
                    pass
        except crm.ClosedError:
            outcomes.append("closed")
        except BaseException as e:
            outcomes.append(e)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    go.set()
    time.sleep(0.1)
    db.close()
    for t in threads:
        t.join(timeout=10)
    assert outcomes == ["closed"] * 3


def test_close_refuses_while_another_thread_writes(tmp_path):
    db = crm.open(tmp_path / "busy.crm", sync=False)
    holding, release = threading.Event(), threading.Event()

    def writer():
        with db.write() as txn:
            txn.create_customer(crm.Customer(display_name="Writer"))
            holding.set()
            release.wait()

    t = threading.Thread(target=writer)
    t.start()
    holding.wait()
    try:
        db.close()
        raise AssertionError("close did not refuse")
    except crm.BusyError as e:
        assert "another thread" in str(e)
    release.set()
    t.join()
    assert db.count_customers() == 1
    db.close()


def test_writes_from_many_threads_share_commits_and_keep_their_own_outcome(db):
    # A first write holds the database while the others start: they queue and join its group,
    # each fn on its own thread, with one commit for all of them.
    before = db.statistics().last_txn
    inside = threading.Event()
    results, errors = {}, {}
    seen = {}

    def holder(txn):
        inside.set()
        time.sleep(0.4)
        txn.create_customer(crm.Customer(display_name="holder"))

    def writer(i):
        def fn(txn):
            if i == 3:
                txn.create_customer(crm.Customer(display_name="three", external_id="three"))
                raise ValueError("three gives up")
            seen[i] = txn.get_customer_by_external_id("three") is not None
            return txn.create_customer(crm.Customer(display_name=f"w{i}", external_id=f"w{i}")).id

        try:
            results[i] = db.transact(fn, actor=f"w{i}")
        except ValueError as e:
            errors[i] = e

    first = threading.Thread(target=db.transact, args=(holder,))
    first.start()
    inside.wait()
    threads = []
    for i in range(6):
        threads.append(threading.Thread(target=writer, args=(i,)))
        threads[-1].start()
        time.sleep(0.02)
    first.join()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1, 2, 4, 5] and list(errors) == [3]
    assert str(errors[3]) == "three gives up"
    assert not any(seen.values())  # nobody saw the failed write, before or after it
    assert db.statistics().last_txn - before == 1  # they joined the holder's group: one commit
    assert db.get_customer_by_external_id("three") is None
    for i, id_ in results.items():
        c = db.get_customer(id_)
        assert c.external_id == f"w{i}"
    actors = [c.actor for c in db.changes(1)]
    assert sorted(a for a in actors if a.startswith("w")) == ["w0", "w1", "w2", "w4", "w5"]
    assert db.verify().ok
