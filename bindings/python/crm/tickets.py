"""Customer service: tickets, their conversations, and SLAs timed in business hours.

A ticket belongs to a customer and has a status, a priority, a channel, an assignee and a team.
Its SLA policies and business calendars (crm.sla) give it milestones. Each ticket keeps the milestones its policies give it (``ticket.milestones``) and its
earliest running deadline (``ticket.due_at``); ``db.tickets_breaching()`` lists tickets by
deadline and ``db.service_report()`` gives attainment, response times and CSAT per team.
"""
from __future__ import annotations

import datetime as _dt
import enum
from typing import Any, Iterator, NamedTuple, Optional, TypeVar

from ._fields import Record, _encode, _Enum, _Field, _Int, _Ref, _Text, _text, _Time
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, write_plain, write_record
from .errors import EINVALID, InvalidError, check
from .sales import Report, read_report
from .values import to_datetime, to_micros

T = TypeVar("T")


class TicketStatus(enum.IntEnum):
    NEW = 1
    OPEN = 2
    PENDING = 3
    ON_HOLD = 4
    SOLVED = 5
    CLOSED = 6


class Priority(enum.IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4


class TicketChannel(enum.IntEnum):
    EMAIL = 1
    PHONE = 2
    WEB = 3
    CHAT = 4
    OTHER = 5


class SlaMetric(enum.IntEnum):
    FIRST_RESPONSE = 1
    RESOLUTION = 2


class Author(enum.IntEnum):
    CUSTOMER = 1  #: a message from the customer
    AGENT = 2  #: a public reply: the first completes the first-response milestones
    NOTE = 3  #: an internal note


class Milestone(NamedTuple):
    """One policy's target for one metric of a ticket. ``due_at`` is None while the clock is
    paused; ``violated``: completed late, or open past its deadline when read."""

    metric: SlaMetric
    policy: int
    target_minutes: int
    due_at: Optional[_dt.datetime]
    completed_at: Optional[_dt.datetime]
    violated: bool
    elapsed_seconds: int


class StatusChange(NamedTuple):
    status: TicketStatus
    at: Optional[_dt.datetime]


class TicketEntry(NamedTuple):
    """One entry of a ticket's conversation."""

    id: int
    author_kind: Author
    author: Optional[int]
    at: Optional[_dt.datetime]
    body: str


class TicketDue(NamedTuple):
    """A ticket with a running deadline."""

    ticket: int
    due_at: Optional[_dt.datetime]
    metric: SlaMetric
    status: TicketStatus
    priority: Priority
    team: Optional[int]
    assignee: Optional[int]


class _Milestones(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[Milestone]:
        if obj is None:
            return self  # type: ignore[return-value]
        metric, policy, target = ffi.new("int*"), ffi.new("uint64_t*"), ffi.new("int64_t*")
        due, done, violated, elapsed = ffi.new("int64_t*"), ffi.new("int64_t*"), ffi.new("int*"), ffi.new("int64_t*")
        out = []
        with obj._lock:
            for i in range(lib.crm_ticket_milestone_count(obj._h)):
                check(lib.crm_ticket_milestone(obj._h, i, metric, policy, target, due, done, violated, elapsed))
                out.append(Milestone(SlaMetric(metric[0]), int(policy[0]), int(target[0]), to_datetime(due[0]),
                                     to_datetime(done[0]), bool(violated[0]), int(elapsed[0])))
        return out

    def __set__(self, obj: Any, value: Any) -> None:
        raise InvalidError(EINVALID, "milestones: the store sets them from the SLA policies")


class _History(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[StatusChange]:
        if obj is None:
            return self  # type: ignore[return-value]
        status, at = ffi.new("int*"), ffi.new("int64_t*")
        out = []
        with obj._lock:
            for i in range(lib.crm_ticket_history_count(obj._h)):
                check(lib.crm_ticket_history(obj._h, i, status, at))
                out.append(StatusChange(TicketStatus(status[0]), to_datetime(at[0])))
        return out

    def __set__(self, obj: Any, value: Any) -> None:
        raise InvalidError(EINVALID, "history: the store keeps it (db.set_ticket_status)")


class Ticket(Record):
    """A support ticket. ``crm.Ticket(customer=7, subject="The invoice is wrong", priority="high")``"""

    __slots__ = ()
    _CTYPE = "crm_ticket"
    _NEW = lib.crm_ticket_new
    _FREE = lib.crm_ticket_free
    _CLONE = lib.crm_ticket_clone
    _TEXT = lib.crm_ticket_text
    _SET_TEXT = lib.crm_ticket_set_text
    _INT = lib.crm_ticket_int
    _SET_INT = lib.crm_ticket_set_int

    id = _Int(201, "The ticket's id (0 until opened).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When it was stored (UTC).", readonly=True)
    updated_at = _Time(204, "When it last changed (UTC).", readonly=True)
    customer = _Ref(205, "The customer's id (required; fixed once opened).")
    priority = _Enum(206, Priority, "LOW, NORMAL (default), HIGH or URGENT.")
    channel = _Enum(207, TicketChannel, "What it came in on (EMAIL by default).")
    assignee = _Ref(208, "The user it is assigned to (None: nobody).")
    team = _Ref(209, "The team (None: none).")
    opened_at = _Time(210, "When it was opened (None on open: now; may be in the past).")
    status = _Enum(211, TicketStatus, "NEW or OPEN on open; db.set_ticket_status afterwards.")
    first_response_at = _Time(212, "The first public reply of an agent.", readonly=True)
    solved_at = _Time(213, "When it was last solved (None while not solved or closed).", readonly=True)
    closed_at = _Time(214, "When it was closed.", readonly=True)
    satisfaction = _Int(215, "The customer's rating, 1 to 5 (0: not rated).", readonly=True)
    due_at = _Time(216, "The earliest deadline of its open, running milestones (None: none).", readonly=True)
    interaction = _Ref(217, "The customer's timeline entry its opening logged.", readonly=True)
    subject = _Text(101, "The subject (required).")
    description = _Text(102, "What the customer asked.")
    satisfaction_comment = _Text(103, "The comment given with the rating.", readonly=True)
    milestones = _Milestones(0, "Its SLA milestones, as Milestone.")
    history = _History(0, "Every status it had, from its opening, as StatusChange.")
    _FIELDS = ("id", "revision", "created_at", "updated_at", "customer", "subject", "description", "status",
               "priority", "channel", "assignee", "team", "opened_at", "first_response_at", "solved_at", "closed_at",
               "satisfaction", "satisfaction_comment", "due_at", "interaction")

    def __repr__(self) -> str:
        return f"<Ticket id={self.id} {self.subject!r} {self.status.name.lower()}>"


def _token(page_token: Any) -> bytes:
    if isinstance(page_token, str):
        page_token = page_token.encode()
    return bytes(page_token or b"")


class TicketReads(Ops):
    """Reads of tickets, calendars and policies: methods of every transaction and of the database."""

    def ticket(self, id: int) -> Ticket:
        """The ticket with this id; NotFoundError when none."""
        return self._get(lib.crm_ticket_get, Ticket, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_ticket(self, id: int, default: T | None = None) -> Ticket | T | None:
        """The ticket with this id, or `default`."""
        return self._get_or(default, lib.crm_ticket_get, Ticket, check_id(id, "id"))  # type: ignore[no-any-return]

    def tickets_of_page(self, customer: int, limit: int = 100, page_token: bytes = b"") -> tuple[list[Ticket], bytes]:
        """One page of the customer's tickets, newest first, and the next page's token."""
        cu, token = check_id(customer, "customer"), _token(page_token)

        def read(txn: Any) -> tuple[list[Ticket], bytes]:
            out = ffi.new("crm_ticket_list**")
            check(lib.crm_tickets_of(out, txn, cu, limit, token, len(token)))
            n = ffi.new("size_t*")
            try:
                tickets = []
                for i in range(lib.crm_ticket_list_size(out[0])):
                    copy = ffi.new(Ticket._OUT)
                    check(lib.crm_ticket_clone(copy, lib.crm_ticket_list_at(out[0], i)))
                    tickets.append(Ticket._own(copy[0]))
                nxt = lib.crm_ticket_list_next(out[0], n)
                return tickets, bytes(ffi.unpack(nxt, n[0]))
            finally:
                lib.crm_ticket_list_free(out[0])

        return self._with_read(read)

    def tickets_of(self, customer: int, page_size: int = 100) -> Iterator[Ticket]:
        """Every ticket of the customer, newest first, read a page at a time."""
        token = b""
        while True:
            tickets, token = self.tickets_of_page(customer, page_size, token)
            yield from tickets
            if not token:
                return

    def ticket_entries(self, ticket: int) -> list[TicketEntry]:
        """The ticket's conversation, oldest first."""
        tid = check_id(ticket, "ticket")

        def read(txn: Any) -> list[TicketEntry]:
            out = ffi.new("crm_ticket_entries**")
            check(lib.crm_ticket_entries_list(out, txn, tid))
            id_, kind, author, at = ffi.new("uint64_t*"), ffi.new("int*"), ffi.new("uint64_t*"), ffi.new("int64_t*")
            body, n = ffi.new("const char**"), ffi.new("size_t*")
            try:
                entries = []
                for i in range(lib.crm_ticket_entries_count(out[0])):
                    check(lib.crm_ticket_entries_item(out[0], i, id_, kind, author, at, body, n))
                    entries.append(TicketEntry(int(id_[0]), Author(kind[0]), int(author[0]) or None, to_datetime(at[0]),
                                               _text(body[0], n[0])))
                return entries
            finally:
                lib.crm_ticket_entries_free(out[0])

        return self._with_read(read)

    def tickets_breaching_page(self, before: Any = None, team: Optional[int] = None, assignee: Optional[int] = None,
                               limit: int = 50, page_token: bytes = b"") -> tuple[list[TicketDue], bytes]:
        """One page of tickets with a running deadline before `before` (None: any), earliest
        first (overdue ones included), and the next page's token."""
        lo = 0 if before is None else to_micros(before, "before")
        tm = 0 if team is None else check_id(team, "team")
        who = 0 if assignee is None else check_id(assignee, "assignee")
        token = _token(page_token)

        def read(txn: Any) -> tuple[list[TicketDue], bytes]:
            out = ffi.new("crm_ticket_due**")
            check(lib.crm_tickets_breaching(out, txn, lo, tm, who, limit, token, len(token)))
            t, due, metric = ffi.new("uint64_t*"), ffi.new("int64_t*"), ffi.new("int*")
            status, priority, team_, user = ffi.new("int*"), ffi.new("int*"), ffi.new("uint64_t*"), ffi.new("uint64_t*")
            n = ffi.new("size_t*")
            try:
                rows = []
                for i in range(lib.crm_ticket_due_count(out[0])):
                    check(lib.crm_ticket_due_item(out[0], i, t, due, metric, status, priority, team_, user))
                    rows.append(TicketDue(int(t[0]), to_datetime(due[0]), SlaMetric(metric[0]), TicketStatus(status[0]),
                                          Priority(priority[0]), int(team_[0]) or None, int(user[0]) or None))
                nxt = lib.crm_ticket_due_next(out[0], n)
                return rows, bytes(ffi.unpack(nxt, n[0]))
            finally:
                lib.crm_ticket_due_free(out[0])

        return self._with_read(read)

    def tickets_breaching(self, before: Any = None, team: Optional[int] = None, assignee: Optional[int] = None,
                          page_size: int = 50) -> Iterator[TicketDue]:
        """Every ticket with a running deadline before `before`, earliest first."""
        token = b""
        while True:
            rows, token = self.tickets_breaching_page(before, team, assignee, page_size, token)
            yield from rows
            if not token:
                return

    def service_report(self, opened_from: Any = None, opened_to: Any = None) -> Report:
        """SLA attainment, median first-response and resolution times (seconds) and CSAT per
        team, of the tickets opened in [opened_from, opened_to); a last row "all"."""
        lo = 0 if opened_from is None else to_micros(opened_from, "opened_from")
        hi = 0 if opened_to is None else to_micros(opened_to, "opened_to")

        def read(txn: Any) -> Report:
            out = ffi.new("crm_report**")
            check(lib.crm_service_report(out, txn, lo, hi))
            return read_report(out[0])

        return self._with_read(read)

_OPEN = write_record(lib.crm_ticket_open)
_UPDATE = write_record(lib.crm_ticket_update)
_DELETE = write_plain(lib.crm_ticket_delete)


def _on_ticket(fn: Any) -> Any:
    """A write on a stored ticket, fn(txn, ticket, *args): given a Ticket, it is updated in place;
    given an id, the ticket is read first and returned."""

    def run(t: Any, ticket: Any, *args: Any) -> Ticket:
        if not isinstance(ticket, Ticket):
            ticket = t._get(lib.crm_ticket_get, Ticket, check_id(ticket, "ticket"))
        return t._call(fn, ticket, *args)  # type: ignore[no-any-return]

    return run


def _enum_arg(value: Any, enum_: Any, what: str) -> int:
    if isinstance(value, str):
        try:
            return int(enum_[value.upper()])
        except KeyError:
            names = ", ".join(m.name.lower() for m in enum_)
            raise InvalidError(EINVALID, f"{what}: {value!r} is not one of {names}") from None
    return int(value)


def _add_entry(t: Any, ticket: int, kind: int, author: int, at: int, body: bytes) -> int:
    def go(h: Any) -> int:
        out = ffi.new("uint64_t*")
        check(lib.crm_ticket_entry_add(out, h, ticket, kind, author, at, body, len(body)))
        return int(out[0])

    return t._with_read(go)  # type: ignore[no-any-return]


class TicketWrites(Ops):
    """Writes of tickets, calendars and policies: methods of a write transaction and of the database."""

    def open_ticket(self, ticket: Ticket, actor: str | None = None) -> Ticket:
        """Opens a ticket (and logs it on the customer's timeline); InvalidError naming the field."""
        return self._in_write(_OPEN, actor, check_record(ticket, Ticket, "ticket"))  # type: ignore[no-any-return]

    def update_ticket(self, ticket: Ticket, actor: str | None = None) -> Ticket:
        """Stores a changed subject, description, priority, channel, assignee or team (revision
        checked); the policies apply again."""
        return self._in_write(_UPDATE, actor, check_record(ticket, Ticket, "ticket"))  # type: ignore[no-any-return]

    def set_ticket_status(self, ticket: Ticket | int, status: TicketStatus | str, at: Any = None,
                          actor: str | None = None) -> Ticket:
        """Moves a ticket to `status` at `at` (None: now; not before its last change). A closed
        ticket cannot be reopened (ConflictError)."""
        code = _enum_arg(status, TicketStatus, "status")
        when = 0 if at is None else to_micros(at, "at")
        return self._in_write(_on_ticket(lib.crm_ticket_set_status), actor, ticket, code, when)  # type: ignore[no-any-return]

    def rate_ticket(self, ticket: Ticket | int, satisfaction: int, comment: str = "",
                    actor: str | None = None) -> Ticket:
        """The customer's satisfaction (1 to 5) with a solved or closed ticket."""
        raw = _encode(comment or "", "comment")
        return self._in_write(_on_ticket(lib.crm_ticket_rate), actor, ticket, int(satisfaction), raw, len(raw))  # type: ignore[no-any-return]

    def recompute_ticket_sla(self, ticket: Ticket | int, actor: str | None = None) -> Ticket:
        """Applies the policies and calendars as they are now to the ticket's milestones."""
        return self._in_write(_on_ticket(lib.crm_ticket_recompute), actor, ticket)  # type: ignore[no-any-return]

    def add_ticket_entry(self, ticket: int, body: str, author_kind: Author | str = Author.CUSTOMER,
                         author: Optional[int] = None, at: Any = None, actor: str | None = None) -> int:
        """Adds to the ticket's conversation; returns the entry's id. The first AGENT reply
        completes the first-response milestones; `at` (None: now) may be in the past."""
        kind = _enum_arg(author_kind, Author, "author_kind")
        who = 0 if author is None else check_id(author, "author")
        when = 0 if at is None else to_micros(at, "at")
        raw = _encode(body, "body")
        return self._in_write(_add_entry, actor, check_id(ticket, "ticket"), kind, who, when, raw)  # type: ignore[no-any-return]

    def delete_ticket(self, id: int, actor: str | None = None) -> None:
        """Deletes a ticket, its conversation and its timeline entry."""
        self._in_write(_DELETE, actor, check_id(id, "id"))
