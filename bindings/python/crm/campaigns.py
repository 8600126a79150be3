"""Campaigns: what marketing sends, to whom, and who responded.

A campaign has a channel and a consent purpose, a period, a budget and its actual cost, a parent
campaign and member statuses of its own (``CampaignStatus("attended", responded=True)``).
Members are customers, added one by one or from a segment; ``db.campaign_audience(c)`` lists
each member as sendable or excluded, with the consent rules' verdict and reason.
"""
from __future__ import annotations

import datetime as _dt
import enum
from typing import Any, Iterable, Iterator, NamedTuple, Optional, TypeVar

from ._fields import Record, _Amount, _encode, _Enum, _Field, _Int, _pairs, _Ref, _Text, _Time, _text
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, write_plain, write_record
from .consent import Channel, Verdict
from .errors import EINVALID, ENOTFOUND, InvalidError, check
from .sales import Report, read_report
from .users import _listed
from .values import to_datetime, to_micros

T = TypeVar("T")


class CampaignStatus(NamedTuple):
    """A member status of a campaign, and whether a member with it has responded."""

    name: str
    responded: bool = False


class CampaignMember(NamedTuple):
    """A customer's membership of a campaign."""

    campaign: int
    customer: int
    status: str
    responded: bool
    added_at: Optional[_dt.datetime]
    first_responded_at: Optional[_dt.datetime]


class EventKind(enum.IntEnum):
    """What happened to a campaign's message to a member."""

    SENT = 1
    DELIVERED = 2
    OPENED = 3
    CLICKED = 4
    REPLIED = 5
    BOUNCED = 6
    OPTED_OUT = 7  #: also withdraws the member's consent to the campaign's purpose on its channel
    CONVERTED = 8


class CampaignEvent(NamedTuple):
    """One event of a member's log."""

    id: int
    kind: EventKind
    at: Optional[_dt.datetime]
    detail: str


class AudienceEntry(NamedTuple):
    """A member of a campaign's audience: sendable, or excluded with the reason."""

    customer: int
    sendable: bool
    verdict: Verdict
    reason: str


