"""Business calendars and SLA policies: what times a ticket's milestones.

A ``BusinessCalendar`` gives a team's working hours in a time zone, with holidays; an
``SlaPolicy`` sets first-response and resolution targets in business minutes for the tickets it
matches (crm.tickets).
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, NamedTuple, Optional

from ._fields import Record, _encode, _Field, _Int, _pairs, _Ref, _Text, _text, _Time
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, write_plain, write_record
from .errors import EINVALID, InvalidError, check
from .tickets import Priority, TicketChannel, TicketStatus
from .users import _listed
from .values import to_datetime, to_micros


class WorkingHours(NamedTuple):
    """Working hours on a day of the week (1 Monday ... 7 Sunday), [start_minute, end_minute)
    after local midnight."""

    weekday: int
    start_minute: int
    end_minute: int


class Holiday(NamedTuple):
    date: str  #: "YYYY-MM-DD"
    name: str = ""


def office_hours(start: int = 9 * 60, end: int = 17 * 60) -> list[WorkingHours]:
    """Monday to Friday, from `start` to `end` minutes after midnight (09:00-17:00)."""
    return [WorkingHours(day, start, end) for day in range(1, 6)]


class _Hours(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[WorkingHours]:
        if obj is None:
            return self  # type: ignore[return-value]
        d, s, e = ffi.new("int*"), ffi.new("int*"), ffi.new("int*")
        out = []
        with obj._lock:
            for i in range(lib.crm_calendar_hours_count(obj._h)):
                check(lib.crm_calendar_hours(obj._h, i, d, s, e))
                out.append(WorkingHours(d[0], s[0], e[0]))
        return out

    def __set__(self, obj: Any, value: Any) -> None:
        hours = [WorkingHours(*h) for h in _pairs(value, "hours")]
        with obj._lock:
            check(lib.crm_calendar_clear_hours(obj._h))
            for h in hours:
                check(lib.crm_calendar_add_hours(obj._h, h.weekday, h.start_minute, h.end_minute))


class _Holidays(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[Holiday]:
        if obj is None:
            return self  # type: ignore[return-value]
        date, dn, name, nn = ffi.new("const char**"), ffi.new("size_t*"), ffi.new("const char**"), ffi.new("size_t*")
        out = []
        with obj._lock:
            for i in range(lib.crm_calendar_holiday_count(obj._h)):
                check(lib.crm_calendar_holiday(obj._h, i, date, dn, name, nn))
                out.append(Holiday(_text(date[0], dn[0]), _text(name[0], nn[0])))
        return out

    def __set__(self, obj: Any, value: Any) -> None:
        days = []
        for h in _pairs(value, "holidays"):
            h = Holiday(h) if isinstance(h, str) else Holiday(*h)
            days.append((_encode(h.date, "holidays: date"), _encode(h.name, "holidays: name")))
        with obj._lock:
            check(lib.crm_calendar_clear_holidays(obj._h))
            for d, n in days:
                check(lib.crm_calendar_add_holiday(obj._h, d, len(d), n, len(n)))


class BusinessCalendar(Record):
    """When a team works. ``crm.BusinessCalendar(name="Paris", time_zone="Europe/Paris",
    hours=crm.office_hours(), holidays=[("2026-12-25", "Christmas Day")])``"""

    __slots__ = ()
    _CTYPE = "crm_calendar"
    _NEW = lib.crm_calendar_new
    _FREE = lib.crm_calendar_free
    _CLONE = lib.crm_calendar_clone
    _TEXT = lib.crm_calendar_text
    _SET_TEXT = lib.crm_calendar_set_text
    _INT = lib.crm_calendar_int
    _SET_INT = lib.crm_calendar_set_int

    id = _Int(201, "The calendar's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When it was created (UTC).", readonly=True)
    updated_at = _Time(204, "When it last changed (UTC).", readonly=True)
    team = _Ref(205, "The team whose tickets it times (None: the default calendar).")
    name = _Text(101, "The name (required, unique).")
    time_zone = _Text(102, 'An IANA time zone ("UTC" by default).')
    hours = _Hours(0, "The working hours, as WorkingHours.")
    holidays = _Holidays(0, 'The days nobody works, as Holiday("YYYY-MM-DD", name).')
    _FIELDS = ("id", "revision", "created_at", "updated_at", "name", "time_zone", "hours", "holidays", "team")

    def __repr__(self) -> str:
        return f"<BusinessCalendar id={self.id} {self.name!r} {self.time_zone}>"


class _Mask(_Field):
    """A set of enum values kept as a bit mask."""

    def __init__(self, field: int, enum: Any, doc: str) -> None:
        super().__init__(field, doc)
        self.enum = enum

    def __get__(self, obj: Any, owner: Any = None) -> list:
        if obj is None:
            return self  # type: ignore[return-value]
        with obj._lock:
            mask = lib.crm_sla_policy_int(obj._h, self.field)
        return [m for m in self.enum if mask >> int(m) & 1]

    def __set__(self, obj: Any, value: Any) -> None:
        mask = 0
        for v in _pairs(value, self.name):
            if isinstance(v, str):
                try:
                    v = self.enum[v.upper()]
                except KeyError:
                    names = ", ".join(m.name.lower() for m in self.enum)
                    raise InvalidError(EINVALID, f"{self.name}: {v!r} is not one of {names}") from None
            if not isinstance(v, int) or isinstance(v, bool) or not 0 < v < 63:
                raise InvalidError(EINVALID, f"{self.name}: {v!r} is not a {self.enum.__name__}")
            mask |= 1 << int(v)
        with obj._lock:
            check(lib.crm_sla_policy_set_int(obj._h, self.field, mask))


class _Teams(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[int]:
        if obj is None:
            return self  # type: ignore[return-value]
        with obj._lock:
            return [int(lib.crm_sla_policy_team(obj._h, i)) for i in range(lib.crm_sla_policy_team_count(obj._h))]

    def __set__(self, obj: Any, value: Any) -> None:
        teams = [check_id(t, "teams") for t in _pairs(value, "teams")]
        with obj._lock:
            check(lib.crm_sla_policy_clear_teams(obj._h))
            for t in teams:
                check(lib.crm_sla_policy_add_team(obj._h, t))


class SlaPolicy(Record):
    """Targets for the tickets it matches. ``crm.SlaPolicy(name="Urgent", priorities=["urgent"],
    first_response_minutes=30, resolution_minutes=240)``"""

    __slots__ = ()
    _CTYPE = "crm_sla_policy"
    _NEW = lib.crm_sla_policy_new
    _FREE = lib.crm_sla_policy_free
    _CLONE = lib.crm_sla_policy_clone
    _TEXT = lib.crm_sla_policy_text
    _SET_TEXT = lib.crm_sla_policy_set_text
    _INT = lib.crm_sla_policy_int
    _SET_INT = lib.crm_sla_policy_set_int

    id = _Int(201, "The policy's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When it was created (UTC).", readonly=True)
    updated_at = _Time(204, "When it last changed (UTC).", readonly=True)
    active = _Int(205, "1: it applies (default); 0: it applies to no ticket.")
    first_response_minutes = _Int(206, "The first-response target in business minutes (0: none).")
    resolution_minutes = _Int(207, "The resolution target in business minutes (0: none).")
    priorities = _Mask(208, Priority, "The priorities it applies to (empty: any).")
    channels = _Mask(209, TicketChannel, "The channels it applies to (empty: any).")
    pause_statuses = _Mask(210, TicketStatus, "The statuses its clocks pause in (PENDING and ON_HOLD by default).")
    teams = _Teams(0, "The teams it applies to (empty: any).")
    name = _Text(101, "The name (required).")
    customer_tag = _Text(102, "It applies to customers with this tag (empty: any).")
    _FIELDS = ("id", "revision", "created_at", "updated_at", "name", "active", "priorities", "teams", "channels",
               "customer_tag", "first_response_minutes", "resolution_minutes", "pause_statuses")

    def __repr__(self) -> str:
        return f"<SlaPolicy id={self.id} {self.name!r}>"


class SlaReads(Ops):
    """Reads of calendars and SLA policies: methods of every transaction and of the database."""

    def calendar(self, id: int) -> BusinessCalendar:
        """The calendar with this id; NotFoundError when none."""
        return self._get(lib.crm_calendar_get, BusinessCalendar, check_id(id, "id"))  # type: ignore[no-any-return]

    def calendars(self) -> list[BusinessCalendar]:
        """Every calendar in id order."""
        return self._with_read(_listed(BusinessCalendar, lib.crm_calendar_list_get, lib.crm_calendar_list_size,
                                       lib.crm_calendar_list_at, lib.crm_calendar_list_free, lib.crm_calendar_clone))  # fmt: skip

    def sla_policy(self, id: int) -> SlaPolicy:
        """The SLA policy with this id; NotFoundError when none."""
        return self._get(lib.crm_sla_policy_get, SlaPolicy, check_id(id, "id"))  # type: ignore[no-any-return]

    def sla_policies(self) -> list[SlaPolicy]:
        """Every SLA policy in id order."""
        return self._with_read(_listed(SlaPolicy, lib.crm_sla_policy_list_get, lib.crm_sla_policy_list_size,
                                       lib.crm_sla_policy_list_at, lib.crm_sla_policy_list_free, lib.crm_sla_policy_clone))  # fmt: skip

    def business_seconds(self, calendar: int, start: Any, end: Any) -> int:
        """Business seconds in [start, end) on a calendar."""
        c, lo, hi = check_id(calendar, "calendar"), to_micros(start, "start"), to_micros(end, "end")

        def read(txn: Any) -> int:
            out = ffi.new("int64_t*")
            check(lib.crm_business_seconds(out, txn, c, lo, hi))
            return int(out[0])

        return self._with_read(read)

    def add_business_seconds(self, calendar: int, start: Any, seconds: int) -> Optional[_dt.datetime]:
        """The time `seconds` of business time after `start` on a calendar."""
        c, lo = check_id(calendar, "calendar"), to_micros(start, "start")

        def read(txn: Any) -> Optional[_dt.datetime]:
            out = ffi.new("int64_t*")
            check(lib.crm_business_add(out, txn, c, lo, int(seconds)))
            return to_datetime(out[0])

        return self._with_read(read)


_CAL_CREATE = write_record(lib.crm_calendar_create)
_CAL_UPDATE = write_record(lib.crm_calendar_update)
_CAL_DELETE = write_plain(lib.crm_calendar_delete)
_SLA_CREATE = write_record(lib.crm_sla_policy_create)
_SLA_UPDATE = write_record(lib.crm_sla_policy_update)
_SLA_DELETE = write_plain(lib.crm_sla_policy_delete)


class SlaWrites(Ops):
    """Writes of calendars and SLA policies: methods of a write transaction and of the database."""

    def create_calendar(self, calendar: BusinessCalendar, actor: str | None = None) -> BusinessCalendar:
        return self._in_write(_CAL_CREATE, actor, check_record(calendar, BusinessCalendar, "calendar"))  # type: ignore[no-any-return]

    def update_calendar(self, calendar: BusinessCalendar, actor: str | None = None) -> BusinessCalendar:
        return self._in_write(_CAL_UPDATE, actor, check_record(calendar, BusinessCalendar, "calendar"))  # type: ignore[no-any-return]

    def delete_calendar(self, id: int, actor: str | None = None) -> None:
        self._in_write(_CAL_DELETE, actor, check_id(id, "id"))

    def create_sla_policy(self, policy: SlaPolicy, actor: str | None = None) -> SlaPolicy:
        return self._in_write(_SLA_CREATE, actor, check_record(policy, SlaPolicy, "policy"))  # type: ignore[no-any-return]

    def update_sla_policy(self, policy: SlaPolicy, actor: str | None = None) -> SlaPolicy:
        return self._in_write(_SLA_UPDATE, actor, check_record(policy, SlaPolicy, "policy"))  # type: ignore[no-any-return]

    def delete_sla_policy(self, id: int, actor: str | None = None) -> None:
        self._in_write(_SLA_DELETE, actor, check_id(id, "id"))
