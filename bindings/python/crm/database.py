"""The database, its transactions and lazy listings."""
from __future__ import annotations

import os
import threading
import warnings
import weakref
from typing import Any, Callable, Generic, Iterable, TypeVar, Union

from ._native import ffi, lib
from .errors import EBUSY, EINTERNAL, EINVALID, ENOTFOUND, BusyError, ClosedError, Error, InvalidError, check, error_for, fail
from .records import BATCH, Change, Customer, Interaction, Opportunity, Pipeline, Record
from .records import encode as _encode
from .values import Entity, InteractionKind, LifecycleStage, TimeLike, to_micros

R = TypeVar("R", bound=Record)
T = TypeVar("T")

_BY_ALL, _BY_TAG, _BY_OWNER, _BY_STAGE, _BY_ORGANIZATION, _BY_NAME_PREFIX, _BY_NOT_CONTACTED_SINCE, _BY_COUNTRY = range(8)
_OPP_BY_ALL, _OPP_BY_CUSTOMER, _OPP_BY_STAGE, _OPP_BY_PIPELINE, _OPP_BY_OWNER, _OPP_BY_EXPECTED_CLOSE = range(6)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_RAISE = object()
_new = object.__new__
_get_ident = threading.get_ident  # "raise NotFoundError" where a default could be given

# cffi types looked up once (ffi.new with a string parses it every time).
_SIZE_P = ffi.typeof("size_t*")
_ITER_PP = ffi.typeof("crm_iter**")
_TXN_PP = ffi.typeof("crm_txn**")
_TIMELINE_Q = ffi.typeof("crm_timeline_query*")


def _id(value: Any, what: str) -> int:
    if type(value) is int and 0 <= value < 18446744073709551616:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidError(EINVALID, f"{what}: expected an int id, got {type(value).__name__}")
    raise InvalidError(EINVALID, f"{what}: {value} is not a valid id")


def _record(value: Any, cls: type, what: str) -> Any:
    if not isinstance(value, cls):
        raise InvalidError(EINVALID, f"{what}: expected a crm.{cls.__name__}, got {type(value).__name__}")
    return value




class Listing(Generic[R]):
    """A lazy iterator over records: pages are read from the store as iteration asks for them.

    It reads inside the transaction it came from and ends with it; iterating after that raises
    :class:`crm.ClosedError`. ``page_token`` continues the listing in a later transaction (pass
    it as ``page_token=``) when taken at the end of a page.
    """

    __slots__ = ("_txn", "_lock", "_h", "_take", "_cls", "_buf", "_count", "_ready", "_done", "_owns_txn", "__weakref__")

    def __init__(self, txn: "ReadTxn", handle: Any, take: Any, cls: type[R]) -> None:
        self._txn = txn
        self._lock = txn._lock  # the C iterator is used under its transaction's lock
        self._h = handle
        self._take = take  # crm_iter_take_<kinds>: moves a batch of records out
        self._cls = cls
        self._buf = ffi.new(cls._BATCH)
        self._count = ffi.new(_SIZE_P)
        self._ready: list[R] = []  # records taken and not yet handed out, last first
        self._done = False
        self._owns_txn = False

    def __iter__(self) -> "Listing[R]":
        return self

    def __next__(self) -> R:
        try:
            return self._ready.pop()  # atomic: threads sharing a listing each get their own
        except IndexError:
            return self._refill()

    def _refill(self) -> R:
        with self._lock:
            if self._ready:
                return self._ready.pop()
            h = self._h
            if h is None:
                if self._done:
                    raise StopIteration
                raise ClosedError(EINVALID, "the listing's transaction or database is closed")
            rc = self._take(self._buf, BATCH, self._count, h)
            n = self._count[0]
            if n:  # records taken are ours even when the call then failed
                # Record._own, inlined: this is the loop every listed record goes through.
                cls, buf, gc, free = self._cls, self._buf, ffi.gc, self._cls._FREE
                lock = threading.Lock()  # shared by the records of one batch
                ready = []
                for i in range(n - 1, -1, -1):
                    record = _new(cls)
                    record._h = gc(buf[i], free)
                    record._lock = lock
                    ready.append(record)
                self._ready = ready
            if rc == 0 and n:
                return self._ready.pop()
            error = error_for(rc) if rc else None
            self._release()
            self._done = True
        if self._owns_txn:
            self._txn.close()
        if error is not None:
            raise error
        raise StopIteration

    @property
    def page_token(self) -> str | None:
        """A token that continues the listing after the last record handed out, when that was
        the end of a page (None elsewhere, and once the listing is exhausted)."""
        with self._lock:
            if self._h is None or self._ready:
                return None
            n = ffi.new("size_t*")
            token = ffi.unpack(lib.crm_iter_page_token(self._h, n), n[0]).decode()
        return token or None

    def _release(self) -> None:
        """Frees the C iterator and the records not handed out; the caller holds the
        transaction's lock."""
        self._ready = []
        if self._h is not None:
            lib.crm_iter_free(self._h)
            self._h = None

    def close(self) -> None:
        """Stops the listing early and frees what it holds."""
        with self._lock:
            self._release()
            self._done = True
        if self._owns_txn:
            self._txn.close()

    def __enter__(self) -> "Listing[R]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


