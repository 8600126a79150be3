"""Data quality: likely duplicates of a customer with a score and the reasons, the duplicate rule
applied on write, the pairs kept for review and the store-wide scan (what each reason weighs and
how names are compared is told in include/crm/duplicates.hpp)::

    db.find_duplicates(ann.id)                     # [DuplicateCandidate(id=..., score=0.95, ...)]
    db.find_duplicates_of(crm.Customer(given_name="Ann", ...))   # before storing it
    db.set_duplicate_rule("block")                 # creates of likely duplicates fail
    with db.write() as txn:                        # "alert": the write succeeds ...
        txn.create_customer(c)
        txn.duplicate_alerts()                     # ... and lists what it resembles
    db.scan_duplicates(progress=print)             # every customer, in batches
    db.duplicate_sets()                            # customers linked by kept pairs
    db.dismiss_duplicate(a, b)                     # not proposed again
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Iterable, NamedTuple, Optional

from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, text_arg, write_plain
from .customers import Customer
from .errors import EINVALID, InvalidError, check
from .values import to_datetime

#: crm_duplicates.h's CRM_MATCH_*, by number: the reasons
REASONS = {i: ffi.string(lib.crm_match_reason_name(i)).decode() for i in range(1, 6)}
_REASON_NUMBERS = {name: i for i, name in REASONS.items()}
#: crm_duplicates.h's CRM_DUPLICATE_*: what the rule does
ACTIONS = {"allow": 0, "alert": 1, "block": 2}
_ACTION_NAMES = {v: k for k, v in ACTIONS.items()}


class MatchEvidence(NamedTuple):
    """One reason two customers look alike: its name ("email", "phone", "domain",
    "external_id", "name"), its weight and what they share."""

    reason: str
    weight: float
    detail: str


class DuplicateCandidate(NamedTuple):
    """A likely duplicate (``id``) of the customer ``about`` (0 for a draft), its score in
    [0, 1] and the reasons, strongest first."""

    id: int
    score: float
    reasons: tuple
    about: int


class DuplicateRule(NamedTuple):
    """The duplicate rule: ``action`` ("allow", "alert" or "block"), the match options, and
    whether it also applies to updates and to import jobs' rows."""

    action: str
    threshold: float
    limit: int
    reasons: tuple
    id_fields: tuple
    include_archived: bool
    on_update: bool
    on_import: bool


class DuplicatePair(NamedTuple):
    """A pair kept for review (a < b): its score and reasons when found, whether dismissed."""

    a: int
    b: int
    score: float
    reasons: tuple
    dismissed: bool
    found_at: Optional[_dt.datetime]


class DuplicateSet(NamedTuple):
    """Customers linked by kept pairs (ascending), and those pairs."""

    customers: tuple
    pairs: tuple


class DuplicateSets(NamedTuple):
    """A page of duplicate sets, by their smallest customer id; ``next_page_token`` continues
    (empty on the last page)."""

    sets: list
    next_page_token: bytes


class DuplicateScan(NamedTuple):
    """Where the store-wide scan stands: customers compared of those there were, new pairs kept."""

    examined: int
    total: int
    pairs: int
    finished: bool


def _reason_names(bits: int) -> tuple:
    return tuple(name for i, name in REASONS.items() if bits & (1 << i))


