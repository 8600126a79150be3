"""The database and its transactions.

The operations themselves are written once each, in their concept's module (customers.py,
interactions.py, pipelines.py, opportunities.py, changes.py), over the primitives of _ops.py that
ReadTxn, WriteTxn and Database implement here.
"""
from __future__ import annotations

import os
import threading
import warnings
import weakref
from typing import Any, Callable, TypeVar, Union

from . import _options
from ._fields import Record, encode
from ._native import ffi, lib
from ._ops import RAISE
from .changes import ChangeReads
from .customers import CustomerReads, CustomerWrites
from .errors import EBUSY, EINTERNAL, EINVALID, ENOTFOUND, BusyError, ClosedError, Error, InvalidError, check, error_for, fail
from .consent import ConsentReads, ConsentWrites
from .imports import DatabaseImports, ImportReads
from .interactions import InteractionReads, InteractionWrites
from .listing import Listing
from .maintenance import DatabaseMaintenance, MaintenanceReads
from .opportunities import OpportunityReads, OpportunityWrites
from .query import QueryReads, QueryWrites
from .pipelines import PipelineReads, PipelineWrites
from .privacy import PrivacyReads, PrivacyWrites
from .analytics import AnalyticsReads, AnalyticsWrites
from .duplicates import DatabaseDuplicates, DuplicateReads, DuplicateWrites
from .sales import SalesReads, SalesWrites
from .scoring import ScoringReads, ScoringWrites
from .products import ProductReads, ProductWrites
from .segments import SegmentReads, SegmentWrites
from .campaigns import CampaignReads, CampaignWrites
from .leads import LeadWrites
from .sla import SlaReads, SlaWrites
from .tickets import TicketReads, TicketWrites
from .users import UserReads, UserWrites

R = TypeVar("R", bound=Record)
T = TypeVar("T")

_get_ident = threading.get_ident
_ITER_PP = ffi.typeof("crm_iter**")
_TXN_PP = ffi.typeof("crm_txn**")
_U64_P = ffi.typeof("uint64_t*")


class _Reads(CustomerReads, InteractionReads, PipelineReads, OpportunityReads, ChangeReads, MaintenanceReads,
             QueryReads, UserReads, PrivacyReads, ConsentReads, ImportReads, SalesReads,
             ScoringReads, ProductReads, AnalyticsReads, DuplicateReads, SegmentReads,
             CampaignReads, TicketReads, SlaReads):
    """Every concept's reads."""


class _Writes(CustomerWrites, InteractionWrites, PipelineWrites, OpportunityWrites, QueryWrites, UserWrites,
              PrivacyWrites, ConsentWrites, SalesWrites, ScoringWrites, ProductWrites, AnalyticsWrites,
              DuplicateWrites, SegmentWrites, CampaignWrites, TicketWrites, SlaWrites,
              LeadWrites):
    """Every concept's writes."""


class ReadTxn(_Reads):
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

    def _with_read(self, fn: Callable[[Any], T]) -> T:
        with self._lock:
            return fn(self._handle())

    def _count(self, fn: Any, *args: Any) -> int:
        out = ffi.new(_U64_P)
        with self._lock:
            check(fn(out, self._handle(), *args))
        return out[0]  # type: ignore[no-any-return]

class WriteTxn(ReadTxn, _Writes):
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


    def _in_write(self, fn: Callable[..., T], actor: str | None, *args: Any) -> T:
        if actor is not None:
            raise InvalidError(
                EINVALID, "actor: a transaction's writes are made by the actor it began with (db.write(actor=...))"
            )
        return fn(self, *args)




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


