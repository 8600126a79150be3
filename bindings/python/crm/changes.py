"""The change feed: every write, in commit order, and the history of a field."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from ._fields import (
    Record,
    _encode,
    _string,
    _text,
)
from ._native import ffi, lib
from ._ops import Ops, check_id
from .errors import EINVALID, InvalidError, check
from .values import Entity, Op, enum_arg, to_datetime

if TYPE_CHECKING:
    from .listing import Listing

T = TypeVar("T")


class FieldChange(NamedTuple):
    """One field of a change: its name and its value before and after, as text ("" for none)."""

    name: str
    before: str
    after: str


# ---- the change feed ----


class Change(Record):
    """One entry of the change feed: who changed which record when, field by field."""

    __slots__ = ()
    _CTYPE = "crm_change"
    _FREE = lib.crm_change_free
    _CLONE = lib.crm_change_clone
    _FIELDS = ("seq", "at", "actor", "entity", "entity_id", "op", "fields", "imported", "redacted", "trimmed")

    def __init__(self) -> None:
        raise TypeError("changes are read from the feed (Txn.changes), not made")

    @property
    def seq(self) -> int:
        """The change's sequence number in the feed (gap-free, increasing)."""
        with self._lock:
            return lib.crm_change_seq(self._h)

    @property
    def at(self) -> _dt.datetime | None:
        """When the change was committed (UTC)."""
        with self._lock:
            return to_datetime(lib.crm_change_at(self._h))

    @property
    def actor(self) -> str:
        """Who made the change."""
        with self._lock:
            return _string(lib.crm_change_actor(self._h, ffi.NULL)).decode()

    @property
    def entity(self) -> Entity:
        """The kind of record changed."""
        with self._lock:
            return Entity(lib.crm_change_entity(self._h))

    @property
    def entity_id(self) -> int:
        """The id of the record changed."""
        with self._lock:
            return lib.crm_change_entity_id(self._h)

    @property
    def op(self) -> Op:
        """What the change did."""
        with self._lock:
            return Op(lib.crm_change_op(self._h))

    @property
    def imported(self) -> bool:
        """Whether it was written in import mode (``db.write(import_mode=True)``): the record's
        times and history came from another system."""
        with self._lock:
            return bool(lib.crm_change_imported(self._h))

    @property
    def redacted(self) -> bool:
        """Whether the record was erased later: the change keeps its place and kind, and lost its
        field values (crm.privacy)."""
        with self._lock:
            return bool(lib.crm_change_redacted(self._h))

    @property
    def trimmed(self) -> bool:
        """Whether the retention policy trimmed it (``db.apply_retention``): it keeps its place,
        time, entity and kind, and lost its field values and actor."""
        with self._lock:
            return bool(lib.crm_change_trimmed(self._h))

    @property
    def fields(self) -> list[FieldChange]:
        """The fields changed, with their values before and after as text."""
        name, before, after = ffi.new("const char**"), ffi.new("const char**"), ffi.new("const char**")
        n1, n2, n3 = ffi.new("size_t*"), ffi.new("size_t*"), ffi.new("size_t*")
        items = []
        with self._lock:
            for i in range(lib.crm_change_field_count(self._h)):
                check(lib.crm_change_field(self._h, i, name, n1, before, n2, after, n3))
                items.append(FieldChange(_text(name[0], n1[0]), _text(before[0], n2[0]), _text(after[0], n3[0])))
        return items

    def __repr__(self) -> str:
        return f"<Change seq={self.seq} {self.op.name} {self.entity.name} {self.entity_id} by {self.actor!r}>"



# ---- operations ----


class ChangeReads(Ops):
    """Reads of the change feed: methods of every transaction and of the database."""

    def changes(self, from_seq: int = 0) -> "Listing[Change]":
        """The change feed from sequence number `from_seq` on (0: the oldest kept), oldest first,
        lazily; :class:`crm.TrimmedError` when retention removed changes from `from_seq` on."""
        return self._listing(lib.crm_changes, lib.crm_iter_take_changes, Change, check_id(from_seq, "from_seq"))

    def last_change_seq(self) -> int:
        """The sequence number of the latest change (0 when there is none)."""
        return self._count(lib.crm_last_change_seq)

    def first_change_seq(self) -> int:
        """The sequence number of the oldest change kept: 1 until retention removed some. The
        feed from an earlier number raises :class:`crm.TrimmedError`."""
        return self._count(lib.crm_first_change_seq)

    def field_history(self, entity: Entity | int | str, id: int, field: str) -> "Listing[Change]":
        """Every change of one field of one record, oldest first; each change holds just that
        field. `field` is a field name such as "owner", "address" (all address fields) or
        "custom.<name>"."""
        kind = enum_arg(Entity, entity, "entity")
        raw = _encode(field, "field")
        return self._listing(
            lib.crm_field_history, lib.crm_iter_take_changes, Change, int(kind), check_id(id, "id"), raw, len(raw)
        )


# ---- retention ----


class RetentionRule(NamedTuple):
    """How long the feed keeps changes of one kind of record: those older than `keep_days`
    days, and all but the newest `keep_entries` of each record, are trimmed (0: no limit)."""

    entity: Entity | int | str
    keep_days: int = 0
    keep_entries: int = 0


class RetentionReport(NamedTuple):
    """What ``db.apply_retention`` did."""

    trimmed: int  #: changes trimmed by this run
    removed: int  #: trimmed changes removed from the front of the feed
    first_seq: int  #: the oldest change kept afterwards


def retention_rules(rules: "list[RetentionRule] | tuple[RetentionRule, ...]") -> object:
    """The rules as a C array of crm_retention_rule."""
    items = list(rules)
    out = ffi.new("crm_retention_rule[]", max(len(items), 1))
    for i, rule in enumerate(items):
        if not isinstance(rule, RetentionRule):
            raise TypeError(f"rules[{i}]: expected a crm.RetentionRule, got {type(rule).__name__}")
        for name in ("keep_days", "keep_entries"):
            value = getattr(rule, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
                raise InvalidError(EINVALID, f"rules[{i}].{name}: expected an int from 0 to 2**32 - 1, got {value!r}")
        out[i].version = 1
        out[i].entity = int(enum_arg(Entity, rule.entity, f"rules[{i}].entity"))
        out[i].keep_days = rule.keep_days
        out[i].keep_entries = rule.keep_entries
    return out
