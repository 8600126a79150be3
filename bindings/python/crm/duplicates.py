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
    m = db.merge_customers(ann.id, [anne.id], choices={"address": anne.id})
    db.get_customer(anne.id).id == ann.id          # a merged id resolves to the survivor
    db.unmerge_customers(m.id)                     # exactly as before, while nothing changed
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Iterable, NamedTuple, Optional

from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, text_arg, write_plain
from .customers import Customer
from .errors import EINVALID, ENOTFOUND, InvalidError, check
from .values import to_datetime, to_micros

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


class Merge(NamedTuple):
    """A merge (its journal): the survivor, the losers folded into it, when and by whom, and
    how many of each kind of record moved to the survivor (``pairs``: kept pairs dropped);
    ``final_at``: when it was made final (:meth:`DuplicateWrites.finalize_merge`), None while it
    can be undone."""

    id: int
    survivor: int
    losers: tuple
    merged_at: Optional[_dt.datetime]
    actor: str
    interactions: int
    opportunities: int
    contact_roles: int
    members: int
    subsidiaries: int
    consents: int
    pairs: int
    final_at: Optional[_dt.datetime] = None


def _merges(m: Any) -> list:
    out = []
    id_, survivor, when = ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("int64_t*")
    final = ffi.new("int64_t*")
    losers, count, n = ffi.new("uint64_t**"), ffi.new("size_t*"), ffi.new("size_t*")
    moved = ffi.new("uint64_t[7]")
    try:
        for i in range(lib.crm_merges_count(m)):
            check(lib.crm_merges_item(m, i, id_, survivor, when, losers, count))
            check(lib.crm_merges_moved(m, i, moved, 7))
            check(lib.crm_merges_final_at(m, i, final))
            actor = ffi.unpack(lib.crm_merges_actor(m, i, n), n[0]).decode()
            out.append(Merge(int(id_[0]), int(survivor[0]), tuple(int(losers[0][k]) for k in range(count[0])),
                             to_datetime(when[0]), actor, *(int(moved[k]) for k in range(7)),
                             to_datetime(final[0])))
        return out
    finally:
        lib.crm_merges_free(m)


def _choices(choices: Any) -> bytes:
    if choices is None:
        return b""
    if not isinstance(choices, dict):
        raise InvalidError(EINVALID, f"choices: expected a dict of field -> customer id, got {type(choices).__name__}")
    items = []
    for field, source in choices.items():
        if not isinstance(field, str) or not field or "," in field or "=" in field:
            raise InvalidError(EINVALID, f"choices: {field!r} is not a field name (\"address\", \"custom.tier\")")
        items.append(f"{field}={check_id(source, 'choices[' + repr(field) + ']')}")
    return ", ".join(items).encode()


def _merge(t: Any, survivor: int, losers: list, raw: bytes) -> Merge:
    def run(h: Any) -> Merge:
        out = ffi.new("crm_merges**")
        ids = ffi.new("uint64_t[]", losers) if losers else ffi.NULL
        check(lib.crm_customers_merge(out, h, survivor, ids, len(losers), raw, len(raw)))
        return _merges(out[0])[0]  # type: ignore[no-any-return]

    return t._with_read(run)  # type: ignore[no-any-return]


def _unmerge(t: Any, merge: int) -> Merge:
    def run(h: Any) -> Merge:
        out = ffi.new("crm_merges**")
        check(lib.crm_customers_unmerge(out, h, merge))
        return _merges(out[0])[0]  # type: ignore[no-any-return]

    return t._with_read(run)  # type: ignore[no-any-return]


def _finalize(t: Any, merge: int) -> Merge:
    def run(h: Any) -> Merge:
        out = ffi.new("crm_merges**")
        check(lib.crm_merge_finalize(out, h, merge))
        return _merges(out[0])[0]  # type: ignore[no-any-return]

    return t._with_read(run)  # type: ignore[no-any-return]