def _options(keep: list, threshold: Any = 0.8, limit: Any = 10, include_archived: bool = False,
             include_dismissed: bool = False, reasons: Optional[Iterable[str]] = None,
             id_fields: Iterable[str] = ()) -> Any:
    o = ffi.new("crm_match_options*")
    check(lib.crm_match_options_init(o, 1))
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise InvalidError(EINVALID, f"threshold: expected a number above 0 and at most 1, got {threshold!r}")
    o.threshold = float(threshold)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise InvalidError(EINVALID, f"limit: expected an int from 1 to 1000, got {limit!r}")
    o.limit = limit
    o.include_archived = 1 if include_archived else 0
    o.include_dismissed = 1 if include_dismissed else 0
    if reasons is not None:
        if isinstance(reasons, str):
            reasons = [reasons]
        bits = 0
        for r in reasons:
            if r not in _REASON_NUMBERS:
                raise InvalidError(EINVALID, f"reasons: {r!r} is not one of {', '.join(_REASON_NUMBERS)}")
            bits |= 1 << _REASON_NUMBERS[r]
        o.reasons = bits
    if isinstance(id_fields, str):
        id_fields = [id_fields]
    fields = list(id_fields)
    if not all(isinstance(f, str) and "," not in f for f in fields):
        raise InvalidError(EINVALID, "id_fields: expected a list of custom fields (\"custom.sf_id\")")
    if fields:
        o.id_fields, o.id_fields_len = text_arg(keep, ", ".join(fields), "id_fields")
    return o


def _candidates(d: Any) -> list:
    out = []
    about, id_, score, n = ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("double*"), ffi.new("size_t*")
    reason, weight, detail, size = ffi.new("int*"), ffi.new("double*"), ffi.new("char**"), ffi.new("size_t*")
    try:
        for i in range(lib.crm_duplicates_count(d)):
            check(lib.crm_duplicates_candidate(d, i, about, id_, score, n))
            reasons = []
            for j in range(n[0]):
                check(lib.crm_duplicates_reason(d, i, j, reason, weight, detail, size))
                reasons.append(MatchEvidence(REASONS[reason[0]], weight[0], ffi.unpack(detail[0], size[0]).decode()))
            out.append(DuplicateCandidate(int(id_[0]), score[0], tuple(reasons), int(about[0])))
        return out
    finally:
        lib.crm_duplicates_free(d)


def _pair(a: int, b: int, score: Any, bits: Any, dismissed: Any, found: Any) -> DuplicatePair:
    return DuplicatePair(a, b, score[0], _reason_names(bits[0]), bool(dismissed[0]), to_datetime(found[0]))


_DISMISS = write_plain(lib.crm_duplicate_pair_dismiss)
_FORGET = write_plain(lib.crm_duplicate_pair_forget)
_SET_RULE = write_plain(lib.crm_duplicate_rule_set)