class ReadTxn:
    """A consistent snapshot of the database. Use it in a ``with`` block (``with db.read() as
    txn:``), or close it. Safe to share between threads: calls on one transaction take turns."""

    _WRITE = False

    def __init__(self, db: "Database", handle: Any) -> None:
        self._db = db
        self._h = handle
        self._lock = threading.RLock()  # re-entrant: a finalizer may run while it is held
        self._listings: list[weakref.ref[Listing]] = []
        self._owner = threading.get_ident()
        self._borrowed = False  # the handle belongs to crm_db_write or a one-shot call

    # ---- life ----

    @property
    def closed(self) -> bool:
        """Whether the transaction has ended."""
        return self._h is None

    def _handle(self) -> Any:
        h = self._h
        if h is None:
            raise ClosedError(EINVALID, "the transaction is closed")
        return h

    def _end(self, commit: bool) -> None:
        with self._lock:
            h = self._h
            if h is None:
                if commit:
                    raise ClosedError(EINVALID, "the transaction is closed")
                return
            if self._WRITE and threading.get_ident() != self._owner:
                raise InvalidError(EINVALID, "a write transaction must end on the thread that began it")
            for ref in self._listings:
                listing = ref()
                if listing is not None:
                    listing._release()
            self._listings.clear()
            rc = lib.crm_txn_commit(h) if commit else 0
            error = error_for(rc) if rc else None
            self._h = None
            if not self._borrowed:
                lib.crm_txn_free(h)
        if not self._borrowed:
            self._db._released(self)
        if error is not None:
            raise error

    def close(self) -> None:
        """Ends the transaction (a write transaction that was not committed is rolled back)."""
        self._end(False)

    def __enter__(self) -> "ReadTxn":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_h", None) is None or self._borrowed:
            return
        if self._WRITE and threading.get_ident() != self._owner:
            warnings.warn("a crm write transaction was dropped on another thread and cannot be freed", ResourceWarning)
            return
        try:
            self.close()
        except Exception:
            pass

    # ---- helpers ----

    def _get(self, fn: Any, cls: type[R], *args: Any) -> R:
        out = ffi.new(cls._OUT)
        with self._lock:
            rc = fn(out, self._handle(), *args)
        if rc:
            fail(rc)
        return cls._own(out[0])

    def _get_or(self, default: Any, fn: Any, cls: type[Record], *args: Any) -> Any:
        out = ffi.new(cls._OUT)
        with self._lock:
            rc = fn(out, self._handle(), *args)
        if rc:
            if rc == ENOTFOUND:
                return default
            fail(rc)
        return cls._own(out[0])

    def _listing(self, fn: Any, take: Any, cls: type[R], *args: Any) -> Listing[R]:
        out = ffi.new(_ITER_PP)
        with self._lock:
            rc = fn(out, self._handle(), *args)
            if rc:
                fail(rc)
            listing = Listing(self, out[0], take, cls)
            listings = self._listings
            if len(listings) > 32:  # drop the references to listings that are gone
                listings[:] = [ref for ref in listings if ref() is not None]
            listings.append(weakref.ref(listing))
        return listing

    def _count(self, fn: Any, query: Any) -> int:
        out = ffi.new("uint64_t*")
        with self._lock:
            check(fn(out, self._handle(), query))
        return out[0]

    # ---- customers ----

    def customer(self, id: int) -> Customer:
        """The customer with this id; :class:`crm.NotFoundError` (a KeyError) when there is none."""
        return self._get(lib.crm_customer_get, Customer, _id(id, "id"))

    def get_customer(self, id: int, default: T | None = None) -> Customer | T | None:
        """The customer with this id, or `default`."""
        return self._get_or(default, lib.crm_customer_get, Customer, _id(id, "id"))

    def customer_by_email(self, email: str) -> Customer:
        """The customer with this email address (case-insensitive); NotFoundError when none."""
        raw = _encode(email, "email")
        return self._get(lib.crm_customer_find_by_email, Customer, raw, len(raw))

    def get_customer_by_email(self, email: str, default: T | None = None) -> Customer | T | None:
        """The customer with this email address (case-insensitive), or `default`."""
        raw = _encode(email, "email")
        return self._get_or(default, lib.crm_customer_find_by_email, Customer, raw, len(raw))

    def customer_by_external_id(self, external_id: str) -> Customer:
        """The customer with this external id; NotFoundError when none."""
        raw = _encode(external_id, "external_id")
        return self._get(lib.crm_customer_find_by_external_id, Customer, raw, len(raw))

    def get_customer_by_external_id(self, external_id: str, default: T | None = None) -> Customer | T | None:
        """The customer with this external id, or `default`."""
        raw = _encode(external_id, "external_id")
        return self._get_or(default, lib.crm_customer_find_by_external_id, Customer, raw, len(raw))

    def customers_by_phone(self, phone: str) -> Listing[Customer]:
        """The customers with this phone number, whatever its formatting ("+1 (555) 010-0199",
        "5550100199" and "+15550100199" match each other)."""
        raw = _encode(phone, "phone")
        return self._listing(lib.crm_customer_find_by_phone, lib.crm_iter_take_customers, Customer, raw, len(raw))

    @staticmethod
    def _customer_query(
        tag: str | None,
        owner: str | None,
        stage: LifecycleStage | int | str | None,
        organization: int | None,
        name_prefix: str | None,
        not_contacted_since: TimeLike,
        include_archived: bool,
        page_size: int = 0,
        page_token: str | None = None,
        country: str | None = None,
    ) -> tuple[Any, list]:
        q = ffi.new("crm_customer_query*")
        check(lib.crm_customer_query_init(q, 1))
        keep: list = []
        chosen = [
            name
            for name, value in (
                ("tag", tag), ("owner", owner), ("stage", stage), ("organization", organization),
                ("name_prefix", name_prefix), ("not_contacted_since", not_contacted_since), ("country", country),
            )
            if value is not None
        ]  # fmt: skip
        if len(chosen) > 1:
            raise InvalidError(EINVALID, f"customers: filter by one of {', '.join(chosen)}, not several")

        def text(value: str, what: str) -> None:
            raw = ffi.new("char[]", _encode(value, what))
            keep.append(raw)
            q.text, q.text_len = raw, len(raw) - 1

        if tag is not None:
            q.by = _BY_TAG
            text(tag, "tag")
        elif owner is not None:
            q.by = _BY_OWNER
            text(owner, "owner")
        elif name_prefix is not None:
            q.by = _BY_NAME_PREFIX
            text(name_prefix, "name_prefix")
        elif country is not None:
            q.by = _BY_COUNTRY
            text(country, "country")
        elif stage is not None:
            q.by = _BY_STAGE
            q.stage = int(LifecycleStage[stage.upper()]) if isinstance(stage, str) else int(stage)
        elif organization is not None:
            q.by = _BY_ORGANIZATION
            q.organization = _id(organization, "organization")
        elif not_contacted_since is not None:
            q.by = _BY_NOT_CONTACTED_SINCE
            q.since = to_micros(not_contacted_since, "not_contacted_since")
        q.include_archived = 1 if include_archived else 0
        _paging(q, keep, page_size, page_token)
        return q, keep

    def customers(
        self,
        *,
        tag: str | None = None,
        owner: str | None = None,
        stage: LifecycleStage | int | str | None = None,
        organization: int | None = None,
        name_prefix: str | None = None,
        not_contacted_since: TimeLike = None,
        country: str | None = None,
        include_archived: bool = False,
        page_size: int = 0,
        page_token: str | None = None,
    ) -> Listing[Customer]:
        """The customers, lazily, in id order, filtered by at most one of: a tag, an owner, a
        lifecycle stage, an organization (its members), a name prefix (every word, case- and
        accent-insensitive), "not contacted since" a time, or a country (case-insensitive). Archived customers only with
        ``include_archived``. ``page_size`` sets how many are read at a time (default 100)."""
        q, keep = self._customer_query(
            tag, owner, stage, organization, name_prefix, not_contacted_since, include_archived, page_size, page_token,
            country,
        )
        listing = self._listing(lib.crm_customer_list, lib.crm_iter_take_customers, Customer, q)
        del keep
        return listing

    def count_customers(
        self,
        *,
        tag: str | None = None,
        owner: str | None = None,
        stage: LifecycleStage | int | str | None = None,
        organization: int | None = None,
        name_prefix: str | None = None,
        not_contacted_since: TimeLike = None,
        country: str | None = None,
        include_archived: bool = False,
    ) -> int:
        """How many customers :meth:`customers` would list with the same filters."""
        q, keep = self._customer_query(
            tag, owner, stage, organization, name_prefix, not_contacted_since, include_archived, country=country
        )
        n = self._count(lib.crm_customer_count, q)
        del keep
        return n

    # ---- interactions ----

    def interaction(self, id: int) -> Interaction:
        """The interaction with this id; NotFoundError when none."""
        return self._get(lib.crm_interaction_get, Interaction, _id(id, "id"))

    def get_interaction(self, id: int, default: T | None = None) -> Interaction | T | None:
        """The interaction with this id, or `default`."""
        return self._get_or(default, lib.crm_interaction_get, Interaction, _id(id, "id"))

    def timeline(
        self,
        customer: int,
        *,
        oldest_first: bool = False,
        since: TimeLike = None,
        until: TimeLike = None,
        kinds: Iterable[InteractionKind | int | str] | None = None,
        page_size: int = 0,
        page_token: str | None = None,
    ) -> Listing[Interaction]:
        """A customer's interactions, newest first (or ``oldest_first``), lazily; ``since``
        (inclusive) and ``until`` (exclusive) bound their times, ``kinds`` keeps those kinds."""
        q = ffi.new(_TIMELINE_Q)
        check(lib.crm_timeline_query_init(q, 1))
        keep: list = []
        q.customer = _id(customer, "customer")
        q.oldest_first = 1 if oldest_first else 0
        if since is not None:
            setattr(q, "from", to_micros(since, "since"))  # a keyword in Python
        if until is not None:
            q.to = to_micros(until, "until")
        if kinds is not None:
            mask = 0
            for k in kinds:
                kind = InteractionKind[k.upper()] if isinstance(k, str) else InteractionKind(k)
                mask |= 1 << int(kind)
            q.kinds = mask
        _paging(q, keep, page_size, page_token)
        listing = self._listing(lib.crm_timeline, lib.crm_iter_take_interactions, Interaction, q)
        del keep
        return listing

    # ---- pipelines ----

    def pipeline(self, id: int = 0) -> Pipeline:
        """The pipeline with this id (0: the default pipeline); NotFoundError when none."""
        return self._get(lib.crm_pipeline_get, Pipeline, _id(id, "id"))

    def get_pipeline(self, id: int = 0, default: T | None = None) -> Pipeline | T | None:
        """The pipeline with this id (0: the default pipeline), or `default`."""
        return self._get_or(default, lib.crm_pipeline_get, Pipeline, _id(id, "id"))

    def pipelines(self) -> Listing[Pipeline]:
        """Every pipeline."""
        return self._listing(lib.crm_pipeline_list, lib.crm_iter_take_pipelines, Pipeline)

    # ---- opportunities ----

    def opportunity(self, id: int) -> Opportunity:
        """The opportunity with this id; NotFoundError when none."""
        return self._get(lib.crm_opportunity_get, Opportunity, _id(id, "id"))

    def get_opportunity(self, id: int, default: T | None = None) -> Opportunity | T | None:
        """The opportunity with this id, or `default`."""
        return self._get_or(default, lib.crm_opportunity_get, Opportunity, _id(id, "id"))

    @staticmethod
    def _opportunity_query(
        customer: int | None,
        pipeline: int | None,
        stage: int | None,
        owner: str | None,
        close_from: TimeLike,
        close_to: TimeLike,
        open_only: bool,
        page_size: int = 0,
        page_token: str | None = None,
    ) -> tuple[Any, list]:
        q = ffi.new("crm_opportunity_query*")
        check(lib.crm_opportunity_query_init(q, 1))
        keep: list = []
        by = [
            name
            for name, value in (
                ("customer", customer), ("stage", stage), ("owner", owner),
                ("close_from/close_to", close_from if close_from is not None else close_to),
            )
            if value is not None
        ]  # fmt: skip
        if len(by) > 1:
            raise InvalidError(EINVALID, f"opportunities: filter by one of {', '.join(by)}, not several")
        if pipeline is not None:
            q.pipeline = _id(pipeline, "pipeline")
        if customer is not None:
            q.by, q.customer = _OPP_BY_CUSTOMER, _id(customer, "customer")
        elif stage is not None:
            q.by, q.stage = _OPP_BY_STAGE, _id(stage, "stage")
        elif owner is not None:
            q.by = _OPP_BY_OWNER
            raw = ffi.new("char[]", _encode(owner, "owner"))
            keep.append(raw)
            q.owner, q.owner_len = raw, len(raw) - 1
        elif close_from is not None or close_to is not None:
            q.by = _OPP_BY_EXPECTED_CLOSE
            if close_from is not None:
                q.close_from = to_micros(close_from, "close_from")
            if close_to is not None:
                q.close_to = to_micros(close_to, "close_to")
        elif pipeline is not None:
            q.by = _OPP_BY_PIPELINE
        q.open_only = 1 if open_only else 0
        _paging(q, keep, page_size, page_token)
        return q, keep

    def opportunities(
        self,
        *,
        customer: int | None = None,
        pipeline: int | None = None,
        stage: int | None = None,
        owner: str | None = None,
        close_from: TimeLike = None,
        close_to: TimeLike = None,
        open_only: bool = False,
        page_size: int = 0,
        page_token: str | None = None,
    ) -> Listing[Opportunity]:
        """The opportunities, lazily: all, or those of a customer, of a pipeline, in a stage (of
        ``pipeline``, default the default pipeline), of an owner, or expected to close in
        [close_from, close_to); ``open_only`` leaves out won and lost ones."""
        q, keep = self._opportunity_query(
            customer, pipeline, stage, owner, close_from, close_to, open_only, page_size, page_token
        )
        listing = self._listing(lib.crm_opportunity_list, lib.crm_iter_take_opportunities, Opportunity, q)
        del keep
        return listing

    def count_opportunities(
        self,
        *,
        customer: int | None = None,
        pipeline: int | None = None,
        stage: int | None = None,
        owner: str | None = None,
        close_from: TimeLike = None,
        close_to: TimeLike = None,
        open_only: bool = False,
    ) -> int:
        """How many opportunities :meth:`opportunities` would list with the same filters."""
        q, keep = self._opportunity_query(customer, pipeline, stage, owner, close_from, close_to, open_only)
        n = self._count(lib.crm_opportunity_count, q)
        del keep
        return n

    # ---- the change feed ----

    def changes(self, from_seq: int = 0) -> Listing[Change]:
        """The change feed from sequence number `from_seq` on, oldest first, lazily."""
        return self._listing(lib.crm_changes, lib.crm_iter_take_changes, Change, _id(from_seq, "from_seq"))

    def last_change_seq(self) -> int:
        """The sequence number of the latest change (0 when there is none)."""
        out = ffi.new("uint64_t*")
        with self._lock:
            check(lib.crm_last_change_seq(out, self._handle()))
        return out[0]

    def field_history(self, entity: Entity | int | str, id: int, field: str) -> Listing[Change]:
        """Every change of one field of one record, oldest first; each change holds just that
        field. `field` is a field name such as "owner", "address" (all address fields) or
        "custom.<name>"."""
        if isinstance(entity, str):
            entity = Entity[entity.upper()]
        raw = _encode(field, "field")
        return self._listing(
            lib.crm_field_history, lib.crm_iter_take_changes, Change, int(entity), _id(id, "id"), raw, len(raw)
        )


