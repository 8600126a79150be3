"""Customer analytics: purchase facts kept per customer, churn rates, cohort retention, RFM
segments, lifetime value and the customers slipping away (what each figure means is told in
include/crm/analytics.hpp).

Purchases are a customer's interactions of kind purchase and its won deals. ``db.purchase_facts(id)``
reads what the store keeps of them; the reports return a :class:`~crm.sales.Report` table, as the
sales reports do::

    db.churn(start="2024-01-01", end="2024-04-01", group_by="custom.contract")
    db.churn(group_by="band(custom.tenure, 12)", start=..., end=...)
    db.cohorts(start="2023-01-01", end="2025-01-01", months=12)
    db.rfm(currency="EUR")
    db.top_customers(currency="EUR", limit=10)
    db.at_risk(since="2024-06-01", currency="EUR")
"""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import datetime as _dt

from ._native import ffi, lib
from ._ops import Ops, check_id, text_arg, write_plain
from .errors import EINVALID, InvalidError, check
from .query import WhereLike, where_text
from .sales import Report, read_report
from .values import Money, TimeLike, to_datetime, to_micros

#: crm_analytics.h's CRM_CHURN_*: how churn is counted
CHURN_DEFINITIONS = {"lifecycle": 1, "no_purchase": 2}
#: crm_analytics.h's CRM_RFM_*, by number: the segments
RFM_SEGMENTS = {i: ffi.string(lib.crm_rfm_segment_name(i)).decode() for i in range(1, 12)}


class PurchaseFacts(NamedTuple):
    """What the store keeps of a customer's purchases: their count, the first and last, the
    totals (one Money per currency) and when the customer churned (None while it has not)."""

    purchases: int
    first_purchase_at: _dt.datetime | None
    last_purchase_at: _dt.datetime | None
    totals: tuple
    churned_at: _dt.datetime | None

    def total(self, currency: str) -> Money:
        """The total in ``currency`` (zero of it when none)."""
        for m in self.totals:
            if m.currency == currency.upper():
                return m
        return Money.from_minor(0, currency.upper())


class RfmScore(NamedTuple):
    """A customer's RFM scores (1 to 5) and segment, with the figures they rank."""

    r: int
    f: int
    m: int
    segment: str
    recency_days: int
    frequency: int
    monetary: Money


class LifetimeValue(NamedTuple):
    """A customer's value: historic, and predicted as average order x purchases per year x
    expected years (1 / the store's yearly churn rate, at most 10). ``estimated`` is False when
    no estimate could be made (fewer than 2 purchases, or no customers a year back): predicted is
    then the historic value."""

    estimated: bool
    historic: Money
    average_order: Money
    purchases_per_year: float
    yearly_churn_rate: float
    expected_years: float
    predicted: Money


class ChurnRiskFactor(NamedTuple):
    """One field's part in a churn risk: the customer's value, the customers counted with it and
    the weight (above 0 it raises the risk)."""

    field: str
    value: str
    churned: int
    stayed: int
    weight: float


class ChurnRisk(NamedTuple):
    """A customer's churn risk (0.01 to 0.99) from the naive-Bayes model, what it rests on and its
    factors, strongest first; ``model`` is False (risk 0) with too few customers counted."""

    customer: int
    model: bool
    risk: float
    explanation: str
    churned: int
    stayed: int
    prior: float
    factors: tuple


class ChurnRiskOptions(NamedTuple):
    """The fields the churn-risk model reads and the customers it needs."""

    fields: tuple
    minimum_customers: int


