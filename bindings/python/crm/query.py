"""Questions asked of the store: filters over any field, searches sorted by any field, counts,
plans and grouped aggregates.

A filter is written three ways, freely combined:

* keyword arguments: ``txn.search_customers(stage="customer", country="DE", tag="vip")`` (a list
  means "any of", None means "is empty", ``address__city`` stands for ``address.city``);
* composable objects: ``(F.stage == "customer") & F.tag.isin(["vip", "partner"]) & ~F.owner.is_empty()``;
* the text form: ``"stage = 'customer' and country = 'DE'"`` (the grammar of crm/query.hpp).

Values are quoted by the package: a str never becomes part of the filter's syntax.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple, Union

from ._native import ffi, lib
from ._fields import encode
from ._ops import Ops, paging, text_arg, write_plain
from .errors import EINVALID, ENOTFOUND, InvalidError, check
from .values import Entity, Money, to_micros

if TYPE_CHECKING:
    from .customers import Customer
    from .interactions import Interaction
    from .database import Listing
    from .opportunities import Opportunity

__all__ = ["F", "Field", "Where", "Plan", "Row", "Index"]


def _literal(value: Any, what: str) -> str:
    """A Python value in the filter's text form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidError(EINVALID, f"{what}: {value} is not a finite number")
        return format(value, "f")
    if isinstance(value, Money):
        return f"{value.amount} {value.currency}"
    if isinstance(value, (_dt.datetime, _dt.date)):
        return str(to_micros(value, what))
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, float):
        raise InvalidError(EINVALID, f"{what}: give a Decimal, an int or a str, not a float (it cannot hold 0.10 exactly)")
    raise InvalidError(EINVALID, f"{what}: cannot compare with a {type(value).__name__}")


class Where:
    """A filter: combine with ``&`` (and), ``|`` (or) and ``~`` (not); ``str()`` gives its text."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __and__(self, other: "Where | str") -> "Where":
        return Where(f"({self}) and ({_as_text(other)})")

    def __or__(self, other: "Where | str") -> "Where":
        return Where(f"({self}) or ({_as_text(other)})")

    def __invert__(self) -> "Where":
        return Where(f"not ({self})")

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Where({self._text!r})"

    def __bool__(self) -> bool:
        raise TypeError("a filter has no truth value: combine filters with & | ~, not and/or/not")


class Field:
    """A field of a filter: ``F.stage == "customer"``, ``F["custom.tier"].isin(["gold"])``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if not name or not all(c.isalnum() or c in "_.-" for c in name) or not (name[0].isalpha() or name[0] == "_"):
            raise InvalidError(EINVALID, f"field: {name!r} is not a field name")
        self.name = name

    def _cmp(self, op: str, value: Any) -> Where:
        return Where(f"{self.name} {op} {_literal(value, self.name)}")

    def __eq__(self, value: Any) -> Where:  # type: ignore[override]
        return self.is_empty() if value is None else self._cmp("=", value)

    def __ne__(self, value: Any) -> Where:  # type: ignore[override]
        return self.is_not_empty() if value is None else self._cmp("!=", value)

    def __lt__(self, value: Any) -> Where:
        return self._cmp("<", value)

    def __le__(self, value: Any) -> Where:
        return self._cmp("<=", value)

    def __gt__(self, value: Any) -> Where:
        return self._cmp(">", value)

    def __ge__(self, value: Any) -> Where:
        return self._cmp(">=", value)

    __hash__ = None  # type: ignore[assignment]

    def isin(self, values: Iterable[Any]) -> Where:
        items = [_literal(v, self.name) for v in values]
        if not items:
            raise InvalidError(EINVALID, f"{self.name}: isin() needs at least one value")
        return Where(f"{self.name} in ({', '.join(items)})")

    def startswith(self, prefix: str) -> Where:
        return self._cmp("prefix", prefix)

    def between(self, low: Any, high: Any) -> Where:
        """low <= field < high."""
        return (self >= low) & (self < high)

    def is_empty(self) -> Where:
        return Where(f"{self.name} is empty")

    def is_not_empty(self) -> Where:
        return Where(f"{self.name} is not empty")


