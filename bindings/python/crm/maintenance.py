"""Keeping a database healthy: verifying it end to end, measuring it, backing it up, changing its
key and applying retention."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from . import _options
from ._native import ffi, lib
from ._ops import Ops
from .changes import RetentionReport, RetentionRule, retention_rules
from .errors import EINVALID, InvalidError, check

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


class DatabaseMaintenance:
    """The calls on the database itself that are not reads or writes of records."""

    if TYPE_CHECKING:  # what the Database these calls are part of provides

        def _enter(self, write: bool) -> Any: ...

        def _leave(self) -> None: ...

        def first_change_seq(self) -> int: ...

    def backup(self, path: Union[str, "os.PathLike[str]"], *, compact: bool = False) -> None:
        """Copies the database, as of one snapshot, to a new owner-only file at ``path``
        (:class:`crm.ExistsError` when there is one) while writers go on. ``compact`` writes every
        table afresh: no free pages, so the copy is as small as the data, and no byte of a deleted
        or erased record. Raises :class:`crm.BusyError` on a
        thread holding this database's write transaction."""
        h = self._enter(False)
        try:
            check(lib.crm_db_backup(h, os.fsencode(os.fspath(path)), 1 if compact else 0))
        finally:
            self._leave()

    def flush(self) -> None:
        """Writes every commit made so far to disk (fsync): with ``durability="normal"`` or
        ``"none"``, the point up to which a power loss loses nothing."""
        h = self._enter(False)
        try:
            check(lib.crm_db_flush(h))
        finally:
            self._leave()

    def rekey(self, *, encryption_key: bytes | None = None, passphrase: str | None = None) -> None:
        """Changes the key of this encrypted database: afterwards it opens with ``encryption_key``
        (32 bytes) or ``passphrase`` (a new salt is drawn), exactly one of the two, and no longer
        with the old key. Synced to disk before it returns, whatever the durability: interrupted
        at any point, the file opens with the old key or the new one. Databases already open on
        the file go on unchanged. Raises :class:`crm.ConflictError` for a database that is not
        encrypted, :class:`crm.InvalidError` for no key or both."""
        keep: list[Any] = []
        key, key_len, phrase = _options.secret(encryption_key, passphrase, keep)
        h = self._enter(False)
        try:
            check(lib.crm_db_rekey(h, key, key_len, phrase))
        finally:
            self._leave()

    def apply_retention(self, rules: "list[RetentionRule]", *, batch: int = 1000) -> RetentionReport:
        """Applies a retention policy to the change feed and field history, in write
        transactions of at most `batch` changes (1 to 100000) each, as the database's default
        actor: a change a rule selects is trimmed (``Change.trimmed``: its values and actor go,
        its place stays), and trimmed changes at the front of the feed are removed. Interrupted,
        the store stays consistent and a later run finishes."""
        if isinstance(batch, bool) or not isinstance(batch, int) or not 0 <= batch < 2**63:
            raise InvalidError(EINVALID, f"batch: expected an int from 1 to 100000, got {batch!r}")
        array = retention_rules(rules)
        trimmed, removed = ffi.new("uint64_t*"), ffi.new("uint64_t*")
        h = self._enter(False)
        try:
            check(lib.crm_db_apply_retention(h, array, len(rules), batch, trimmed, removed))
        finally:
            self._leave()
        return RetentionReport(trimmed[0], removed[0], self.first_change_seq())