def _paging(q: Any, keep: list, page_size: int, page_token: str | None) -> None:
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 0:
        raise InvalidError(EINVALID, f"page_size: expected a non-negative int, got {page_size!r}")
    q.page_size = page_size
    if page_token:
        raw = ffi.new("char[]", _encode(page_token, "page_token"))
        keep.append(raw)
        q.page_token, q.page_token_len = raw, len(raw) - 1


class WriteTxn(ReadTxn):
    """A write transaction: ``with db.write(actor="ann") as txn:`` commits when the block ends
    normally and rolls back when it raises. One runs at a time per database; it is used on the
    thread that began it. Reads through it see its own writes."""

    _WRITE = True

    def _handle(self) -> Any:
        h = self._h
        if h is None:
            raise ClosedError(EINVALID, "the transaction is closed")
        if threading.get_ident() != self._owner:
            raise InvalidError(EINVALID, "a write transaction is used only on the thread that began it")
        return h

    def commit(self) -> None:
        """Makes the changes durable and visible, and ends the transaction."""
        if self._borrowed:
            raise InvalidError(EINVALID, "db.transact commits this transaction itself when the function returns")
        self._end(True)

    def abort(self) -> None:
        """Rolls the changes back and ends the transaction."""
        self._end(False)

    def __enter__(self) -> "WriteTxn":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None and not self._borrowed and self._h is not None:
            self._end(True)
        else:
            self._end(False)

    def _call(self, fn: Any, record: Record, *args: Any) -> Any:
        # No transaction lock: a write transaction is confined to its thread (_handle checks),
        # and close() from another thread refuses while it is open.
        h = self._h
        if h is None or self._owner != _get_ident():
            h = self._handle()  # raises the right error
        with record._lock:
            rc = fn(h, record._h, *args)
        if rc:
            fail(rc)
        return record

    def _plain(self, fn: Any, *args: Any) -> None:
        with self._lock:
            rc = fn(self._handle(), *args)
        if rc:
            fail(rc)

    # ---- customers ----

    def create_customer(self, customer: Customer) -> Customer:
        """Creates the customer and fills in its id, times and revision; returns it."""
        if type(customer) is not Customer:
            _record(customer, Customer, "customer")
        return self._call(lib.crm_customer_create, customer)

    def update_customer(self, customer: Customer) -> Customer:
        """Stores the customer if its revision is current (:class:`crm.ConflictError`
        otherwise) and updates it with the stored result; returns it."""
        return self._call(lib.crm_customer_update, _record(customer, Customer, "customer"))

    def upsert_customer(self, customer: Customer) -> Customer:
        """Creates or replaces the customer with its external id; returns it as stored."""
        return self._call(lib.crm_customer_upsert, _record(customer, Customer, "customer"))

    def archive_customer(self, id: int) -> Customer:
        """Archives a customer (hidden from lists unless asked); returns it as stored."""
        return self._get(lib.crm_customer_archive, Customer, _id(id, "id"))

    def restore_customer(self, id: int) -> Customer:
        """Restores an archived customer; returns it as stored."""
        return self._get(lib.crm_customer_restore, Customer, _id(id, "id"))

    def delete_customer(self, id: int, cascade: bool = False) -> None:
        """Deletes a customer. With ``cascade`` its interactions, opportunities, contact roles and
        memberships go too; without, a customer that has any raises :class:`crm.ConflictError`."""
        self._plain(lib.crm_customer_delete, _id(id, "id"), 1 if cascade else 0)

    # ---- interactions ----

    def log_interaction(self, interaction: Interaction) -> Interaction:
        """Adds an interaction to its customer's timeline; returns it with its id."""
        return self._call(lib.crm_interaction_log, _record(interaction, Interaction, "interaction"))

    def update_interaction(self, interaction: Interaction) -> Interaction:
        """Stores a changed interaction (revision checked); returns it as stored."""
        return self._call(lib.crm_interaction_update, _record(interaction, Interaction, "interaction"))

    def delete_interaction(self, id: int) -> None:
        """Deletes an interaction."""
        self._plain(lib.crm_interaction_delete, _id(id, "id"))

    # ---- pipelines ----

    def create_pipeline(self, pipeline: Pipeline) -> Pipeline:
        """Creates a pipeline; returns it with its id and stage ids."""
        return self._call(lib.crm_pipeline_create, _record(pipeline, Pipeline, "pipeline"))

    def update_pipeline(self, pipeline: Pipeline) -> Pipeline:
        """Stores a changed pipeline (revision checked; a stage that still holds deals cannot be
        removed); returns it as stored."""
        return self._call(lib.crm_pipeline_update, _record(pipeline, Pipeline, "pipeline"))

    def delete_pipeline(self, id: int) -> None:
        """Deletes a pipeline that holds no deals."""
        self._plain(lib.crm_pipeline_delete, _id(id, "id"))

    # ---- opportunities ----

    def create_opportunity(self, opportunity: Opportunity) -> Opportunity:
        """Creates an opportunity; returns it with its id, pipeline, stage and probability."""
        return self._call(lib.crm_opportunity_create, _record(opportunity, Opportunity, "opportunity"))

    def update_opportunity(self, opportunity: Opportunity) -> Opportunity:
        """Stores a changed opportunity (revision checked); returns it as stored."""
        return self._call(lib.crm_opportunity_update, _record(opportunity, Opportunity, "opportunity"))

    def move_opportunity(self, id: int, stage: int | str) -> Opportunity:
        """Moves an opportunity to a stage of its pipeline, given by id or by name
        (case-insensitive); the move is recorded in its history. Returns it as stored."""
        if isinstance(stage, str):
            pipeline = self.pipeline(self.opportunity(id).pipeline)
            stage_id = pipeline.stage_id(stage)
            if stage_id is None:
                names = ", ".join(repr(s.name) for s in pipeline.stages)
                raise InvalidError(EINVALID, f"stage: {pipeline.name!r} has no stage {stage!r} (it has {names})")
            stage = stage_id
        if isinstance(stage, bool) or not isinstance(stage, int) or not 0 <= stage < 2**32:
            raise InvalidError(EINVALID, f"stage: expected a stage id or name, got {stage!r}")
        return self._get(lib.crm_opportunity_move, Opportunity, _id(id, "id"), stage)

    def win_opportunity(self, id: int) -> Opportunity:
        """Closes an opportunity as won (moves it to its pipeline's won stage)."""
        return self._get(lib.crm_opportunity_close_won, Opportunity, _id(id, "id"))

    def lose_opportunity(self, id: int, reason: str = "") -> Opportunity:
        """Closes an opportunity as lost, with a reason."""
        raw = _encode(reason, "reason")
        return self._get(lib.crm_opportunity_close_lost, Opportunity, _id(id, "id"), raw, len(raw))

    def delete_opportunity(self, id: int) -> None:
        """Deletes an opportunity."""
        self._plain(lib.crm_opportunity_delete, _id(id, "id"))