class Database(_Reads, _Writes, DatabaseMaintenance, DatabaseImports, DatabaseDuplicates):
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
        phone_region: str | None = None,
        durability: str = "full",
        encryption_key: bytes | None = None,
        passphrase: str | None = None,
    ) -> None:
        self.path = os.fspath(path)
        opts, keep = _options.build(
            create=create, read_only=read_only, sync=sync, map_size=map_size, max_map_size=max_map_size, actor=actor,
            phone_region=phone_region, durability=durability, encryption_key=encryption_key, passphrase=passphrase,
        )
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
        self._writers: dict[int, int] = {}  # threads in a write transaction: how many (one, or a transact's)

    # ---- life ----

    @property
    def closed(self) -> bool:
        """Whether the database is closed."""
        return self._h is None

    def _enter(self, write: bool) -> Any:
        with self._lock:
            if self._h is None or self._closing:
                raise ClosedError(EINVALID, f"the database {self.path} is closed")
            if write and threading.get_ident() in self._writers:
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
                            self._writing(threading.get_ident(), 1)
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
            if txn._WRITE and txn._owner in self._writers:
                self._writing(txn._owner, -1)
            if self._open == 0 and self._h is None and self._env is not None:
                # close() ran while a transaction was being finalized (and out of its sight)
                lib.crm_db_close(self._env)
                self._env = None

    def _writing(self, thread: int, delta: int) -> None:
        """Counts a write transaction of `thread` beginning (1) or ending (-1)."""
        with self._lock:
            n = self._writers.pop(thread, 0) + delta
            if n > 0:
                self._writers[thread] = n

    def read(self) -> ReadTxn:
        """Begins a read transaction: a consistent snapshot, ended by ``with`` or close()."""
        return self._begin(ReadTxn, lib.crm_txn_begin_read)

    def write(self, actor: str | None = None, *, import_mode: bool = False) -> WriteTxn:
        """Begins a write transaction; `actor` names who makes the changes (the change feed
        records it; default: the database's actor). Waits while another one is open.

        ``import_mode`` is for migrations from another system: creates keep the historical
        times their records carry (``created_at``, ``updated_at``; an opportunity's
        ``closed_at``, stage ``history`` and ``lost_reason``) and every change is flagged
        ``imported`` in the feed.

        The map grows between transactions, not inside one: a single transaction that outgrows
        the map's free space raises :class:`crm.FullError` (and is rolled back). For large
        loads use :meth:`transact`, which grows the map and runs again, or open with a larger
        ``map_size``."""
        raw = b"" if actor is None else encode(actor, "actor")
        begin = lib.crm_txn_begin_import if import_mode else lib.crm_txn_begin_write
        return self._begin(WriteTxn, lambda out, h: begin(out, h, raw, len(raw)))

    def transact(self, fn: Callable[[WriteTxn], T], actor: str | None = None) -> T:
        """Runs ``fn(txn)`` in a write transaction and commits when it returns (rolls back and
        re-raises when it raises); returns what fn returned. When the database must grow, the
        transaction is rolled back, the map grown and fn called again, so fn should have no
        effects outside the transaction.

        Calls on several threads at once (one-shot methods too) share one commit: each fn runs on its
        own thread, nested, so one that raises leaves nothing; each returns once the commit is durable."""
        raw = b"" if actor is None else encode(actor, "actor")
        h = self._enter(True)
        try:
            call = _WriteCall(self, fn)
            self._writing(threading.get_ident(), 1)
            try:
                rc = lib.crm_db_write(h, raw, len(raw), _write_trampoline, ffi.new_handle(call))
            finally:
                self._writing(threading.get_ident(), -1)
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
            if any(writer != me for writer in self._writers):
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


    # ---- the primitives: each call in a transaction of its own ----

    def _one(self, default: Any, fn: Any, cls: type[Record], *args: Any) -> Any:
        """One record read in a transaction of its own (the lookups below); `default` is
        returned for a miss unless it is RAISE."""
        h = self._enter(False)
        try:
            txn = ffi.new(_TXN_PP)
            rc = lib.crm_txn_begin_read(txn, h)
            if rc == 0:
                out = ffi.new(cls._OUT)
                rc = fn(out, txn[0], *args)
                error = error_for(rc) if rc and (rc != ENOTFOUND or default is RAISE) else None
                lib.crm_txn_free(txn[0])
            else:
                error = error_for(rc)
        finally:
            self._leave()
        if error is not None:
            raise error
        return default if rc else cls._own(out[0])


    def _get(self, fn: Any, cls: Any, *args: Any) -> Any:
        return self._one(RAISE, fn, cls, *args)

    def _get_or(self, default: Any, fn: Any, cls: Any, *args: Any) -> Any:
        return self._one(default, fn, cls, *args)

    def _listing(self, fn: Any, take: Any, cls: Any, *args: Any) -> Listing[Any]:
        """A listing that holds a read transaction of its own until it is exhausted or closed."""
        txn = self.read()
        try:
            listing = txn._listing(fn, take, cls, *args)
        except BaseException:
            txn.close()
            raise
        listing._owns_txn = True
        return listing

    def _count(self, fn: Any, *args: Any) -> int:
        h = self._enter(False)
        try:
            txn = ffi.new(_TXN_PP)
            check(lib.crm_txn_begin_read(txn, h))
            out = ffi.new(_U64_P)
            rc = fn(out, txn[0], *args)
            lib.crm_txn_free(txn[0])
        finally:
            self._leave()
        check(rc)
        return out[0]  # type: ignore[no-any-return]

    def _with_read(self, fn: Callable[[Any], T]) -> T:
        h = self._enter(False)
        try:
            txn = ffi.new(_TXN_PP)
            check(lib.crm_txn_begin_read(txn, h))
            try:
                return fn(txn[0])
            finally:
                lib.crm_txn_free(txn[0])
        finally:
            self._leave()

    def _in_write(self, fn: Callable[..., T], actor: str | None, *args: Any) -> T:
        return self.transact(lambda txn: fn(txn, *args), actor)


def open(  # noqa: A001 - crm.open, like io.open and lmdb.open
    path: Union[str, "os.PathLike[str]"],
    *,
    create: bool = True,
    read_only: bool = False,
    sync: bool = True,
    map_size: int = 0,
    max_map_size: int = 0,
    actor: str | None = None,
    phone_region: str | None = None,
    durability: str = "full",
    encryption_key: bytes | None = None,
    passphrase: str | None = None,
) -> Database:
    """Opens (or creates) the database file at `path` (and `path`-lock), readable by its owner
    only. ``durability``: what a commit has reached when it returns. "full": on disk, it survives
    a power loss (SQLite's synchronous=FULL); "normal": a crash of the process loses nothing, a
    power loss may lose the last commit and never damages the file (synchronous=NORMAL); "none":
    nothing synced (synchronous=OFF; ``sync=False`` is the same). ``map_size`` is the starting map size in bytes (default 64 MiB;
    it grows by itself up to ``max_map_size``, default 1 TiB). ``actor`` is who makes changes
    when a write names nobody (default "system"). ``phone_region`` ("DE") is the region of phone
    numbers written without a country code: the store reads them into E.164 (``Phone.e164``).
    ``encryption_key`` (32 bytes) or ``passphrase`` (stretched with Argon2id), at most one: given
    when the file is created, every personal value in it is encrypted, and every later open needs
    the same key (:class:`crm.KeyRequiredError` without it or with another; an existing file that
    is not encrypted raises :class:`crm.ConflictError`)."""
    return Database(
        path, create=create, read_only=read_only, sync=sync, map_size=map_size, max_map_size=max_map_size, actor=actor,
        phone_region=phone_region, durability=durability, encryption_key=encryption_key, passphrase=passphrase,
    )