def _risk(customer: int) -> Any:
    def run(txn: Any) -> ChurnRisk:
        out = ffi.new("crm_churn_risk**")
        check(lib.crm_churn_risk_get(out, txn, customer))
        r = out[0]
        try:
            model, risk, prior, weight = ffi.new("int*"), ffi.new("double*"), ffi.new("double*"), ffi.new("double*")
            churned, stayed, fc, fs = (ffi.new("uint64_t*") for _ in range(4))
            check(lib.crm_churn_risk_read(r, model, risk, churned, stayed, prior))
            n, m = ffi.new("size_t*"), ffi.new("size_t*")
            explanation = ffi.unpack(lib.crm_churn_risk_explanation(r, n), n[0]).decode()
            field, value = ffi.new("char**"), ffi.new("char**")
            factors = []
            for i in range(lib.crm_churn_risk_factor_count(r)):
                check(lib.crm_churn_risk_factor(r, i, field, n, value, m, fc, fs, weight))
                factors.append(ChurnRiskFactor(ffi.unpack(field[0], n[0]).decode(), ffi.unpack(value[0], m[0]).decode(),
                                               int(fc[0]), int(fs[0]), weight[0]))
            return ChurnRisk(customer, bool(model[0]), risk[0], explanation, int(churned[0]), int(stayed[0]), prior[0],
                             tuple(factors))
        finally:
            lib.crm_churn_risk_free(r)

    return run


def _risk_options(txn: Any) -> ChurnRiskOptions:
    out, n, minimum = ffi.new("char**"), ffi.new("size_t*"), ffi.new("uint32_t*")
    check(lib.crm_churn_risk_get_options(txn, out, n, minimum))
    try:
        text = ffi.unpack(out[0], n[0]).decode()
    finally:
        lib.crm_free(out[0])
    fields, depth, current = [], 0, ""
    for ch in text + ",":
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth <= 0:
            if current.strip():
                fields.append(current.strip())
            current = ""
        else:
            current += ch
    return ChurnRiskOptions(tuple(fields), minimum[0])


_SET_RISK = write_plain(lib.crm_churn_risk_set_options)


def _facts(customer: int) -> Any:
    def run(txn: Any) -> PurchaseFacts:
        out = ffi.new("crm_purchase_facts**")
        check(lib.crm_purchase_facts_get(out, txn, customer))
        f = out[0]
        try:
            n, first, last, churned = ffi.new("uint64_t*"), ffi.new("int64_t*"), ffi.new("int64_t*"), ffi.new("int64_t*")
            check(lib.crm_purchase_facts_read(f, n, first, last, churned))
            minor, code, size = ffi.new("int64_t*"), ffi.new("char**"), ffi.new("size_t*")
            totals = []
            for i in range(lib.crm_purchase_facts_total_count(f)):
                check(lib.crm_purchase_facts_total(f, i, minor, code, size))
                totals.append(Money.from_minor(minor[0], ffi.unpack(code[0], size[0]).decode()))
            return PurchaseFacts(int(n[0]), to_datetime(first[0]), to_datetime(last[0]), tuple(totals),
                                 to_datetime(churned[0]))
        finally:
            lib.crm_purchase_facts_free(f)

    return run


def _report(report: int, q: Any) -> Any:
    def run(txn: Any) -> Report:
        out = ffi.new("crm_report**")
        check(lib.crm_customer_report_run(out, txn, report, q))
        return read_report(out[0])

    return run


def _rfm(customer: int, raw: Any, n: int, at: int) -> Any:
    def run(txn: Any) -> RfmScore:
        r, f, m, seg = ffi.new("int*"), ffi.new("int*"), ffi.new("int*"), ffi.new("int*")
        days, freq, monetary = ffi.new("int64_t*"), ffi.new("uint64_t*"), ffi.new("int64_t*")
        check(lib.crm_rfm_of(txn, customer, raw, n, at, r, f, m, seg, days, freq, monetary))
        code = ffi.unpack(raw, n).decode().upper()
        return RfmScore(r[0], f[0], m[0], RFM_SEGMENTS[seg[0]], int(days[0]), int(freq[0]),
                        Money.from_minor(monetary[0], code))

    return run