# ---- crm_db_write: a write transaction retried when the map grows ----


class _WriteCall:
    __slots__ = ("db", "fn", "result", "error")

    def __init__(self, db: "Database", fn: Callable[[WriteTxn], Any]) -> None:
        self.db, self.fn = db, fn
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self, handle: Any) -> int:
        txn = WriteTxn(self.db, handle)
        txn._borrowed = True
        self.error = None
        try:
            self.result = self.fn(txn)
            return 0
        except BaseException as e:  # handed back to the caller after the rollback
            self.error = e
            return e.code if isinstance(e, Error) and e.code < 0 else EINTERNAL
        finally:
            txn._end(False)  # frees its listings; the handle is crm_db_write's


@ffi.callback("int(crm_txn*, void*)", error=EINTERNAL)
def _write_trampoline(handle: Any, arg: Any) -> int:
    return ffi.from_handle(arg).run(handle)


class Database:
    """An open libcrm database: ``with crm.open("customers.crm") as db: ...``.

    One object may be used from many threads. :meth:`read` and :meth:`write` begin
    transactions; the other methods are one-shot calls, each in its own transaction (listings
    from them hold a read transaction until exhausted or closed). Closing the database ends
    its transactions and listings: using them afterwards raises :class:`crm.ClosedError`.
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"],
        *,
        create: bool = True,
        read_only: bool = False,
        sync: bool = True,
        map_size: int = 0,
        max_map_size: int = 0,
        actor: str | None = None,
    ) -> None:
        self.path = os.fspath(path)
        opts = ffi.new("crm_options*")
        check(lib.crm_options_init(opts, 1))
        opts.create_if_missing = 1 if create else 0
        opts.read_only = 1 if read_only else 0
        opts.no_sync = 0 if sync else 1
        opts.initial_map_size = map_size
        opts.max_map_size = max_map_size
        keep = None
        if actor is not None:
            keep = ffi.new("char[]", _encode(actor, "actor"))
            opts.default_actor = keep
        out = ffi.new("crm_db**")
        self._h = None
        check(lib.crm_db_open(out, os.fsencode(self.path), opts))
        del keep
        self._h = out[0]
        self._env = self._h  # the C handle until it is closed (self._h is None once closing)
        self._open = 0  # C transaction handles not yet freed
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self._closing = False
        self._txns: dict[int, weakref.ref[ReadTxn]] = {}  # by id(), until their handles are freed
        self._writer = 0  # the thread with an open write transaction, 0 for none

    # ---- life ----

    @property
    def closed(self) -> bool:
        """Whether the database is closed."""
        return self._h is None

    def _enter(self, write: bool) -> Any:
        with self._lock:
            if self._h is None or self._closing:
                raise ClosedError(EINVALID, f"the database {self.path} is closed")
            if write and self._writer == threading.get_ident():
                raise BusyError(
                    EBUSY, "this thread already has a write transaction open on this database; it would wait for itself"
                )
            self._busy += 1
            return self._h

    def _leave(self) -> None:
        with self._lock:
            self._busy -= 1
            if self._busy == 0 and self._closing:
                self._idle.notify_all()

    def _begin(self, txn_class: type[ReadTxn], begin: Callable[[Any, Any], int]) -> Any:
        h = self._enter(txn_class._WRITE)
        txn, rc, error = None, EINTERNAL, None
        try:
            out = ffi.new(_TXN_PP)
            rc = begin(out, h)
            error = error_for(rc) if rc else None
        finally:
            with self._lock:  # registers the transaction and leaves in one go
                if not rc:
                    if self._closing:
                        lib.crm_txn_free(out[0])
                        error = ClosedError(EINVALID, f"the database {self.path} is closed")
                    else:
                        txn = txn_class(self, out[0])
                        self._txns[id(txn)] = weakref.ref(txn)
                        self._open += 1
                        if txn_class._WRITE:
                            self._writer = threading.get_ident()
                self._busy -= 1
                if self._busy == 0 and self._closing:
                    self._idle.notify_all()
        if error is not None:
            raise error
        return txn

    def _released(self, txn: ReadTxn) -> None:
        """Called when a transaction's C handle is freed."""
        with self._lock:
            self._txns.pop(id(txn), None)
            self._open -= 1
            if txn._WRITE and self._writer == txn._owner:
                self._writer = 0
            if self._open == 0 and self._h is None and self._env is not None:
                # close() ran while a transaction was being finalized (and out of its sight)
                lib.crm_db_close(self._env)
                self._env = None

    def read(self) -> ReadTxn:
        """Begins a read transaction: a consistent snapshot, ended by ``with`` or close()."""
        return self._begin(ReadTxn, lib.crm_txn_begin_read)

    def write(self, actor: str | None = None) -> WriteTxn:
        """Begins a write transaction; `actor` names who makes the changes (the change feed
        records it; default: the database's actor). Waits while another one is open.

        The map grows between transactions, not inside one: a single transaction that outgrows
        the map's free space raises :class:`crm.FullError` (and is rolled back). For large
        loads use :meth:`transact`, which grows the map and runs again, or open with a larger
        ``map_size``."""
        raw = b"" if actor is None else _encode(actor, "actor")
        return self._begin(WriteTxn, lambda out, h: lib.crm_txn_begin_write(out, h, raw, len(raw)))

    def transact(self, fn: Callable[[WriteTxn], T], actor: str | None = None) -> T:
        """Runs ``fn(txn)`` in a write transaction and commits when it returns (rolls back and
        re-raises when it raises); returns what fn returned. When the database must grow, the
        transaction is rolled back, the map grown and fn called again, so fn should have no
        effects outside the transaction."""
        raw = b"" if actor is None else _encode(actor, "actor")
        h = self._enter(True)
        try:
            call = _WriteCall(self, fn)
            with self._lock:
                self._writer = threading.get_ident()
            try:
                rc = lib.crm_db_write(h, raw, len(raw), _write_trampoline, ffi.new_handle(call))
            finally:
                with self._lock:
                    self._writer = 0
        finally:
            self._leave()
        if rc:
            if call.error is not None:
                raise call.error
            fail(rc)
        return call.result  # type: ignore[return-value]

    def close(self) -> None:
        """Closes the database, ending its transactions and listings first. A write transaction
        open on another thread makes it raise :class:`crm.BusyError` (and stay open)."""
        me = threading.get_ident()
        with self._lock:
            if self._h is None:
                return
            live = [txn for txn in (ref() for ref in self._txns.values()) if txn is not None]
            for txn in live:
                if txn._WRITE and txn._owner != me and txn._h is not None:
                    raise BusyError(EBUSY, f"cannot close {self.path}: a write transaction is open on another thread")
            if self._writer not in (0, me):
                raise BusyError(EBUSY, f"cannot close {self.path}: a write transaction is running on another thread")
            self._closing = True
        for txn in live:
            txn._end(False)
        with self._lock:
            while self._busy:
                self._idle.wait()
            self._h = None
            # A transaction the garbage collector is finalizing is no longer in _txns; the C
            # database is then closed when it is freed (_released), never before it.
            if self._open == 0:
                lib.crm_db_close(self._env)
                self._env = None

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_h", None) is not None:
            try:
                self.close()
            except Exception:
                pass

    def __repr__(self) -> str:
        return f"<crm.Database {self.path!r}{' closed' if self.closed else ''}>"

    # ---- one-shot calls ----

    def _read(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs a read in a transaction of its own that nothing else sees: close() waits for it."""
        h = self._enter(False)
        try:
            out = ffi.new(_TXN_PP)
            check(lib.crm_txn_begin_read(out, h))
            txn = ReadTxn(self, out[0])
            txn._borrowed = True
            try:
                return method(txn, *args, **kwargs)
            finally:
                txn._h = None
                lib.crm_txn_free(out[0])
        finally:
            self._leave()

    def _read_listing(self, method: Callable[..., Listing[R]], *args: Any, **kwargs: Any) -> Listing[R]:
        txn = self.read()
        try:
            listing = method(txn, *args, **kwargs)
        except BaseException:
            txn.close()
            raise
        listing._owns_txn = True
        return listing

    def _one(self, default: Any, fn: Any, cls: type[Record], *args: Any) -> Any:
        """One record read in a transaction of its own (the lookups below); `default` is
        returned for a miss unless it is _RAISE."""
        h = self._enter(False)
        try:
            txn = ffi.new(_TXN_PP)
            rc = lib.crm_txn_begin_read(txn, h)
            if rc == 0:
                out = ffi.new(cls._OUT)
                rc = fn(out, txn[0], *args)
                error = error_for(rc) if rc and (rc != ENOTFOUND or default is _RAISE) else None
                lib.crm_txn_free(txn[0])
            else:
                error = error_for(rc)
        finally:
            self._leave()
        if error is not None:
            raise error
        return default if rc else cls._own(out[0])

    def _write(self, method: Callable[..., T], actor: str | None, *args: Any) -> T:
        return self.transact(lambda txn: method(txn, *args), actor)

    def customer(self, id: int) -> Customer:
        """See :meth:`ReadTxn.customer`."""
        return self._one(_RAISE, lib.crm_customer_get, Customer, _id(id, "id"))

    def get_customer(self, id: int, default: T | None = None) -> Customer | T | None:
        """See :meth:`ReadTxn.get_customer`."""
        return self._one(default, lib.crm_customer_get, Customer, _id(id, "id"))

    def customer_by_email(self, email: str) -> Customer:
        """See :meth:`ReadTxn.customer_by_email`."""
        raw = _encode(email, "email")
        return self._one(_RAISE, lib.crm_customer_find_by_email, Customer, raw, len(raw))

    def get_customer_by_email(self, email: str, default: T | None = None) -> Customer | T | None:
        """See :meth:`ReadTxn.get_customer_by_email`."""
        raw = _encode(email, "email")
        return self._one(default, lib.crm_customer_find_by_email, Customer, raw, len(raw))

    def customer_by_external_id(self, external_id: str) -> Customer:
        """See :meth:`ReadTxn.customer_by_external_id`."""
        raw = _encode(external_id, "external_id")
        return self._one(_RAISE, lib.crm_customer_find_by_external_id, Customer, raw, len(raw))

    def get_customer_by_external_id(self, external_id: str, default: T | None = None) -> Customer | T | None:
        """See :meth:`ReadTxn.get_customer_by_external_id`."""
        raw = _encode(external_id, "external_id")
        return self._one(default, lib.crm_customer_find_by_external_id, Customer, raw, len(raw))

    def customers_by_phone(self, phone: str) -> Listing[Customer]:
        """See :meth:`ReadTxn.customers_by_phone`."""
        return self._read_listing(ReadTxn.customers_by_phone, phone)

    def customers(self, **filters: Any) -> Listing[Customer]:
        """See :meth:`ReadTxn.customers`."""
        return self._read_listing(ReadTxn.customers, **filters)

    def count_customers(self, **filters: Any) -> int:
        """See :meth:`ReadTxn.count_customers`."""
        return self._read(ReadTxn.count_customers, **filters)

    def interaction(self, id: int) -> Interaction:
        """See :meth:`ReadTxn.interaction`."""
        return self._one(_RAISE, lib.crm_interaction_get, Interaction, _id(id, "id"))

    def get_interaction(self, id: int, default: T | None = None) -> Interaction | T | None:
        """See :meth:`ReadTxn.get_interaction`."""
        return self._one(default, lib.crm_interaction_get, Interaction, _id(id, "id"))

    def timeline(self, customer: int, **options: Any) -> Listing[Interaction]:
        """See :meth:`ReadTxn.timeline`."""
        return self._read_listing(ReadTxn.timeline, customer, **options)

    def pipeline(self, id: int = 0) -> Pipeline:
        """See :meth:`ReadTxn.pipeline`."""
        return self._one(_RAISE, lib.crm_pipeline_get, Pipeline, _id(id, "id"))

    def get_pipeline(self, id: int = 0, default: T | None = None) -> Pipeline | T | None:
        """See :meth:`ReadTxn.get_pipeline`."""
        return self._one(default, lib.crm_pipeline_get, Pipeline, _id(id, "id"))

    def pipelines(self) -> Listing[Pipeline]:
        """See :meth:`ReadTxn.pipelines`."""
        return self._read_listing(ReadTxn.pipelines)

    def opportunity(self, id: int) -> Opportunity:
        """See :meth:`ReadTxn.opportunity`."""
        return self._one(_RAISE, lib.crm_opportunity_get, Opportunity, _id(id, "id"))

    def get_opportunity(self, id: int, default: T | None = None) -> Opportunity | T | None:
        """See :meth:`ReadTxn.get_opportunity`."""
        return self._one(default, lib.crm_opportunity_get, Opportunity, _id(id, "id"))

    def opportunities(self, **filters: Any) -> Listing[Opportunity]:
        """See :meth:`ReadTxn.opportunities`."""
        return self._read_listing(ReadTxn.opportunities, **filters)

    def count_opportunities(self, **filters: Any) -> int:
        """See :meth:`ReadTxn.count_opportunities`."""
        return self._read(ReadTxn.count_opportunities, **filters)

    def changes(self, from_seq: int = 0) -> Listing[Change]:
        """See :meth:`ReadTxn.changes`."""
        return self._read_listing(ReadTxn.changes, from_seq)

    def last_change_seq(self) -> int:
        """See :meth:`ReadTxn.last_change_seq`."""
        return self._read(ReadTxn.last_change_seq)

    def field_history(self, entity: Entity | int | str, id: int, field: str) -> Listing[Change]:
        """See :meth:`ReadTxn.field_history`."""
        return self._read_listing(ReadTxn.field_history, entity, id, field)

    def create_customer(self, customer: Customer, actor: str | None = None) -> Customer:
        """See :meth:`WriteTxn.create_customer`; in its own write transaction."""
        return self._write(WriteTxn.create_customer, actor, customer)

    def update_customer(self, customer: Customer, actor: str | None = None) -> Customer:
        """See :meth:`WriteTxn.update_customer`; in its own write transaction."""
        return self._write(WriteTxn.update_customer, actor, customer)

    def upsert_customer(self, customer: Customer, actor: str | None = None) -> Customer:
        """See :meth:`WriteTxn.upsert_customer`; in its own write transaction."""
        return self._write(WriteTxn.upsert_customer, actor, customer)

    def archive_customer(self, id: int, actor: str | None = None) -> Customer:
        """See :meth:`WriteTxn.archive_customer`; in its own write transaction."""
        return self._write(WriteTxn.archive_customer, actor, id)

    def restore_customer(self, id: int, actor: str | None = None) -> Customer:
        """See :meth:`WriteTxn.restore_customer`; in its own write transaction."""
        return self._write(WriteTxn.restore_customer, actor, id)

    def delete_customer(self, id: int, cascade: bool = False, actor: str | None = None) -> None:
        """See :meth:`WriteTxn.delete_customer`; in its own write transaction."""
        return self._write(WriteTxn.delete_customer, actor, id, cascade)

    def log_interaction(self, interaction: Interaction, actor: str | None = None) -> Interaction:
        """See :meth:`WriteTxn.log_interaction`; in its own write transaction."""
        return self._write(WriteTxn.log_interaction, actor, interaction)

    def update_interaction(self, interaction: Interaction, actor: str | None = None) -> Interaction:
        """See :meth:`WriteTxn.update_interaction`; in its own write transaction."""
        return self._write(WriteTxn.update_interaction, actor, interaction)

    def delete_interaction(self, id: int, actor: str | None = None) -> None:
        """See :meth:`WriteTxn.delete_interaction`; in its own write transaction."""
        return self._write(WriteTxn.delete_interaction, actor, id)

    def create_pipeline(self, pipeline: Pipeline, actor: str | None = None) -> Pipeline:
        """See :meth:`WriteTxn.create_pipeline`; in its own write transaction."""
        return self._write(WriteTxn.create_pipeline, actor, pipeline)

    def update_pipeline(self, pipeline: Pipeline, actor: str | None = None) -> Pipeline:
        """See :meth:`WriteTxn.update_pipeline`; in its own write transaction."""
        return self._write(WriteTxn.update_pipeline, actor, pipeline)

    def delete_pipeline(self, id: int, actor: str | None = None) -> None:
        """See :meth:`WriteTxn.delete_pipeline`; in its own write transaction."""
        return self._write(WriteTxn.delete_pipeline, actor, id)

    def create_opportunity(self, opportunity: Opportunity, actor: str | None = None) -> Opportunity:
        """See :meth:`WriteTxn.create_opportunity`; in its own write transaction."""
        return self._write(WriteTxn.create_opportunity, actor, opportunity)

    def update_opportunity(self, opportunity: Opportunity, actor: str | None = None) -> Opportunity:
        """See :meth:`WriteTxn.update_opportunity`; in its own write transaction."""
        return self._write(WriteTxn.update_opportunity, actor, opportunity)

    def move_opportunity(self, id: int, stage: int | str, actor: str | None = None) -> Opportunity:
        """See :meth:`WriteTxn.move_opportunity`; in its own write transaction."""
        return self._write(WriteTxn.move_opportunity, actor, id, stage)

    def win_opportunity(self, id: int, actor: str | None = None) -> Opportunity:
        """See :meth:`WriteTxn.win_opportunity`; in its own write transaction."""
        return self._write(WriteTxn.win_opportunity, actor, id)

    def lose_opportunity(self, id: int, reason: str = "", actor: str | None = None) -> Opportunity:
        """See :meth:`WriteTxn.lose_opportunity`; in its own write transaction."""
        return self._write(WriteTxn.lose_opportunity, actor, id, reason)

    def delete_opportunity(self, id: int, actor: str | None = None) -> None:
        """See :meth:`WriteTxn.delete_opportunity`; in its own write transaction."""
        return self._write(WriteTxn.delete_opportunity, actor, id)


def open(  # noqa: A001 - crm.open, like io.open and lmdb.open
    path: Union[str, "os.PathLike[str]"],
    *,
    create: bool = True,
    read_only: bool = False,
    sync: bool = True,
    map_size: int = 0,
    max_map_size: int = 0,
    actor: str | None = None,
) -> Database:
    """Opens (or creates) the database file at `path` (and `path`-lock), readable by its owner
    only. ``sync=False`` skips the flush at commit: a process crash loses nothing, a power loss
    may lose the last commits. ``map_size`` is the starting map size in bytes (default 64 MiB;
    it grows by itself up to ``max_map_size``, default 1 TiB). ``actor`` is who makes changes
    when a write names nobody (default "system")."""
    return Database(
        path, create=create, read_only=read_only, sync=sync, map_size=map_size, max_map_size=max_map_size, actor=actor
    )