class _Fields:
    """``F.name`` and ``F["custom.tier"]`` make fields."""

    def __getattr__(self, name: str) -> Field:
        if name.startswith("__"):
            raise AttributeError(name)
        return Field(name.replace("__", "."))

    def __getitem__(self, name: str) -> Field:
        return Field(name)


#: the fields of filters: ``F.stage == "customer"``
F = _Fields()

WhereLike = Union[Where, str, None]


def _as_text(where: Any) -> str:
    if isinstance(where, Where):
        return str(where)
    if isinstance(where, str):
        return where
    raise InvalidError(EINVALID, f"where: expected a crm.Where or a str, got {type(where).__name__}")


def where_text(where: WhereLike, fields: dict[str, Any]) -> str:
    """The text of a filter given as an object or text and keyword arguments (all must hold)."""
    parts = [] if where is None else [_as_text(where)]
    for name, value in fields.items():
        field = Field(name.replace("__", "."))
        if isinstance(value, (list, tuple, set, frozenset)):
            parts.append(str(field.isin(value)))
        else:
            parts.append(str(field == value))
    parts = [p for p in parts if p.strip()]
    return " and ".join(f"({p})" for p in parts) if len(parts) > 1 else (parts[0] if parts else "")


_KINDS = {"customer": Entity.CUSTOMER, "customers": Entity.CUSTOMER, "opportunity": Entity.OPPORTUNITY,
          "opportunities": Entity.OPPORTUNITY, "interaction": Entity.INTERACTION,
          "interactions": Entity.INTERACTION}  # fmt: skip


def _kind(kind: Any) -> int:
    if isinstance(kind, Entity) and kind in (Entity.CUSTOMER, Entity.OPPORTUNITY, Entity.INTERACTION):
        return int(kind)
    if isinstance(kind, str) and kind in _KINDS:
        return int(_KINDS[kind])
    raise InvalidError(EINVALID, f"kind: expected 'customer', 'opportunity' or 'interaction', got {kind!r}")


def _search(where: WhereLike, fields: dict[str, Any], order_by: str, descending: bool, include_archived: bool,
            page_size: int = 0, page_token: str | None = None) -> tuple[Any, list]:
    s = ffi.new("crm_search*")
    check(lib.crm_search_init(s, 1))
    keep: list = []
    text = where_text(where, fields)
    if text:
        s.filter, s.filter_len = text_arg(keep, text, "where")
    s.order_by, s.order_by_len = text_arg(keep, order_by, "order_by")
    s.descending = 1 if descending else 0
    s.include_archived = 1 if include_archived else 0
    paging(s, keep, page_size, page_token)
    return s, keep


class Plan(NamedTuple):
    """How a search finds its records (``explain``)."""

    text: str
    full_scan: bool


class Row(NamedTuple):
    """One group of an aggregate. ``keys``: each group field's value as text (None for the
    records without one); ``key_values``: the same as numbers where they are (ids, stage ids,
    times in microseconds of a bucket's start), else the text. ``currency``: the currency of the
    money measures (None when no measure is of money). ``values``: one figure per measure, money
    in minor units; ``counts``: the values each figure covers; ``averages``: the means."""

    keys: tuple
    key_values: tuple
    currency: str | None
    values: tuple
    counts: tuple
    averages: tuple


class Index(NamedTuple):
    """A declared index (``declare_index``)."""

    kind: Entity
    field: str  #: its canonical name: "address.city", "custom.score"
    entries: int  #: one per value of a record


def _indexes(txn: Any) -> list[Index]:
    out = ffi.new("crm_index_list**")
    check(lib.crm_index_list_get(out, txn))
    try:
        entity, field, n, entries = ffi.new("int*"), ffi.new("char**"), ffi.new("size_t*"), ffi.new("uint64_t*")
        found = []
        for i in range(lib.crm_index_list_size(out[0])):
            check(lib.crm_index_list_at(out[0], i, entity, field, n, entries))
            found.append(Index(Entity(entity[0]), ffi.unpack(field[0], n[0]).decode(), entries[0]))
        return found
    finally:
        lib.crm_index_list_free(out[0])


