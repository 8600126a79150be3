"""Consent per purpose and channel, its history, and whether a customer may be contacted.

A :class:`ConsentRecord` says that a customer granted, or withdrew, consent to one purpose
("marketing", "newsletter", "profiling" ...) on one channel, when, under which legal basis, from
which source and with what evidence. Records are only added: ``db.consent_history(id)`` keeps
every one, ``db.current_consents(id, at)`` gives the state at a time, and
``db.can_contact(id, Channel.EMAIL, "newsletter")`` answers from it, with the reason.

A customer's ``email_opt_in`` follows the ("marketing", email) records, and turning it on or off
adds one. A withdrawal stands until an explicit grant: a grant from an import (source IMPORT, or
an import-mode write turning ``email_opt_in`` back on) raises :class:`crm.ConsentWithdrawnError`.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
from typing import Any

from ._fields import Record, _Bool, _encode, _Enum, _Int, _Text, _Time
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, write_record
from .errors import check
from .users import _listed
from .values import LegalBasis, enum_arg, to_micros


class Channel(enum.IntEnum):
    """How a customer is contacted."""

    EMAIL = 1
    PHONE = 2  #: calls
    SMS = 3
    POST = 4
    ANY = 5  #: a purpose not tied to a channel (profiling, third-party sharing), or all of them


class ConsentSource(enum.IntEnum):
    """Where a consent record came from."""

    FORM = 1
    IMPORT = 2  #: copied from another system: not an explicit grant
    CALL = 3
    API = 4


class Verdict(enum.IntEnum):
    """Why a customer may, or may not, be contacted."""

    ALLOWED = 0
    NO_CONSENT = 1
    WITHDRAWN = 2
    NOT_YET_VALID = 3
    EXPIRED = 4
    DO_NOT_CALL = 5
    SUPPRESSED = 6
    NO_ADDRESS = 7


class ConsentRecord(Record):
    """A grant or a withdrawal of consent to one purpose on one channel.

    ``crm.ConsentRecord(customer=7, purpose="newsletter", legal_basis="consent", source="form")``
    """

    __slots__ = ()
    _CTYPE = "crm_consent"
    _NEW = lib.crm_consent_new
    _FREE = lib.crm_consent_free
    _CLONE = lib.crm_consent_clone
    _TEXT = lib.crm_consent_text
    _SET_TEXT = lib.crm_consent_set_text
    _INT = lib.crm_consent_int
    _SET_INT = lib.crm_consent_set_int

    id = _Int(201, "The record's id (0 until recorded), in the order recorded.", readonly=True)
    recorded_at = _Time(202, "When the store recorded it (UTC).", readonly=True)
    customer = _Int(203, "The customer's id (required).")
    channel = _Enum(204, Channel, "The channel (a new record: email).")
    granted = _Bool(205, "True: granted (a new record); False: withdrawn.")
    legal_basis = _Enum(206, LegalBasis, "Required for a grant (GDPR Art. 6); none for a withdrawal.")
    source = _Enum(207, ConsentSource, "Where it came from (a new record: api).")
    captured_at = _Time(208, "When it was given or withdrawn (UTC); None: now; never in the future.")
    valid_from = _Time(209, "A grant holds from here (None: from captured_at).")
    valid_to = _Time(210, "And until here, excluded (None: no end).")
    confirmed_at = _Time(211, "Double opt-in: when the customer confirmed (None: not confirmed).")
    purpose = _Text(101, "What it is for: 1-64 of a-z, 0-9, '_', '-', '.' (folded to lower case).")
    evidence = _Text(102, "Proof: a form's address, a call's reference (at most 1000 bytes).")
    actor = _Text(103, "Who recorded it.", readonly=True)
    _FIELDS = ("id", "recorded_at", "actor", "customer", "purpose", "channel", "granted", "legal_basis", "source",
               "captured_at", "valid_from", "valid_to", "confirmed_at", "evidence")

    def __repr__(self) -> str:
        state = "granted" if self.granted else "withdrawn"
        return f"<ConsentRecord id={self.id} customer={self.customer} {self.purpose!r} by {self.channel.name.lower()} {state}>"


@dataclasses.dataclass(frozen=True)
class ContactDecision:
    """The answer of ``can_contact``."""

    allowed: bool
    verdict: Verdict
    reason: str  #: one sentence naming the record, flag or address that decided
    consent: int | None  #: the id of the consent record that decided

    def __bool__(self) -> bool:
        return self.allowed


def _at(value: Any) -> int:
    return 0 if value is None else to_micros(value, "at")


class ConsentReads(Ops):
    """Reads of consent: methods of every transaction and of the database."""

    def consent_history(self, customer: int) -> list[ConsentRecord]:
        """Every consent record of a customer, oldest captured first; NotFoundError when there is
        no such customer."""
        return self._with_read(_listed(ConsentRecord, lib.crm_consent_history, lib.crm_consent_list_size,
                                       lib.crm_consent_list_at, lib.crm_consent_list_free, lib.crm_consent_clone,
                                       check_id(customer, "customer")))  # fmt: skip

    def current_consents(self, customer: int, at: _dt.datetime | None = None) -> list[ConsentRecord]:
        """The current record of each purpose and channel, by purpose and channel, as at `at`
        (None: now)."""
        return self._with_read(_listed(ConsentRecord, lib.crm_consent_current, lib.crm_consent_list_size,
                                       lib.crm_consent_list_at, lib.crm_consent_list_free, lib.crm_consent_clone,
                                       check_id(customer, "customer"), _at(at)))  # fmt: skip

    def can_contact(self, customer: int, channel: Channel | str, purpose: str,
                    at: _dt.datetime | None = None) -> ContactDecision:
        """Whether the customer may be contacted on `channel` for `purpose` at `at` (None: now),
        and why: an address on the channel that is not suppressed, no do_not_call for phone and
        SMS, and a grant valid at `at` as the latest record of the purpose on the channel (or on
        ANY). NotFoundError when there is no such customer."""
        who = check_id(customer, "customer")
        how = int(enum_arg(Channel, channel, "channel"))
        raw = _encode(purpose, "purpose")
        when = _at(at)

        def read(txn: Any) -> ContactDecision:
            verdict, reason, consent = ffi.new("int*"), ffi.new("char**"), ffi.new("uint64_t*")
            check(lib.crm_can_contact(verdict, reason, consent, txn, who, how, raw, len(raw), when))
            try:
                text = ffi.string(reason[0]).decode()
            finally:
                lib.crm_free(reason[0])
            return ContactDecision(verdict[0] == 0, Verdict(verdict[0]), text, consent[0] or None)

        return self._with_read(read)


class ConsentWrites(Ops):
    """Recording consent: methods of write transactions and of the database."""

    def record_consent(self, record: ConsentRecord, actor: str | None = None) -> ConsentRecord:
        """Adds the record; it is filled in as stored (id, folded purpose, times) and returned.
        NotFoundError without such a customer; ConsentWithdrawnError for a grant from an import
        that would follow a withdrawal."""
        check_record(record, ConsentRecord, "record")
        return self._in_write(write_record(lib.crm_consent_record), actor, record)  # type: ignore[no-any-return]

    def confirm_consent(self, customer: int, channel: Channel | str, purpose: str,
                        at: _dt.datetime | None = None, actor: str | None = None) -> ConsentRecord:
        """Double opt-in: the customer confirmed the current grant of `purpose` on `channel` at
        `at` (None: now). Adds and returns a copy of the grant with ``confirmed_at`` set;
        ConflictError when there is no grant to confirm or it is already confirmed."""
        who = check_id(customer, "customer")
        how = int(enum_arg(Channel, channel, "channel"))
        raw = _encode(purpose, "purpose")
        when = _at(at)

        def confirm(t: Any) -> ConsentRecord:
            out = ffi.new("crm_consent**")
            t._plain(lambda h: lib.crm_consent_confirm(out, h, who, how, raw, len(raw), when))
            return ConsentRecord._own(out[0])  # type: ignore[no-any-return]

        return self._in_write(confirm, actor)