class _Statuses(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[CampaignStatus]:
        if obj is None:
            return self  # type: ignore[return-value]
        name, n, responded = ffi.new("const char**"), ffi.new("size_t*"), ffi.new("int*")
        out = []
        with obj._lock:
            for i in range(lib.crm_campaign_status_count(obj._h)):
                check(lib.crm_campaign_status(obj._h, i, name, n, responded))
                out.append(CampaignStatus(_text(name[0], n[0]), bool(responded[0])))
        return out

    def __set__(self, obj: Any, value: Any) -> None:
        statuses = []
        for s in _pairs(value, "statuses"):
            if isinstance(s, str):
                s = CampaignStatus(s)
            if not isinstance(s, CampaignStatus):
                raise InvalidError(EINVALID, "statuses: each is a CampaignStatus(name, responded) or a name")
            statuses.append((_encode(s.name, "statuses: name"), 1 if s.responded else 0))
        with obj._lock:
            check(lib.crm_campaign_clear_statuses(obj._h))
            for raw, responded in statuses:
                check(lib.crm_campaign_add_status(obj._h, raw, len(raw), responded))


class Campaign(Record):
    """A campaign. ``crm.Campaign(name="Spring launch", channel="email", budget=crm.Money("5000", "EUR"))``"""

    __slots__ = ()
    _CTYPE = "crm_campaign"
    _NEW = lib.crm_campaign_new
    _FREE = lib.crm_campaign_free
    _CLONE = lib.crm_campaign_clone
    _TEXT = lib.crm_campaign_text
    _SET_TEXT = lib.crm_campaign_set_text
    _INT = lib.crm_campaign_int
    _SET_INT = lib.crm_campaign_set_int

    id = _Int(201, "The campaign's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When the campaign was created (UTC).")
    updated_at = _Time(204, "When the campaign last changed (UTC).")
    channel = _Enum(205, Channel, "What its messages go out on (EMAIL by default).")
    starts_at = _Time(206, "When it starts.")
    ends_at = _Time(207, "When it ends (not before it starts).")
    budget = _Amount(208, 106, "The budget, as Money (None: none).")
    actual_cost = _Amount(209, 107, "What it cost, as Money in the budget's currency (None: not known).")
    parent = _Ref(210, "The campaign it is part of (None: none).")
    members = _Int(211, "How many members it had when read.", readonly=True)
    name = _Text(101, "The name (required).")
    description = _Text(102, "A description.")
    purpose = _Text(103, 'The consent purpose its messages need ("marketing" by default).')
    owner = _Text(104, "Who runs it.")
    default_status = _Text(105, "The status of new members (empty: the first).")
    statuses = _Statuses(0, 'The member statuses, as CampaignStatus (none: "sent" and "responded").')
    _FIELDS = ("id", "revision", "created_at", "updated_at", "name", "description", "channel", "purpose", "starts_at",
               "ends_at", "budget", "actual_cost", "parent", "owner", "statuses", "default_status", "members")

    def __repr__(self) -> str:
        return f"<Campaign id={self.id} {self.name!r} members={self.members}>"


def _members(handle: Any) -> tuple[list[CampaignMember], bytes]:
    c, cu, st, n = ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("const char**"), ffi.new("size_t*")
    r, added, first = ffi.new("int*"), ffi.new("int64_t*"), ffi.new("int64_t*")
    try:
        out = []
        for i in range(lib.crm_campaign_members_count(handle)):
            check(lib.crm_campaign_members_item(handle, i, c, cu, st, n, r, added, first))
            out.append(CampaignMember(int(c[0]), int(cu[0]), _text(st[0], n[0]), bool(r[0]), to_datetime(added[0]),
                                      to_datetime(first[0])))
        token = lib.crm_campaign_members_next(handle, n)
        return out, bytes(ffi.unpack(token, n[0]))
    finally:
        lib.crm_campaign_members_free(handle)


def _status(status: Optional[str]) -> bytes:
    return b"" if status is None else _encode(status, "status")


#: The attribution models, by name (crm_campaigns.h's CRM_ATTRIBUTION_*).
ATTRIBUTION_MODELS = {"first_touch": 1, "last_touch": 2, "linear": 3}


def _touches(fn: Any, id_: int) -> Any:
    def read(txn: Any) -> list[int]:
        out = ffi.new("crm_id_page**")
        check(fn(out, txn, id_))
        ids, count = ffi.new("const uint64_t**"), ffi.new("size_t*")
        try:
            check(lib.crm_id_page_ids(out[0], ids, count))
            return [int(ids[0][i]) for i in range(count[0])]
        finally:
            lib.crm_id_page_free(out[0])

    return read


class CampaignReads(Ops):
    """Reads of campaigns: methods of every transaction and of the database."""

    def campaign(self, id: int) -> Campaign:
        """The campaign with this id; NotFoundError when none."""
        return self._get(lib.crm_campaign_get, Campaign, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_campaign(self, id: int, default: T | None = None) -> Campaign | T | None:
        """The campaign with this id, or `default`."""
        return self._get_or(default, lib.crm_campaign_get, Campaign, check_id(id, "id"))  # type: ignore[no-any-return]

    def campaigns(self) -> list[Campaign]:
        """Every campaign in id order."""
        return self._with_read(_listed(Campaign, lib.crm_campaign_list_get, lib.crm_campaign_list_size,
                                       lib.crm_campaign_list_at, lib.crm_campaign_list_free, lib.crm_campaign_clone))  # fmt: skip

    def campaign_member(self, campaign: int, customer: int, default: Any = None) -> Optional[CampaignMember]:
        """The customer's membership of the campaign, or `default` when it is not a member."""
        c, cu = check_id(campaign, "campaign"), check_id(customer, "customer")

        def read(txn: Any) -> Optional[CampaignMember]:
            out = ffi.new("crm_campaign_members**")
            rc = lib.crm_campaign_member_get(out, txn, c, cu)
            if rc == ENOTFOUND:
                return default  # type: ignore[no-any-return]
            check(rc)
            return _members(out[0])[0][0]

        return self._with_read(read)

    def campaign_members_page(self, campaign: int, limit: int = 100,
                              page_token: bytes = b"") -> tuple[list[CampaignMember], bytes]:
        """One page of members by customer id, and the token of the next (b"" on the last)."""
        c = check_id(campaign, "campaign")
        token = bytes(page_token or b"")

        def read(txn: Any) -> tuple[list[CampaignMember], bytes]:
            out = ffi.new("crm_campaign_members**")
            check(lib.crm_campaign_members_list(out, txn, c, limit, token, len(token)))
            return _members(out[0])

        return self._with_read(read)

    def campaign_members(self, campaign: int, page_size: int = 1000) -> Iterator[CampaignMember]:
        """Every member, read a page at a time."""
        token = b""
        while True:
            members, token = self.campaign_members_page(campaign, page_size, token)
            yield from members
            if not token:
                return

    def campaigns_of(self, customer: int) -> list[CampaignMember]:
        """The customer's memberships, by campaign id."""
        cu = check_id(customer, "customer")

        def read(txn: Any) -> list[CampaignMember]:
            out = ffi.new("crm_campaign_members**")
            check(lib.crm_campaigns_of(out, txn, cu))
            return _members(out[0])[0]

        return self._with_read(read)

    def campaign_audience_page(self, campaign: int, limit: int = 100, page_token: bytes = b"",
                               at: Any = None) -> tuple[list[AudienceEntry], bytes]:
        """One page of the audience: each member sendable at `at` (None: now) or excluded."""
        c = check_id(campaign, "campaign")
        token = bytes(page_token or b"")
        when = 0 if at is None else to_micros(at, "at")

        def read(txn: Any) -> tuple[list[AudienceEntry], bytes]:
            out = ffi.new("crm_audience**")
            check(lib.crm_campaign_audience(out, txn, c, limit, token, len(token), when))
            cu, ok, verdict = ffi.new("uint64_t*"), ffi.new("int*"), ffi.new("int*")
            reason, n = ffi.new("const char**"), ffi.new("size_t*")
            try:
                entries = []
                for i in range(lib.crm_audience_count(out[0])):
                    check(lib.crm_audience_item(out[0], i, cu, ok, verdict, reason, n))
                    entries.append(AudienceEntry(int(cu[0]), bool(ok[0]), Verdict(verdict[0]), _text(reason[0], n[0])))
                next_token = lib.crm_audience_next(out[0], n)
                return entries, bytes(ffi.unpack(next_token, n[0]))
            finally:
                lib.crm_audience_free(out[0])

        return self._with_read(read)

    def campaign_events(self, campaign: int, customer: int) -> list[CampaignEvent]:
        """A member's events, oldest first."""
        c, cu = check_id(campaign, "campaign"), check_id(customer, "customer")

        def read(txn: Any) -> list[CampaignEvent]:
            out = ffi.new("crm_campaign_events**")
            check(lib.crm_campaign_events_list(out, txn, c, cu))
            id_, kind, at = ffi.new("uint64_t*"), ffi.new("int*"), ffi.new("int64_t*")
            detail, n = ffi.new("const char**"), ffi.new("size_t*")
            try:
                events = []
                for i in range(lib.crm_campaign_events_count(out[0])):
                    check(lib.crm_campaign_events_item(out[0], i, id_, kind, at, detail, n))
                    events.append(CampaignEvent(int(id_[0]), EventKind(kind[0]), to_datetime(at[0]), _text(detail[0], n[0])))
                return events
            finally:
                lib.crm_campaign_events_free(out[0])

        return self._with_read(read)

    def campaign_event_counts(self, campaign: int) -> dict[EventKind, int]:
        """How many events of each kind the campaign's members have."""
        c = check_id(campaign, "campaign")

        def read(txn: Any) -> dict[EventKind, int]:
            counts = ffi.new("uint64_t[9]")
            check(lib.crm_campaign_event_counts(counts, 9, txn, c))
            return {k: int(counts[int(k)]) for k in EventKind}

        return self._with_read(read)

    def customer_touches(self, customer: int) -> list[int]:
        """The campaigns the customer responded to, earliest response first (the first touch
        first, the last touch last)."""
        return self._with_read(_touches(lib.crm_customer_touches, check_id(customer, "customer")))

    def deal_touches(self, deal: int) -> list[int]:
        """The campaigns a deal's customer and contacts responded to up to the time it was won,
        earliest first."""
        return self._with_read(_touches(lib.crm_deal_touches, check_id(deal, "deal")))

    def campaign_attribution(self, model: str = "first_touch", won_from: Any = None, won_to: Any = None) -> Report:
        """The won value each campaign brought, under ``model`` (``"first_touch"``,
        ``"last_touch"`` or ``"linear"``), from deals won in [won_from, won_to): a Report with
        campaign, name, currency, members, responded, deals, won_value (Money), cost,
        cost_per_lead and return."""
        if model not in ATTRIBUTION_MODELS:
            raise InvalidError(EINVALID, f"model: {model!r} is not one of {', '.join(ATTRIBUTION_MODELS)}")
        lo = 0 if won_from is None else to_micros(won_from, "won_from")
        hi = 0 if won_to is None else to_micros(won_to, "won_to")

        def read(txn: Any) -> Report:
            out = ffi.new("crm_report**")
            check(lib.crm_campaign_attribution(out, txn, ATTRIBUTION_MODELS[model], lo, hi))
            return read_report(out[0])

        return self._with_read(read)

    def campaign_audience(self, campaign: int, at: Any = None, page_size: int = 1000) -> Iterator[AudienceEntry]:
        """The whole audience, a page at a time."""
        token = b""
        while True:
            entries, token = self.campaign_audience_page(campaign, page_size, token, at)
            yield from entries
            if not token:
                return


_CREATE = write_record(lib.crm_campaign_create)
_UPDATE = write_record(lib.crm_campaign_update)
_DELETE = write_plain(lib.crm_campaign_delete)


def _counted(call: Any) -> Any:
    def run(t: Any, *args: Any) -> int:
        def go(h: Any) -> int:
            out = ffi.new("uint64_t*")
            check(call(out, h, *args))
            return int(out[0])

        return t._with_read(go)  # type: ignore[no-any-return]

    return run


def _ids(ids: Iterable[int] | int) -> Any:
    if isinstance(ids, int):
        ids = [ids]
    values = [check_id(x, "customers") for x in ids]
    return (ffi.new("uint64_t[]", values) if values else ffi.NULL), len(values)


class CampaignWrites(Ops):
    """Writes of campaigns: methods of a write transaction and of the database."""

    def create_campaign(self, campaign: Campaign, actor: str | None = None) -> Campaign:
        """Creates a campaign; InvalidError naming the field."""
        return self._in_write(_CREATE, actor, check_record(campaign, Campaign, "campaign"))  # type: ignore[no-any-return]

    def update_campaign(self, campaign: Campaign, actor: str | None = None) -> Campaign:
        """Stores a changed campaign (revision checked); ConflictError when it removes a status
        members still have."""
        return self._in_write(_UPDATE, actor, check_record(campaign, Campaign, "campaign"))  # type: ignore[no-any-return]

    def delete_campaign(self, id: int, actor: str | None = None) -> None:
        """Deletes a campaign and its memberships; DependentsError while it has child campaigns."""
        self._in_write(_DELETE, actor, check_id(id, "id"))

    def add_to_campaign(self, campaign: int, customers: Iterable[int] | int, status: Optional[str] = None,
                        actor: str | None = None) -> int:
        """Adds customers (with `status`, else the default); returns how many were not members.
        NotFoundError naming the first customer that does not exist (nobody is added then)."""
        ids, n = _ids(customers)
        raw = _status(status)
        return self._in_write(_counted(lib.crm_campaign_add_members), actor, check_id(campaign, "campaign"),  # type: ignore[no-any-return]
                              ids, n, raw, len(raw))

    def add_segment_to_campaign(self, campaign: int, segment: int, status: Optional[str] = None,
                                actor: str | None = None) -> int:
        """Adds a segment's members as they are now; returns how many were not members."""
        raw = _status(status)
        return self._in_write(_counted(lib.crm_campaign_add_segment), actor, check_id(campaign, "campaign"),  # type: ignore[no-any-return]
                              check_id(segment, "segment"), raw, len(raw))

    def remove_from_campaign(self, campaign: int, customers: Iterable[int] | int, actor: str | None = None) -> int:
        """Removes customers; returns how many were members."""
        ids, n = _ids(customers)
        return self._in_write(_counted(lib.crm_campaign_remove_members), actor, check_id(campaign, "campaign"), ids, n)  # type: ignore[no-any-return]

    def record_campaign_event(self, campaign: int, customer: int, kind: EventKind | str, at: Any = None,
                              detail: str = "", actor: str | None = None) -> int:
        """Records an event of a member (``kind`` an EventKind or its name, ``at`` None: now);
        returns its id. An opt-out also withdraws the member's consent for the campaign."""
        if isinstance(kind, str):
            try:
                kind = EventKind[kind.upper()]
            except KeyError:
                raise InvalidError(EINVALID, f"kind: {kind!r} is not one of {', '.join(k.name.lower() for k in EventKind)}") from None
        raw = _encode(detail or "", "detail")
        when = 0 if at is None else to_micros(at, "at")
        return self._in_write(_counted(lib.crm_campaign_event_record), actor, check_id(campaign, "campaign"),  # type: ignore[no-any-return]
                              check_id(customer, "customer"), int(kind), when, raw, len(raw))

    def set_campaign_status(self, campaign: int, customer: int, status: str, actor: str | None = None) -> None:
        """Sets a member's status (one of the campaign's, case-insensitively)."""
        raw = _encode(status, "status")
        self._in_write(write_plain(lib.crm_campaign_set_member_status), actor, check_id(campaign, "campaign"),
                       check_id(customer, "customer"), raw, len(raw))