_DECLARE = write_plain(lib.crm_index_declare)
_DROP = write_plain(lib.crm_index_drop)


def _text_out(ptr: Any, n: Any) -> str | None:
    return None if ptr == ffi.NULL else ffi.unpack(ptr, n[0]).decode()


def _explain(kind: int, s: Any) -> Any:
    def run(txn: Any) -> Plan:
        out, n, full = ffi.new("char**"), ffi.new("size_t*"), ffi.new("int*")
        check(lib.crm_search_explain(out, n, full, txn, kind, s))
        try:
            return Plan(ffi.unpack(out[0], n[0]).decode(), bool(full[0]))
        finally:
            lib.crm_free(out[0])

    return run


def _aggregate(kind: int, a: Any) -> Any:
    def run(txn: Any) -> list[Row]:
        out = ffi.new("crm_aggregate**")
        check(lib.crm_aggregate_run(out, txn, kind, a))
        r = out[0]
        try:
            rows = []
            n = ffi.new("size_t*")
            key_int, value, count, avg = ffi.new("int64_t*"), ffi.new("int64_t*"), ffi.new("uint64_t*"), ffi.new("double*")
            nkeys, nmeasures = lib.crm_aggregate_key_count(r), lib.crm_aggregate_measure_count(r)
            for i in range(lib.crm_aggregate_rows(r)):
                keys, key_values = [], []
                for k in range(nkeys):
                    label = _text_out(lib.crm_aggregate_key(r, i, k, n), n)
                    rc = lib.crm_aggregate_key_int(key_int, r, i, k)
                    keys.append(label)
                    key_values.append(key_int[0] if rc == 0 else (None if rc == ENOTFOUND else label))
                currency = _text_out(lib.crm_aggregate_currency(r, i, n), n) or None
                values, counts, averages = [], [], []
                for m in range(nmeasures):
                    check(lib.crm_aggregate_value(value, count, avg, r, i, m))
                    values.append(value[0])
                    counts.append(count[0])
                    averages.append(avg[0])
                rows.append(Row(tuple(keys), tuple(key_values), currency, tuple(values), tuple(counts), tuple(averages)))
            return rows
        finally:
            lib.crm_aggregate_free(r)

    return run


def _joined(items: Any, what: str) -> str:
    if isinstance(items, str):
        return items
    if not all(isinstance(i, str) for i in items):
        raise InvalidError(EINVALID, f"{what}: expected a str or a sequence of str")
    return ", ".join(items)


