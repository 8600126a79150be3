"""What every operation is written with: argument checks and the primitives of a transaction.

Each operation is written once, in its concept's module (customers.py ...), as a method of a
mixin class over these primitives. ReadTxn, WriteTxn and Database (database.py) implement the
primitives, so the same method reads within a transaction or, on the database, in a transaction
of its own; a write method runs in the caller's write transaction or, on the database, in one of
its own (committed, and retried when the map grows).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ._native import ffi
from ._fields import encode
from .errors import EINVALID, InvalidError

if TYPE_CHECKING:
    from .listing import Listing

R = TypeVar("R")
T = TypeVar("T")

#: "raise NotFoundError" where a default could be given
RAISE: Any = object()


def check_id(value: Any, what: str) -> int:
    """An id argument: an int in [0, 2**64)."""
    if type(value) is int and 0 <= value < 18446744073709551616:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidError(EINVALID, f"{what}: expected an int id, got {type(value).__name__}")
    raise InvalidError(EINVALID, f"{what}: {value} is not a valid id")


def check_record(value: Any, cls: type, what: str) -> Any:
    """A record argument of the given kind."""
    if not isinstance(value, cls):
        raise InvalidError(EINVALID, f"{what}: expected a crm.{cls.__name__}, got {type(value).__name__}")
    return value


def text_arg(keep: list, value: Any, what: str) -> tuple[Any, int]:
    """A str argument as a C string kept alive in `keep` while the query is used."""
    raw = ffi.new("char[]", encode(value, what))
    keep.append(raw)
    return raw, len(raw) - 1


def paging(q: Any, keep: list, page_size: Any, page_token: str | None) -> None:
    """Sets the page size and token of a C query struct."""
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 0:
        raise InvalidError(EINVALID, f"page_size: expected a non-negative int, got {page_size!r}")
    if page_size > 1000:
        raise InvalidError(EINVALID, f"page_size: at most 1000 records are read at a time, not {page_size}")
    q.page_size = page_size
    if page_token:
        q.page_token, q.page_token_len = text_arg(keep, page_token, "page_token")


def one_of(what: str, **given: Any) -> None:
    """Refuses more than one of the given filters."""
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) > 1:
        raise InvalidError(EINVALID, f"{what}: filter by one of {', '.join(chosen)}, not several")


def write_record(fn: Any) -> Callable[..., Any]:
    """A write of a record, fn(txn, record), which fills the record with the stored result."""
    return lambda t, record: t._call(fn, record)


def write_patch(fn: Any) -> Callable[..., Any]:
    """A patch, fn(txn, record, fields, len): changes only the named fields; fills the record."""

    def patch(t: Any, record: Any, fields: Any) -> Any:
        if isinstance(fields, str):
            fields = [fields]
        names = list(fields)
        if not names or not all(isinstance(f, str) for f in names):
            raise InvalidError(EINVALID, "fields: name the fields to change, as a list of str (\"+tags\" adds)")
        raw = encode(",".join(names), "fields")
        return t._call(fn, record, raw, len(raw))

    return patch


def write_get(fn: Any, cls: type) -> Callable[..., Any]:
    """A write that returns a new record, fn(out, txn, *args)."""
    return lambda t, *args: t._get(fn, cls, *args)


def write_plain(fn: Any) -> Callable[..., Any]:
    """A write that returns nothing, fn(txn, *args)."""
    return lambda t, *args: t._plain(fn, *args)


class Ops:
    """The primitives (see the module's doc)."""

    def _get(self, fn: Any, cls: Any, *args: Any) -> Any:
        """fn(out, txn, *args) into a new record of `cls`; raises on a failure (NotFoundError too)."""
        raise NotImplementedError

    def _get_or(self, default: Any, fn: Any, cls: Any, *args: Any) -> Any:
        """As _get, returning `default` when there is no such record."""
        raise NotImplementedError

    def _listing(self, fn: Any, take: Any, cls: Any, *args: Any) -> "Listing[Any]":
        """fn(out_iter, txn, *args) as a lazy listing of records moved out with take()."""
        raise NotImplementedError

    def _count(self, fn: Any, *args: Any) -> int:
        """fn(out_uint64, txn, *args)."""
        raise NotImplementedError

    def _with_read(self, fn: Callable[[Any], T]) -> T:
        """fn(txn_handle) in a read transaction: this one, or one of the database's own."""
        raise NotImplementedError

    def _in_write(self, fn: Callable[..., T], actor: str | None, *args: Any) -> T:
        """fn(write_txn, *args) in a write transaction: this one, or one of the database's own
        made by `actor`."""
        raise NotImplementedError