def _lifetime(customer: int, raw: Any, n: int, at: int, inactive_days: int) -> Any:
    def run(txn: Any) -> LifetimeValue:
        estimated, historic, avg, predicted = ffi.new("int*"), ffi.new("int64_t*"), ffi.new("int64_t*"), ffi.new("int64_t*")
        per_year, rate, years = ffi.new("double*"), ffi.new("double*"), ffi.new("double*")
        check(lib.crm_lifetime_value(txn, customer, raw, n, at, inactive_days, estimated, historic, avg, per_year, rate,
                                     years, predicted))
        code = ffi.unpack(raw, n).decode().upper()
        return LifetimeValue(bool(estimated[0]), Money.from_minor(historic[0], code), Money.from_minor(avg[0], code), per_year[0], rate[0],
                             years[0], Money.from_minor(predicted[0], code))

    return run


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidError(EINVALID, f"{what}: expected an int, got {type(value).__name__}")
    return value


class AnalyticsReads(Ops):
    """Customer analytics: methods of every transaction and of the database."""

    def purchase_facts(self, customer: int) -> PurchaseFacts:
        """The purchase facts of a customer (NotFoundError when it does not exist)."""
        return self._with_read(_facts(check_id(customer, "customer")))

    def customer_report(self, name: str, /, where: WhereLike = None, *, group_by: str | None = None,
                        start: TimeLike = None, end: TimeLike = None, time_zone: str = "UTC",
                        definition: str = "lifecycle", inactive_days: int = 90, months: int = 12,
                        currency: str | None = None, by_purchase: bool = False, limit: int = 50,
                        include_archived: bool = False, min_risk: float = 0, **fields: Any) -> Report:
        """The customer report ``name``: ``"churn"``, ``"cohorts"``, ``"rfm"``, ``"top"`` or
        ``"at_risk"`` (see the methods of those names for what each reads)."""
        keep: list = []
        raw, n = text_arg(keep, name, "name")
        report = ffi.new("int*")
        check(lib.crm_customer_report_named(report, raw, n))
        q = ffi.new("crm_customer_report_query*")
        check(lib.crm_customer_report_query_init(q, 1))
        text = where_text(where, fields)
        if text:
            q.filter, q.filter_len = text_arg(keep, text, "where")
        if group_by:
            q.group_by, q.group_by_len = text_arg(keep, group_by, "group_by")
        q.time_zone, q.time_zone_len = text_arg(keep, time_zone, "time_zone")
        setattr(q, "from", 0 if start is None else to_micros(start, "start"))  # a Python keyword
        q.to = 0 if end is None else to_micros(end, "end")
        if definition not in CHURN_DEFINITIONS:
            raise InvalidError(EINVALID, f"definition: {definition!r} is not lifecycle or no_purchase")
        q.definition = CHURN_DEFINITIONS[definition]
        q.inactive_days = _int(inactive_days, "inactive_days")
        if _int(months, "months") < 0:
            raise InvalidError(EINVALID, "months: must be 1 to 120")
        q.months = months
        if currency:
            q.currency, q.currency_len = text_arg(keep, currency, "currency")
        q.by_purchase = 1 if by_purchase else 0
        if _int(limit, "limit") < 0:
            raise InvalidError(EINVALID, "limit: must be 1 to 1000")
        q.limit = limit
        q.include_archived = 1 if include_archived else 0
        if isinstance(min_risk, bool) or not isinstance(min_risk, (int, float)):
            raise InvalidError(EINVALID, f"min_risk: expected a number from 0 to 1, got {type(min_risk).__name__}")
        q.min_risk = float(min_risk)
        result = self._with_read(_report(report[0], q))
        del keep
        return result

    def churn(self, where: WhereLike = None, *, start: TimeLike, end: TimeLike, **kw: Any) -> Report:
        """Churn over [``start``, ``end``): per group (``group_by``: any field, ``"band(custom.tenure,
        12)"``) the customers counted, those churned and the rate, and a last row for all.
        ``definition="lifecycle"`` counts moves to the churned stage; ``"no_purchase"`` counts
        customers who bought within ``inactive_days`` before ``start`` but not before ``end``."""
        return self.customer_report("churn", where, start=start, end=end, **kw)

    def cohorts(self, where: WhereLike = None, *, start: TimeLike, end: TimeLike, months: int = 12,
                **kw: Any) -> Report:
        """Cohort retention: a row per month of first purchase in [``start``, ``end``) with its
        customers and, in columns m0 .. m<months>, the share who bought k months later."""
        return self.customer_report("cohorts", where, start=start, end=end, months=months, **kw)

    def rfm(self, where: WhereLike = None, *, currency: str, at: TimeLike = None, **kw: Any) -> Report:
        """RFM segments: a row per segment with its customers, their share and their value."""
        return self.customer_report("rfm", where, currency=currency, end=at, **kw)

    def top_customers(self, *, currency: str, limit: int = 50, include_archived: bool = False) -> Report:
        """The customers who bought most in ``currency``, most valuable first."""
        return self.customer_report("top", currency=currency, limit=limit, include_archived=include_archived)

    def at_risk(self, *, since: TimeLike, currency: str, by_purchase: bool = False, limit: int = 50,
                include_archived: bool = False, min_risk: float = 0) -> Report:
        """Customers not contacted (``by_purchase``: not buying) since ``since`` and not churned,
        the most valuable in ``currency`` first, with their churn risk and its strongest factors;
        ``min_risk`` keeps those at least that likely to churn (it needs the churn-risk model)."""
        return self.customer_report("at_risk", start=since, currency=currency, by_purchase=by_purchase,
                                    limit=limit, include_archived=include_archived, min_risk=min_risk)

    def rfm_of(self, customer: int, *, currency: str, at: TimeLike = None) -> RfmScore:
        """One customer's RFM scores and segment (ConflictError when it has no purchase)."""
        keep: list = []
        raw, n = text_arg(keep, currency, "currency")
        result = self._with_read(_rfm(check_id(customer, "customer"), raw, n, 0 if at is None else to_micros(at, "at")))
        del keep
        return result

    def lifetime_value(self, customer: int, *, currency: str, at: TimeLike = None,
                       inactive_days: int = 90) -> LifetimeValue:
        """A customer's lifetime value in ``currency``: historic and predicted."""
        keep: list = []
        raw, n = text_arg(keep, currency, "currency")
        result = self._with_read(_lifetime(check_id(customer, "customer"), raw, n,
                                           0 if at is None else to_micros(at, "at"), _int(inactive_days, "inactive_days")))
        del keep
        return result

    def churn_risk(self, customer: int) -> ChurnRisk:
        """A customer's churn risk with its factors (NotFoundError when it does not exist)."""
        return self._with_read(_risk(check_id(customer, "customer")))

    def churn_risk_options(self) -> ChurnRiskOptions:
        """What the churn-risk model reads."""
        return self._with_read(_risk_options)


class AnalyticsWrites(Ops):
    """The churn-risk model's options: methods of a write transaction and of the database."""

    def set_churn_risk_options(self, fields: Sequence[str], *, minimum_customers: int = 20,
                               actor: str | None = None) -> None:
        """Sets the fields the churn-risk model reads ("custom.contract", "band(custom.tenure,
        12)" ...) and the customers it needs, and counts every customer again."""
        if isinstance(fields, str):
            raise InvalidError(EINVALID, "fields: expected a list of fields, got a string")
        for f in fields:
            if not isinstance(f, str):
                raise InvalidError(EINVALID, f"fields: {f!r} is not a field")
        if isinstance(minimum_customers, bool) or not isinstance(minimum_customers, int) or not 0 <= minimum_customers < 2**32:
            raise InvalidError(EINVALID, f"minimum_customers: expected a whole number from 1 to 1000000, got {minimum_customers!r}")
        keep: list = []
        raw, n = text_arg(keep, ", ".join(fields), "fields")
        self._in_write(_SET_RISK, actor, raw, n, minimum_customers)
