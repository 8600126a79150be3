"""Protection of personal data: erasing a customer (the right to be forgotten) and the erasure log.

``db.erase_customer(id)`` removes, in one transaction, the customer, its interactions, its deals
(or, with ``keep_deals=True``, keeps them anonymised for reporting), its contact roles and index
entries, and the values of every change of these records in the change feed (each change keeps
its number and kind, with ``redacted`` set); a tombstone change (``Op.ERASE``) marks the
erasure. The erasure log (``db.erasures()``) keeps when, by whom and what was erased, with the
customer's identifiers masked. A compacted backup (``db.backup(path, compact=True)``) holds none
of the erased customer's bytes.

Suppression (``db.suppress``, ``erase_customer(..., suppress=True)``) keeps an email address or a
phone number from being captured again: creating or updating a customer to hold it raises
:class:`crm.SuppressedError` until ``db.unsuppress`` lifts it. Only a keyed hash is stored.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from typing import Any

from ._fields import _encode
from ._native import ffi, lib
from ._ops import Ops, check_id
from .errors import check
from .values import at_micros


@dataclasses.dataclass(frozen=True)
class Erasure:
    """One erasure, as the erasure log keeps it."""

    seq: int  #: the tombstone's sequence number in the change feed
    at: _dt.datetime
    actor: str
    customer: int  #: the erased customer's id
    masked: tuple[str, ...]  #: its identifiers, masked: "J*** D***", "j***@e******.com", "*********99"
    interactions: int  #: interactions erased
    deals_erased: int
    deals_kept: int
    changes_redacted: int  #: changes of the feed whose values were removed


def _erasure(h: Any) -> Erasure:
    """An Erasure from a borrowed crm_erasure."""
    size = ffi.new("size_t*")
    masked = []
    for i in range(lib.crm_erasure_masked_count(h)):
        p = lib.crm_erasure_masked(h, i, size)
        masked.append(ffi.unpack(p, size[0]).decode())
    actor = lib.crm_erasure_actor(h, size)
    return Erasure(
        seq=lib.crm_erasure_int(h, 201),
        at=at_micros(lib.crm_erasure_int(h, 202)),
        actor=ffi.unpack(actor, size[0]).decode(),
        customer=lib.crm_erasure_int(h, 203),
        masked=tuple(masked),
        interactions=lib.crm_erasure_int(h, 204),
        deals_erased=lib.crm_erasure_int(h, 205),
        deals_kept=lib.crm_erasure_int(h, 206),
        changes_redacted=lib.crm_erasure_int(h, 207),
    )


class PrivacyReads(Ops):
    """Reads of the erasure log: methods of every transaction and of the database."""

    def erasures(self, from_seq: int = 0, limit: int = 100) -> list[Erasure]:
        """The erasures whose tombstone is at `from_seq` or later, oldest first (at most `limit`,
        1 to 1000)."""
        start = check_id(from_seq, "from_seq")
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise TypeError("limit: must be an int")

        def read(txn: Any) -> list[Erasure]:
            out = ffi.new("crm_erasure_list**")
            check(lib.crm_erasure_list_get(out, txn, start, max(limit, 0)))
            try:
                return [_erasure(lib.crm_erasure_list_at(out[0], i)) for i in range(lib.crm_erasure_list_size(out[0]))]
            finally:
                lib.crm_erasure_list_free(out[0])

        return self._with_read(read)

    def export_customer(self, id: int) -> dict[str, Any]:
        """Everything held about customer `id` (subject access, portability) as a JSON document,
        parsed: schema "libcrm.subject-export" version 4 (the README's "Privacy and security").
        NotFoundError when there is no such customer."""
        customer = check_id(id, "id")

        def read(txn: Any) -> dict[str, Any]:
            out, size = ffi.new("char**"), ffi.new("size_t*")
            check(lib.crm_customer_export(out, size, txn, customer))
            try:
                doc: dict[str, Any] = json.loads(ffi.unpack(out[0], size[0]).decode())
                return doc
            finally:
                lib.crm_free(out[0])

        return self._with_read(read)

    def is_suppressed(self, email_or_phone: str) -> bool:
        """Whether an email address (text with '@') or a phone number is suppressed."""
        raw = _encode(email_or_phone, "email_or_phone")

        def read(txn: Any) -> bool:
            out = ffi.new("int*")
            check(lib.crm_is_suppressed(out, txn, raw, len(raw)))
            return bool(out[0])

        return self._with_read(read)


class PrivacyWrites(Ops):
    """Erasure: methods of write transactions and of the database."""

    def erase_customer(self, id: int, keep_deals: bool = False, suppress: bool = False,
                       actor: str | None = None) -> Erasure:
        """Erases customer `id` and what belongs to it; NotFoundError when there is none. With
        `keep_deals` its deals stay, anonymised (amounts, stages and dates kept); with `suppress`
        its emails and phones are suppressed. Returns the erasure log's entry."""
        customer = check_id(id, "id")
        flags = (1 if keep_deals else 0) | (2 if suppress else 0)

        def erase(t: Any) -> Erasure:
            out = ffi.new("crm_erasure**")
            t._plain(lib.crm_customer_erase, customer, flags, out)
            try:
                return _erasure(out[0])
            finally:
                lib.crm_erasure_free(out[0])

        return self._in_write(erase, actor)

    def suppress(self, email_or_phone: str, actor: str | None = None) -> None:
        """Suppresses an email address (text with '@') or a phone number: no customer can be
        created, or updated to hold it (:class:`crm.SuppressedError`); one that holds it keeps it."""
        raw = _encode(email_or_phone, "email_or_phone")
        self._in_write(lambda t: t._plain(lib.crm_suppress, raw, len(raw)), actor)

    def unsuppress(self, email_or_phone: str, actor: str | None = None) -> bool:
        """Lifts a suppression (a new, explicit consent); False when there was none."""
        raw = _encode(email_or_phone, "email_or_phone")
        removed = ffi.new("int*")
        self._in_write(lambda t: t._plain(lib.crm_unsuppress, raw, len(raw), removed), actor)
        return bool(removed[0])
