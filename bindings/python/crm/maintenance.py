"""Keeping a database healthy: verifying it end to end, measuring it, and backing it up."""
from __future__ import annotations

from typing import Any, NamedTuple

from ._native import ffi, lib
from ._ops import Ops
from .errors import check

#: the struct versions this package fills (crm.h's CRM_VERIFY_REPORT_VERSION, CRM_STATS_VERSION)
_VERIFY_REPORT_VERSION = 1
_STATS_VERSION = 1


class VerifyReport(NamedTuple):
    """What ``verify()`` checked and the problems it found (the first 1000 of them)."""

    records: int
    index_entries: int
    changes: int
    problem_count: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        """Whether no problem was found."""
        return self.problem_count == 0


class Statistics(NamedTuple):
    """The database's size and use, and who reads it (see ReadTxn::Statistics in the C++ API)."""

    customers: int
    archived_customers: int
    interactions: int
    pipelines: int
    opportunities: int
    changes: int
    file_bytes: int
    map_bytes: int
    page_bytes: int
    pages_used: int
    pages_free: int
    size_limit_bytes: int
    reserve_bytes: int
    readers: int
    stale_readers: int
    last_txn: int
    oldest_reader_lag: int


def _verify(txn: Any) -> VerifyReport:
    out = ffi.new("crm_verify_report*", {"version": _VERIFY_REPORT_VERSION})
    text = ffi.new("char**")
    check(lib.crm_txn_verify(out, text, txn))
    problems: list[str] = []
    if text[0] != ffi.NULL:
        try:
            problems = ffi.string(text[0]).decode("utf-8", "replace").splitlines()
        finally:
            lib.crm_free(text[0])
    return VerifyReport(out.records, out.index_entries, out.changes, out.problem_count, problems)


def _statistics(txn: Any) -> Statistics:
    out = ffi.new("crm_stats*", {"version": _STATS_VERSION})
    check(lib.crm_txn_stats(out, txn))
    return Statistics(*(getattr(out, name) for name in Statistics._fields))


class MaintenanceReads(Ops):
    def verify(self) -> VerifyReport:
        """Checks every record's checksum and decoding, every index entry against its record and
        back, the maintained totals against a recount, the change feed's continuity and the
        references between records, as of one snapshot. A damaged file gives problems in the
        report, not an exception. Reads the whole database."""
        return self._with_read(_verify)

    def statistics(self) -> Statistics:
        """Records per kind, file and map size, pages used and free, the size limit and its
        reserve, and the readers (stale ones included) as of one snapshot."""
        return self._with_read(_statistics)