class QueryReads(Ops):
    """Searches, counts, plans and aggregates: methods of every transaction and of the database."""

    def indexes(self) -> list[Index]:
        """The declared indexes: customers' first, each kind's by field name."""
        return self._with_read(_indexes)

    def search_customers(self, where: WhereLike = None, *, order_by: str = "id", descending: bool = False,
                         include_archived: bool = False, page_size: int = 0, page_token: str | None = None,
                         **fields: Any) -> "Listing[Customer]":
        """The customers a filter matches, lazily, sorted by ``order_by`` (ties by id). Keyset
        pages: ``page_token`` of a listing continues it later, stable while others write."""
        from .customers import Customer

        s, keep = _search(where, fields, order_by, descending, include_archived, page_size, page_token)
        listing = self._listing(lib.crm_customer_search, lib.crm_iter_take_customers, Customer, s)
        del keep
        return listing

    def search_opportunities(self, where: WhereLike = None, *, order_by: str = "id", descending: bool = False,
                             page_size: int = 0, page_token: str | None = None,
                             **fields: Any) -> "Listing[Opportunity]":
        """The opportunities a filter matches (``stage`` by name or id, ``status`` open, won or
        lost, ``amount`` in major units or as Money), lazily, sorted by ``order_by``."""
        from .opportunities import Opportunity

        s, keep = _search(where, fields, order_by, descending, False, page_size, page_token)
        listing = self._listing(lib.crm_opportunity_search, lib.crm_iter_take_opportunities, Opportunity, s)
        del keep
        return listing

    def search_interactions(self, where: WhereLike = None, *, order_by: str = "id", descending: bool = False,
                            page_size: int = 0, page_token: str | None = None,
                            **fields: Any) -> "Listing[Interaction]":
        """The interactions of every customer a filter matches (``kind``, ``occurred_at``,
        ``custom.<name>`` ...; ``customer=`` reads that customer's timeline only), lazily, sorted
        by ``order_by``."""
        from .interactions import Interaction

        s, keep = _search(where, fields, order_by, descending, False, page_size, page_token)
        listing = self._listing(lib.crm_interaction_search, lib.crm_iter_take_interactions, Interaction, s)
        del keep
        return listing

    def count(self, kind: str | Entity, /, where: WhereLike = None, *, include_archived: bool = False,
              **fields: Any) -> int:
        """How many customers, opportunities or interactions (``kind``, given by position: a
        keyword ``kind=`` filters the records' own kind field) a filter matches."""
        s, keep = _search(where, fields, "id", False, include_archived)
        n = self._count(lib.crm_search_count, _kind(kind), s)
        del keep
        return n

    def explain(self, kind: str | Entity, /, where: WhereLike = None, *, order_by: str = "id",
                include_archived: bool = False, **fields: Any) -> Plan:
        """How a search would find its records: the index lookups it makes, or a full scan."""
        s, keep = _search(where, fields, order_by, False, include_archived)
        plan = self._with_read(_explain(_kind(kind), s))
        del keep
        return plan  # type: ignore[no-any-return]

    def aggregate(self, kind: str | Entity, /, where: WhereLike = None, *, group_by: str | Iterable[str] = (),
                  measures: str | Iterable[str] = ("count",), time_zone: str = "UTC",
                  include_archived: bool = False, **fields: Any) -> list[Row]:
        """Groups the records a filter matches by one or two fields (``"owner"``,
        ``"month(closed_at)"``: day, week, month, quarter or year in ``time_zone``) with
        ``count``, ``sum(f)``, ``avg(f)``, ``min(f)``, ``max(f)`` and ``count_distinct(f)``. Money
        figures are in minor units of each row's currency: currencies are never added together."""
        a = ffi.new("crm_aggregation*")
        check(lib.crm_aggregation_init(a, 1))
        keep: list = []
        text = where_text(where, fields)
        if text:
            a.filter, a.filter_len = text_arg(keep, text, "where")
        a.group_by, a.group_by_len = text_arg(keep, _joined(group_by, "group_by"), "group_by")
        a.measures, a.measures_len = text_arg(keep, _joined(measures, "measures"), "measures")
        a.time_zone, a.time_zone_len = text_arg(keep, time_zone, "time_zone")
        a.include_archived = 1 if include_archived else 0
        rows = self._with_read(_aggregate(_kind(kind), a))
        del keep
        return rows  # type: ignore[no-any-return]


class QueryWrites(Ops):
    """Declared indexes: methods of a write transaction and of the database."""

    def declare_index(self, kind: str | Entity, field: str, actor: str | None = None) -> None:
        """Declares a secondary index on a field of customers or opportunities: a custom field
        (``"custom.score"``) or a built-in one without an index of its own (``"address.city"``,
        ``"industry"``, ``"employees"``, ``"annual_revenue"``, ``"title"``, ``"amount"`` ...).
        It is built now, in this transaction, and kept by every later write; searches, counts
        and aggregates then read it for values, ``isin``, ranges and prefixes of the field
        (``explain`` marks it ``[declared]``). Declaring it again does nothing."""
        raw = encode(field, "field")
        self._in_write(_DECLARE, actor, _kind(kind), raw, len(raw))

    def drop_index(self, kind: str | Entity, field: str, actor: str | None = None) -> None:
        """Removes a declared index and its entries (NotFoundError when there is none)."""
        raw = encode(field, "field")
        self._in_write(_DROP, actor, _kind(kind), raw, len(raw))
