"""Sales reports: the pipeline summary, win rate, sales cycle, funnel and lost reasons, each a
table of named columns (what each figure means is told in crm/sales.hpp).

``db.win_rate(group_by="owner", period="2017-Q2")`` returns a :class:`Report`: its ``rows`` are
dicts by column name (money in minor units of the row's ``currency``; None where a cell has no
value, as the group of a report not grouped), and ``str(report)`` is the aligned text the ``crm``
tool prints. Every report takes a filter (keyword arguments, an ``F`` expression or its text), a
field to group by, and a period (``"2017"``, ``"2017-Q3"``, ``"2017-03"``, ``"2017-W09"``,
``"2017-03-05"``, or two joined by ``".."``) in ``time_zone``, or ``start`` / ``end`` times.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

import datetime as _dt

from ._native import ffi, lib
from ._ops import Ops, check_id, text_arg, write_plain
from .errors import EINVALID, ENOTFOUND, InvalidError, check
from .query import WhereLike, where_text
from .values import Money, TimeLike, to_datetime, to_micros

#: crm_sales.h's CRM_COLUMN_*: the type of a report's column
COLUMN_TYPES = {0: "text", 1: "int", 2: "real", 3: "money"}
#: crm_sales.h's CRM_BUCKET_*: the forecast's periods
BUCKETS = {"month": 3, "quarter": 4}
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class Report(NamedTuple):
    """A report as a table: ``columns`` and ``types`` (text, int, real, money) in order, ``rows``
    as dicts by column name, and ``text``, the aligned form (also ``str(report)``). ``html()``
    draws it as a page with its chart; ``handle`` is the engine's copy that draws it (None for a
    Report made otherwise)."""

    title: str
    columns: tuple
    types: tuple
    rows: list
    text: str
    handle: Any = None

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Report) and self[:5] == other[:5]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self.title, self.columns, self.types, self.text))

    def __repr__(self) -> str:
        return f"Report(title={self.title!r}, columns={self.columns!r}, rows={len(self.rows)})"

    def html(self) -> str:
        """This report as a self-contained HTML page: its chart (inline SVG), then its table; no
        script, nothing fetched, every text from the store escaped."""
        return _page(lambda out, n: lib.crm_report_html(out, n, _handle(self, 0)))


def _handle(report: Report, i: int) -> Any:
    if not isinstance(report, Report):
        raise TypeError(f"reports[{i}]: a Report is needed, not {type(report).__name__}")
    if report.handle is None:
        raise ValueError(f"reports[{i}]: was not made by the engine (a Report from a report call is needed)")
    return report.handle


def reports_html(title: str, *reports: Report) -> str:
    """Several reports on one self-contained HTML page titled ``title``, each with its chart and
    table, in order (``crm report dashboard --html`` writes such a page)."""
    handles = [_handle(r, i) for i, r in enumerate(reports)]
    raw = title.encode()
    return _page(lambda out, n: lib.crm_reports_html(out, n, raw, len(raw), ffi.new("crm_report*[]", handles), len(handles)))


def _page(call: Any) -> str:
    out, n = ffi.new("char**"), ffi.new("size_t*")
    check(call(out, n))
    try:
        return ffi.unpack(out[0], n[0]).decode()
    finally:
        lib.crm_free(out[0])


class ExchangeRate(NamedTuple):
    """From ``effective`` on, one unit of ``from_currency`` is worth ``rate`` units of
    ``to_currency``."""

    from_currency: str
    to_currency: str
    effective: _dt.datetime | None
    rate: Decimal
    updated_at: _dt.datetime | None


def _rates(raw_from: Any, n: int, raw_to: Any, m: int) -> Any:
    def run(txn: Any) -> list[ExchangeRate]:
        out = ffi.new("crm_rate_list**")
        check(lib.crm_rate_list_get(out, txn, raw_from, n, raw_to, m))
        try:
            f, t, fl, tl = ffi.new("char**"), ffi.new("char**"), ffi.new("size_t*"), ffi.new("size_t*")
            eff, at, rate = ffi.new("int64_t*"), ffi.new("int64_t*"), ffi.new("char**")
            found = []
            for i in range(lib.crm_rate_list_size(out[0])):
                check(lib.crm_rate_list_at(out[0], i, f, fl, t, tl, eff, ffi.NULL, rate, at))
                try:
                    text = ffi.string(rate[0]).decode()
                finally:
                    lib.crm_free(rate[0])
                found.append(ExchangeRate(ffi.unpack(f[0], fl[0]).decode(), ffi.unpack(t[0], tl[0]).decode(),
                                          to_datetime(eff[0]), Decimal(text), to_datetime(at[0])))
            return found
        finally:
            lib.crm_rate_list_free(out[0])

    return run


def _convert(minor: int, raw_from: Any, n: int, raw_to: Any, m: int, at: int) -> Any:
    def run(txn: Any) -> int:
        out = ffi.new("int64_t*")
        check(lib.crm_money_convert(out, txn, minor, raw_from, n, raw_to, m, at))
        return int(out[0])

    return run


def _rate_text(rate: Any) -> str:
    if isinstance(rate, bool) or not isinstance(rate, (str, int, Decimal)):
        raise InvalidError(EINVALID, f"rate: expected a Decimal, int or str, got {type(rate).__name__}")
    if isinstance(rate, Decimal):
        if not rate.is_finite():
            raise InvalidError(EINVALID, f"rate: {rate} is not a rate")
        return format(rate, "f")
    return str(rate)


_SET_RATE = write_plain(lib.crm_rate_set)
_DELETE_RATE = write_plain(lib.crm_rate_delete)


class Quota(NamedTuple):
    """A sales target of a user or a team (the other is None) for a month ("2024-03") or a
    quarter ("2024-Q1")."""

    user: int | None
    team: int | None
    period: str
    target: Money
    updated_at: _dt.datetime | None


def _holder(user: int | None, team: int | None) -> tuple[int, int]:
    return (0 if user is None else check_id(user, "user")), (0 if team is None else check_id(team, "team"))


def _quotas(user: int, team: int) -> Any:
    def run(txn: Any) -> list[Quota]:
        out = ffi.new("crm_quota_list**")
        check(lib.crm_quota_list_get(out, txn, user, team))
        try:
            u, t, target, at = ffi.new("uint64_t*"), ffi.new("uint64_t*"), ffi.new("int64_t*"), ffi.new("int64_t*")
            period, currency, n, m = ffi.new("char**"), ffi.new("char**"), ffi.new("size_t*"), ffi.new("size_t*")
            found = []
            for i in range(lib.crm_quota_list_size(out[0])):
                check(lib.crm_quota_list_at(out[0], i, u, t, period, n, target, currency, m, at))
                code = ffi.unpack(currency[0], m[0]).decode()
                found.append(Quota(u[0] or None, t[0] or None, ffi.unpack(period[0], n[0]).decode(),
                                   Money.from_minor(target[0], code), to_datetime(at[0])))
            return found
        finally:
            lib.crm_quota_list_free(out[0])

    return run


_SET_QUOTA = write_plain(lib.crm_quota_set)
_DELETE_QUOTA = write_plain(lib.crm_quota_delete)


def _text_out(ptr: Any, n: Any) -> str | None:
    return None if ptr == ffi.NULL else ffi.unpack(ptr, n[0]).decode()


def read_report(r: Any) -> Report:
    """The table of a crm_report (freed with the Report that keeps it): sales reports and customer
    reports alike."""
    r = ffi.gc(r, lib.crm_report_free)
    n = ffi.new("size_t*")
    title = _text_out(lib.crm_report_title(r, n), n) or ""
    ncols = lib.crm_report_column_count(r)
    columns = tuple(_text_out(lib.crm_report_column_name(r, c, n), n) for c in range(ncols))
    types = tuple(COLUMN_TYPES[lib.crm_report_column_type(r, c)] for c in range(ncols))
    i64, real = ffi.new("int64_t*"), ffi.new("double*")
    rows = []
    for i in range(lib.crm_report_rows(r)):
        row: dict[str, Any] = {}
        for c, (name, kind) in enumerate(zip(columns, types)):
            if kind == "text":
                row[name] = _text_out(lib.crm_report_text(r, i, c, n), n)
                continue
            cell = real if kind == "real" else i64
            rc = (lib.crm_report_real if kind == "real" else lib.crm_report_int)(cell, r, i, c)
            if rc == ENOTFOUND:
                row[name] = None
            else:
                check(rc)
                row[name] = cell[0]
        rows.append(row)
    text_p = ffi.new("char**")
    check(lib.crm_report_format(text_p, n, r))
    try:
        text = ffi.unpack(text_p[0], n[0]).decode()
    finally:
        lib.crm_free(text_p[0])
    return Report(title, columns, types, rows, text, r)


def _run(report: int, q: Any) -> Any:
    def run(txn: Any) -> Report:
        out = ffi.new("crm_report**")
        check(lib.crm_report_run(out, txn, report, q))
        return read_report(out[0])

    return run


class SalesReads(Ops):
    """Sales reports: methods of every transaction and of the database."""

    def report(self, name: str, /, where: WhereLike = None, *, group_by: str | None = None,
               period: str | None = None, start: TimeLike = None, end: TimeLike = None,
               time_zone: str = "UTC", pipeline: int | None = None, bucket: str = "month",
               currency: str | None = None, **fields: Any) -> Report:
        """The report ``name``: ``"pipeline"``, ``"winrate"``, ``"cycle"``, ``"funnel"``,
        ``"lost"``, ``"forecast"``, ``"leaderboard"``, ``"slipped"`` or ``"products"``. ``period`` or [``start``, ``end``) bound it in time;
        ``pipeline`` is the funnel's (the default one when None); ``bucket`` the forecast's
        periods, ``"month"`` or ``"quarter"``; ``currency`` a reporting currency every amount is
        converted into at the rate in effect on the deal's close date (ConflictError naming a
        missing rate)."""
        keep: list = []
        raw, n = text_arg(keep, name, "name")
        report = ffi.new("int*")
        check(lib.crm_report_named(report, raw, n))
        q = ffi.new("crm_sales_query*")
        check(lib.crm_sales_query_init(q, 2))
        text = where_text(where, fields)
        if text:
            q.filter, q.filter_len = text_arg(keep, text, "where")
        if group_by:
            q.group_by, q.group_by_len = text_arg(keep, group_by, "group_by")
        if period:
            q.period, q.period_len = text_arg(keep, period, "period")
        q.time_zone, q.time_zone_len = text_arg(keep, time_zone, "time_zone")
        setattr(q, "from", _INT64_MIN if start is None else to_micros(start, "start"))  # a Python keyword
        q.to = _INT64_MAX if end is None else to_micros(end, "end")
        q.pipeline = 0 if pipeline is None else check_id(pipeline, "pipeline")
        if bucket not in BUCKETS:
            raise InvalidError(EINVALID, f"bucket: {bucket!r} is not month or quarter")
        q.bucket = BUCKETS[bucket]
        if currency:
            q.currency, q.currency_len = text_arg(keep, currency, "currency")
        result = self._with_read(_run(report[0], q))
        del keep
        return result

    def pipeline_summary(self, where: WhereLike = None, **kw: Any) -> Report:
        """Per pipeline and stage (and group): count, amount and probability-weighted amount,
        per currency. A period selects deals by close date (expected close for open ones)."""
        return self.report("pipeline", where, **kw)

    def win_rate(self, where: WhereLike = None, **kw: Any) -> Report:
        """Deals closed in the period: won and lost, by count and by value per currency."""
        return self.report("winrate", where, **kw)

    def sales_cycle(self, where: WhereLike = None, **kw: Any) -> Report:
        """Days from creation to close of the deals won in the period: mean, median, min, max."""
        return self.report("cycle", where, **kw)

    def funnel(self, where: WhereLike = None, **kw: Any) -> Report:
        """Per stage of a pipeline, of the deals created in the period: reached, advanced,
        conversion, and the mean days of the stays that ended."""
        return self.report("funnel", where, **kw)

    def lost_reasons(self, where: WhereLike = None, **kw: Any) -> Report:
        """Reasons of the deals lost in the period, most frequent first, with their share."""
        return self.report("lost", where, **kw)

    def forecast(self, where: WhereLike = None, **kw: Any) -> Report:
        """Deals by close month (or ``bucket="quarter"``) per forecast category and currency;
        grouped by ``"owner"`` or ``"team"``, with each one's quota and attainment."""
        return self.report("forecast", where, **kw)

    def leaderboard(self, where: WhereLike = None, **kw: Any) -> Report:
        """Per owner or team (``group_by``) and currency: deals won and lost in the period and
        open now, ranked by won amount."""
        return self.report("leaderboard", where, **kw)

    def slipped_deals(self, where: WhereLike = None, **kw: Any) -> Report:
        """Deals whose expected close was moved later in the period (from the change feed): a
        row per deal with its slips, the expected close before and after, and the days."""
        return self.report("slipped", where, **kw)

    def product_sales(self, where: WhereLike = None, **kw: Any) -> Report:
        """Per product (and group) and currency, from the deals' lines: deals won, lost and open,
        the quantity won and the lines' value. A period selects deals by close date (expected
        close for open ones)."""
        return self.report("products", where, **kw)

    def quotas(self, *, user: int | None = None, team: int | None = None) -> list[Quota]:
        """The quotas of a user, of a team, or every one."""
        return self._with_read(_quotas(*_holder(user, team)))

    def exchange_rates(self, from_currency: str = "", to_currency: str = "") -> list[ExchangeRate]:
        """Every exchange rate, or those from and / or to a currency."""
        keep: list = []
        f, n = text_arg(keep, from_currency, "from_currency")
        t, m = text_arg(keep, to_currency, "to_currency")
        return self._with_read(_rates(f, n, t, m))

    def convert_money(self, amount: Money, to_currency: str, at: TimeLike) -> Money:
        """``amount`` in ``to_currency`` at the rate in effect at ``at``, rounded half away from
        zero to its minor unit, as the reports convert (ConflictError when none is in effect)."""
        if not isinstance(amount, Money):
            raise InvalidError(EINVALID, f"amount: expected Money, got {type(amount).__name__}")
        keep: list = []
        f, n = text_arg(keep, amount.currency, "currency")
        t, m = text_arg(keep, to_currency, "to_currency")
        minor = self._with_read(_convert(amount.minor_units, f, n, t, m, to_micros(at, "at")))
        return Money.from_minor(minor, to_currency.upper())


