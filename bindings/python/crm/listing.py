"""Lazy listings: records read from the store in batches as iteration asks for them."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._fields import BATCH, Record
from ._native import ffi, lib
from .errors import EINVALID, ClosedError, InvalidError, error_for

if TYPE_CHECKING:
    from .database import ReadTxn

R = TypeVar("R", bound=Record)
_new = object.__new__
_SIZE_P = ffi.typeof("size_t*")


class Listing(Generic[R]):
    """A lazy iterator over records: pages are read from the store as iteration asks for them.

    It reads inside the transaction it came from and ends with it; iterating after that raises
    :class:`crm.ClosedError`. It is iterated once: starting over on a finished listing raises
    :class:`crm.InvalidError` rather than yielding nothing (list again instead). ``page_token`` continues the listing in a later transaction (pass
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
        if self._done and not self._ready:
            raise InvalidError(
                EINVALID, "this listing is finished (iterated to its end, or closed): list again (call the method again)"
            )
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

