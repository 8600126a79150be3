"""Several processes on one file: a second open in one process shares its environment, so a
writer in another process still waits and no committed write is lost."""
import subprocess
import sys
import textwrap
import time

import crm

from conftest import person

CHILD = textwrap.dedent(
    """
    import sys, time
    import crm
    with crm.open(sys.argv[1], sync=False) as db:
        with db.write(actor="child") as txn:
            txn.create_customer(crm.Customer(given_name="C", family_name="Child",
                                             emails=["child@example.com"]))
    print(time.time(), flush=True)
    """
)


def test_second_open_then_close_keeps_other_writers_waiting(tmp_path):
    path = tmp_path / "two.crm"
    a = crm.open(path, sync=False)
    crm.open(path, sync=False).close()  # a second handle, closed
    with a.write() as txn:
        txn.create_customer(person("P", "Parent", "parent@example.com"))
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
        time.sleep(1.5)
        committed_at = time.time()
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0
    assert float(out.strip()) >= committed_at, "the child's write did not wait for the parent's"
    a.close()
    with crm.open(path) as db:
        assert db.get_customer_by_email("parent@example.com") is not None
        assert db.get_customer_by_email("child@example.com") is not None, "the child's write was lost"
        assert db.count_customers() == 2


def test_two_handles_in_one_process_share_state(tmp_path):
    path = tmp_path / "shared.crm"
    with crm.open(path, sync=False) as a, crm.open(path, sync=False) as b:
        made = a.create_customer(person("O", "One", "one@example.com"))
        assert b.customer(made.id).family_name == "One"