def _finalize_before(t: Any, before: int, limit: int) -> int:
    def run(h: Any) -> int:
        count = ffi.new("uint64_t*")
        check(lib.crm_merges_finalize(h, before, limit, count))
        return int(count[0])

    return t._with_read(run)  # type: ignore[no-any-return]


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


    def merged_into(self, customer: int) -> Optional[int]:
        """The customer a merged customer's id resolves to now (following later merges), or
        None when ``customer`` was not merged away."""
        cid = check_id(customer, "customer")

        def read(txn: Any) -> Optional[int]:
            out = ffi.new("uint64_t*")
            rc = lib.crm_customer_merged_into(txn, cid, out)
            if rc == ENOTFOUND:
                return None
            check(rc)
            return int(out[0])

        return self._with_read(read)

    def merge(self, merge: int) -> Merge:
        """Merge ``merge`` (NotFoundError when there is none, or it was unmerged)."""
        mid = check_id(merge, "merge")

        def read(txn: Any) -> Merge:
            out = ffi.new("crm_merges**")
            check(lib.crm_merge_get(out, txn, mid))
            return _merges(out[0])[0]  # type: ignore[no-any-return]

        return self._with_read(read)

    def merges(self, survivor: int) -> list:
        """The merges into ``survivor`` whose journals are kept (final ones too), newest first."""
        cid = check_id(survivor, "survivor")

        def read(txn: Any) -> list:
            out = ffi.new("crm_merges**")
            check(lib.crm_merges_list(out, txn, cid))
            return _merges(out[0])

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

    def merge_customers(self, survivor: int, losers: Iterable[int], *, choices: Optional[dict] = None,
                        actor: str | None = None) -> Merge:
        """Folds ``losers`` (1 to 32 customers of the survivor's kind) into ``survivor`` in one
        transaction: emails, phones, tags, domains, custom fields and memberships unioned; the
        survivor's other values kept, its empty ones filled from the losers in order;
        do_not_call when any has it. ``choices`` overrides that field by field:
        ``{"address": anne.id, "custom.tier": anne.id}``. The losers' interactions, deals,
        contact roles, members, subsidiaries and consent records move to the survivor; their ids
        resolve to it (:meth:`merged_into`). Returns the merge, which :meth:`unmerge_customers` undoes."""
        sid = check_id(survivor, "survivor")
        if isinstance(losers, int):
            losers = [losers]
        ids = [check_id(x, "losers") for x in losers]
        return self._in_write(_merge, actor, sid, ids, _choices(choices))

    def unmerge_customers(self, merge: int, *, actor: str | None = None) -> Merge:
        """Undoes ``merge``: the survivor and the losers as they were, every moved record back.
        ConflictError naming what changed since when a record the merge wrote has changed."""
        return self._in_write(_unmerge, actor, check_id(merge, "merge"))

    def finalize_merge(self, merge: int, *, actor: str | None = None) -> Merge:
        """Makes ``merge`` final: its journal drops its copies of the records the merge changed
        (personal data kept only so it could be undone); the merge's record and the redirects of
        the losers' ids stay. It cannot be unmerged afterwards (ConflictError)."""
        return self._in_write(_finalize, actor, check_id(merge, "merge"))

    def finalize_merges(self, merged_before: Any, *, limit: int = 1000, actor: str | None = None) -> int:
        """Makes final the merges made before ``merged_before`` (an aware datetime or a date),
        oldest first, at most ``limit`` (1 to 100000) in one transaction; returns how many (fewer
        than ``limit``: none is left). A retention rule for merge journals."""
        if merged_before is None:
            raise InvalidError(EINVALID, "merged_before: expected a datetime or a date, got None")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100000:
            raise InvalidError(EINVALID, f"limit: expected 1 to 100000 merges, got {limit!r}")
        before = to_micros(merged_before, "merged_before")
        return self._in_write(_finalize_before, actor, before, limit)  # type: ignore[no-any-return]

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