class SalesWrites(Ops):
    """Quotas: methods of a write transaction and of the database."""

    def set_quota(self, period: str, target: Money, *, user: int | None = None, team: int | None = None,
                  actor: str | None = None) -> None:
        """Sets the quota of a user or a team for a month ("2024-03") or a quarter ("2024-Q1"),
        replacing the one it had."""
        if not isinstance(target, Money):
            raise InvalidError(EINVALID, f"target: expected Money, got {type(target).__name__}")
        keep: list = []
        raw, n = text_arg(keep, period, "period")
        code, m = text_arg(keep, target.currency, "currency")
        self._in_write(_SET_QUOTA, actor, *_holder(user, team), raw, n, target.minor_units, code, m)

    def delete_quota(self, period: str, *, user: int | None = None, team: int | None = None,
                     actor: str | None = None) -> None:
        """Removes a quota (NotFoundError when there is none)."""
        keep: list = []
        raw, n = text_arg(keep, period, "period")
        self._in_write(_DELETE_QUOTA, actor, *_holder(user, team), raw, n)

    def set_exchange_rate(self, from_currency: str, to_currency: str, rate: Decimal | int | str,
                          effective: TimeLike, *, actor: str | None = None) -> None:
        """From ``effective`` on, one unit of ``from_currency`` is worth ``rate`` units of
        ``to_currency`` (at most 9 decimal places); replaces the rate set for that time."""
        keep: list = []
        f, n = text_arg(keep, from_currency, "from_currency")
        t, m = text_arg(keep, to_currency, "to_currency")
        r, k = text_arg(keep, _rate_text(rate), "rate")
        self._in_write(_SET_RATE, actor, f, n, t, m, to_micros(effective, "effective"), r, k)

    def delete_exchange_rate(self, from_currency: str, to_currency: str, effective: TimeLike, *,
                             actor: str | None = None) -> None:
        """Removes the rate of a pair set for that time (NotFoundError when there is none)."""
        keep: list = []
        f, n = text_arg(keep, from_currency, "from_currency")
        t, m = text_arg(keep, to_currency, "to_currency")
        self._in_write(_DELETE_RATE, actor, f, n, t, m, to_micros(effective, "effective"))