class DuplicateReads(Ops):
    """Duplicate matching: methods of every transaction and of the database."""

    def find_duplicates(self, customer: int, **options: Any) -> list:
        """The likely duplicates of ``customer``, best first (NotFoundError when it does not
        exist). Options: ``threshold`` (0.8), ``limit`` (10), ``include_archived``,
        ``include_dismissed``, ``reasons`` (the signals that count, by name) and ``id_fields``
        (custom fields holding other systems' ids, each with a declared index)."""
        keep: list = []
        o = _options(keep, **options)
        cid = check_id(customer, "customer")

        def read(txn: Any) -> list:
            out = ffi.new("crm_duplicates**")
            check(lib.crm_duplicates_find(out, txn, cid, o))
            return _candidates(out[0])

        return self._with_read(read)

    def find_duplicates_of(self, draft: Customer, **options: Any) -> list:
        """The likely duplicates of a customer not stored (validated as a create would be)."""
        check_record(draft, Customer, "draft")
        keep: list = []
        o = _options(keep, **options)

        def read(txn: Any) -> list:
            out = ffi.new("crm_duplicates**")
            with draft._lock:
                check(lib.crm_duplicates_find_draft(out, txn, draft._h, o))
            return _candidates(out[0])

        return self._with_read(read)

    def duplicate_rule(self) -> DuplicateRule:
        """The duplicate rule (action "allow" until one is set)."""

        def read(txn: Any) -> DuplicateRule:
            action, on_update, on_import = ffi.new("int*"), ffi.new("int*"), ffi.new("int*")
            o, fields, n = ffi.new("crm_match_options*"), ffi.new("char**"), ffi.new("size_t*")
            check(lib.crm_duplicate_rule_get(txn, action, o, on_update, on_import, fields, n))
            try:
                text = ffi.unpack(fields[0], n[0]).decode()
            finally:
                lib.crm_free(fields[0])
            return DuplicateRule(_ACTION_NAMES[action[0]], o.threshold, o.limit, _reason_names(o.reasons),
                                 tuple(f.strip() for f in text.split(",") if f.strip()), bool(o.include_archived),
                                 bool(on_update[0]), bool(on_import[0]))

        return self._with_read(read)

    def duplicate_pair(self, a: int, b: int) -> DuplicatePair:
        """The kept pair of ``a`` and ``b`` (NotFoundError when it is not kept)."""
        x, y = check_id(a, "a"), check_id(b, "b")

        def read(txn: Any) -> DuplicatePair:
            score, bits, dismissed, found = ffi.new("double*"), ffi.new("uint32_t*"), ffi.new("int*"), ffi.new("int64_t*")
            check(lib.crm_duplicate_pair_get(txn, x, y, score, bits, dismissed, found))
            return _pair(min(x, y), max(x, y), score, bits, dismissed, found)

        return self._with_read(read)

    def duplicate_sets(self, limit: int = 50, page_token: bytes = b"", include_dismissed: bool = False) -> DuplicateSets:
        """A page of duplicate sets: customers linked by kept pairs (dismissed ones only with
        ``include_dismissed``)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise InvalidError(EINVALID, f"limit: expected an int from 1 to 1000, got {limit!r}")
        if not isinstance(page_token, bytes):
            raise InvalidError(EINVALID, f"page_token: expected bytes, got {type(page_token).__name__}")

        def read(txn: Any) -> DuplicateSets:
            out = ffi.new("crm_duplicate_sets**")
            check(lib.crm_duplicate_sets_list(out, txn, limit, page_token, len(page_token), 1 if include_dismissed else 0))
            s = out[0]
            try:
                ids, count, n = ffi.new("uint64_t**"), ffi.new("size_t*"), ffi.new("size_t*")
                a, b, score, bits = ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("double*"), ffi.new("uint32_t*")
                dismissed, found = ffi.new("int*"), ffi.new("int64_t*")
                sets = []
                for i in range(lib.crm_duplicate_sets_count(s)):
                    check(lib.crm_duplicate_sets_customers(s, i, ids, count))
                    customers = tuple(int(ids[0][k]) for k in range(count[0]))
                    pairs = []
                    for j in range(lib.crm_duplicate_sets_pair_count(s, i)):
                        check(lib.crm_duplicate_sets_pair(s, i, j, a, b, score, bits, dismissed, found))
                        pairs.append(_pair(int(a[0]), int(b[0]), score, bits, dismissed, found))
                    sets.append(DuplicateSet(customers, tuple(pairs)))
                token = ffi.unpack(lib.crm_duplicate_sets_next_page(s, n), n[0])
                return DuplicateSets(sets, bytes(token))
            finally:
                lib.crm_duplicate_sets_free(s)

        return self._with_read(read)

    def duplicate_scan(self) -> DuplicateScan:
        """Where the last store-wide scan stands."""

        def read(txn: Any) -> DuplicateScan:
            e, t, p, f = ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("int*")
            check(lib.crm_duplicate_scan_get(txn, e, t, p, f))
            return DuplicateScan(int(e[0]), int(t[0]), int(p[0]), bool(f[0]))

        return self._with_read(read)


class DuplicateWrites(Ops):
    """The duplicate rule and the review of pairs: methods of a write transaction and of the database."""

    def set_duplicate_rule(self, action: str, *, on_update: bool = False, on_import: bool = False,
                           actor: str | None = None, **options: Any) -> None:
        """Sets the rule: ``action`` "allow", "alert" (writes succeed; the pairs are kept and
        the transaction lists them) or "block" (DuplicateError); the options of
        :meth:`find_duplicates` (``limit``: the candidates a message or an alert names)."""
        if action not in ACTIONS:
            raise InvalidError(EINVALID, f"action: expected 'allow', 'alert' or 'block', got {action!r}")
        keep: list = []
        o = _options(keep, **options)
        self._in_write(_SET_RULE, actor, ACTIONS[action], o, 1 if on_update else 0, 1 if on_import else 0)

    def dismiss_duplicate(self, a: int, b: int, *, actor: str | None = None) -> None:
        """Keeps the pair of ``a`` and ``b`` dismissed: it is not proposed again."""
        self._in_write(_DISMISS, actor, check_id(a, "a"), check_id(b, "b"))

    def forget_duplicate(self, a: int, b: int, *, actor: str | None = None) -> None:
        """Drops the kept pair of ``a`` and ``b`` (NotFoundError when it is not kept)."""
        self._in_write(_FORGET, actor, check_id(a, "a"), check_id(b, "b"))

    def duplicate_alerts(self) -> list:
        """The alerts of the duplicate rule raised by this write transaction's writes so far:
        a DuplicateCandidate per customer resembled, ``about`` the customer written."""
        if not getattr(self, "_WRITE", False):
            raise InvalidError(EINVALID, "duplicate_alerts: a call of a write transaction (with db.write() as txn)")

        def read(txn: Any) -> list:
            out = ffi.new("crm_duplicates**")
            check(lib.crm_duplicates_alerts(out, txn))
            return _candidates(out[0])

        return self._with_read(read)


class _ScanProgress:
    def __init__(self, fn: Callable[[DuplicateScan], Any]) -> None:
        self.fn = fn
        self.error: Optional[BaseException] = None

    def call(self, examined: int, total: int, pairs: int) -> int:
        try:
            go_on = self.fn(DuplicateScan(int(examined), int(total), int(pairs), False))
            return 1 if go_on is None or go_on else 0
        except BaseException as e:  # raised again once the scan returns; the scan stops
            self.error = e
            return 0


@ffi.callback("crm_duplicate_scan_fn", error=0)
def _scan_trampoline(examined: int, total: int, pairs: int, arg: Any) -> int:
    result: int = ffi.from_handle(arg).call(examined, total, pairs)
    return result


class DatabaseDuplicates:
    """The store-wide scan: a call on the database itself (each batch commits on its own)."""

    def scan_duplicates(self, *, batch: int = 2000, restart: bool = False,
                        progress: Optional[Callable[[DuplicateScan], Any]] = None, **options: Any) -> DuplicateScan:
        """Compares every customer with its candidates, ``batch`` customers a write transaction,
        keeping the pairs found for review; resumes where the last scan stopped unless
        ``restart``. ``progress`` is called after each batch; False stops the scan (an
        exception it raises stops it and is raised here). Options as :meth:`find_duplicates`."""
        if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= 100000:
            raise InvalidError(EINVALID, f"batch: expected an int from 1 to 100000, got {batch!r}")
        keep: list = []
        o = _options(keep, **options)
        holder, fn, arg = None, ffi.NULL, ffi.NULL
        if progress is not None:
            if not callable(progress):
                raise InvalidError(EINVALID, "progress: expected a callable taking a DuplicateScan")
            holder = _ScanProgress(progress)
            arg = ffi.new_handle(holder)
            fn = _scan_trampoline
        e, t, p, f = ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("int*")
        h = self._enter(False)  # type: ignore[attr-defined]
        try:
            rc = lib.crm_db_scan_duplicates(h, o, batch, 1 if restart else 0, fn, arg, e, t, p, f)
        finally:
            self._leave()  # type: ignore[attr-defined]
        if holder is not None and holder.error is not None:
            raise holder.error
        check(rc)
        return DuplicateScan(int(e[0]), int(t[0]), int(p[0]), bool(f[0]))
