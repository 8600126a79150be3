"""The package's type information (py.typed and annotations), checked with mypy as a user would."""
import os
import sys
import textwrap
from pathlib import Path

import pytest

import crm

api = pytest.importorskip("mypy.api", reason="mypy (Debian's python3-mypy) checks the annotations")

GOOD = """
    import datetime as dt
    from decimal import Decimal
    import crm

    with crm.open("x.crm") as db:
        with db.write(actor="a") as txn:
            c: crm.Customer = txn.create_customer(crm.Customer(given_name="A"))
        got = db.get_customer(c.id)
        if got is not None:
            name: str = got.display_name
            ident: int = got.id
            when: dt.datetime | None = got.created_at
            stage: crm.LifecycleStage = got.stage
            first: crm.Email = got.emails[0]
            archived: bool = got.archived
        for item in db.timeline(c.id, kinds=["call"]):
            kind: crm.InteractionKind = item.kind
            paid: crm.Money | None = item.amount
            deal: int | None = item.opportunity
        amount: Decimal = crm.Money("1.00", "EUR").amount
        moves: list[crm.StageChange] = db.opportunity(1).history
        report: crm.Report = db.win_rate(group_by="owner", period="2024-Q1")
        columns: tuple = report.columns
        text: str = str(db.report("funnel", pipeline=1))
        try:
            db.customer(1)
        except crm.NotFoundError as e:
            code: int = e.code
"""

BAD = """
    import crm
    c = crm.Customer()
    number: int = c.display_name
"""


def check(tmp_path: Path, source: str) -> tuple[str, int]:
    sample = tmp_path / "sample.py"
    sample.write_text(textwrap.dedent(source))
    package_root = Path(crm.__file__).resolve().parent.parent
    args = [str(sample), "--no-incremental", "--cache-dir", str(tmp_path / "cache"), "--python-version", "3.11"]
    env = os.environ.copy()
    if "site-packages" in package_root.parts:
        args += ["--python-executable", sys.executable]  # an installed package: needs its py.typed
    else:
        os.environ["MYPYPATH"] = str(package_root)
    try:
        out, err, status = api.run(args)
    finally:
        os.environ.clear()
        os.environ.update(env)
    return out + err, status


def test_a_typed_use_of_the_package_checks(tmp_path):
    out, status = check(tmp_path, GOOD)
    assert status == 0, out


def test_a_wrong_use_is_caught(tmp_path):
    out, status = check(tmp_path, BAD)
    assert status == 1 and 'has type "str", variable has type "int"' in out, out
