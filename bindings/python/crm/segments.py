"""Segments: named sets of customers, the audiences marketing works with.

A MANUAL segment holds the customers added to it; a DYNAMIC one the customers its filter (the
query grammar of :mod:`crm.query`) matches, kept current by every customer write in the write's
own transaction; a SNAPSHOT one the members a dynamic segment (or a filter) had when it was
taken, frozen. Member counts are maintained, so ``db.in_segment(s, c)`` and
``db.segment_count(s)`` are one read each.
"""
from __future__ import annotations

import enum
from typing import Any, Iterable, Iterator, Optional, TypeVar

from ._fields import Record, _Bool, _encode, _Enum, _Int, _Ref, _Text, _Time
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, write_get, write_plain, write_record
from .errors import check
from .users import _listed

T = TypeVar("T")


class SegmentKind(enum.IntEnum):
    """What decides a segment's members."""

    MANUAL = 1
    DYNAMIC = 2
    SNAPSHOT = 3


class Segment(Record):
    """A segment: a unique name, a description, a kind and (dynamic) a filter.

    ``crm.Segment(name="German VIPs", kind="dynamic", filter="country = 'DE' and tag = 'vip'")``
    """

    __slots__ = ()
    _CTYPE = "crm_segment"
    _NEW = lib.crm_segment_new
    _FREE = lib.crm_segment_free
    _CLONE = lib.crm_segment_clone
    _TEXT = lib.crm_segment_text
    _SET_TEXT = lib.crm_segment_set_text
    _INT = lib.crm_segment_int
    _SET_INT = lib.crm_segment_set_int

    id = _Int(201, "The segment's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When the segment was created (UTC).")
    updated_at = _Time(204, "When the segment last changed (UTC).")
    kind = _Enum(205, SegmentKind, "MANUAL (the default), DYNAMIC or SNAPSHOT; fixed once created.")
    include_archived = _Bool(206, "Dynamic: whether archived customers may be members.")
    frozen_at = _Time(207, "Snapshot: when its members were taken.", readonly=True)
    frozen_from = _Ref(208, "Snapshot: the dynamic segment it was taken of (None: a filter).", readonly=True)
    members = _Int(209, "How many customers were members when it was read.", readonly=True)
    name = _Text(101, "The name (required): unique, case-insensitively.")
    description = _Text(102, "A description.")
    filter = _Text(103, "Dynamic: the filter (required), stored in canonical form; snapshot: what it was taken with.")
    _FIELDS = ("id", "revision", "created_at", "updated_at", "name", "description", "kind", "filter",
               "include_archived", "frozen_at", "frozen_from", "members")

    def __repr__(self) -> str:
        return f"<Segment id={self.id} {self.name!r} {self.kind.name.lower()} members={self.members}>"


def _ids(page: Any) -> tuple[list[int], bytes]:
    ids, count, n = ffi.new("const uint64_t**"), ffi.new("size_t*"), ffi.new("size_t*")
    try:
        check(lib.crm_id_page_ids(page, ids, count))
        token = lib.crm_id_page_next(page, n)
        return [int(ids[0][i]) for i in range(count[0])], bytes(ffi.unpack(token, n[0]))
    finally:
        lib.crm_id_page_free(page)


class SegmentReads(Ops):
    """Reads of segments: methods of every transaction and of the database."""

    def segment(self, id: int) -> Segment:
        """The segment with this id; NotFoundError when none."""
        return self._get(lib.crm_segment_get, Segment, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_segment(self, id: int, default: T | None = None) -> Segment | T | None:
        """The segment with this id, or `default`."""
        return self._get_or(default, lib.crm_segment_get, Segment, check_id(id, "id"))  # type: ignore[no-any-return]

    def segment_by_name(self, name: str, default: Any = None) -> Optional[Segment]:
        """The segment with this name (case-insensitive), or `default`."""
        raw = _encode(name, "name")
        return self._get_or(default, lib.crm_segment_find_by_name, Segment, raw, len(raw))  # type: ignore[no-any-return]

    def segments(self) -> list[Segment]:
        """Every segment in id order."""
        return self._with_read(_listed(Segment, lib.crm_segment_list_get, lib.crm_segment_list_size,
                                       lib.crm_segment_list_at, lib.crm_segment_list_free, lib.crm_segment_clone))  # fmt: skip

    def in_segment(self, segment: int, customer: int) -> bool:
        """Whether the customer is a member (False for one that does not exist); NotFoundError
        for a segment that does not exist."""
        s, c = check_id(segment, "segment"), check_id(customer, "customer")

        def read(txn: Any) -> bool:
            out = ffi.new("int*")
            check(lib.crm_segment_contains(out, txn, s, c))
            return bool(out[0])

        return self._with_read(read)

    def segment_count(self, segment: int) -> int:
        """The segment's member count (maintained: one read)."""
        return self._count(lib.crm_segment_member_count, check_id(segment, "segment"))

    def segment_members_page(self, segment: int, limit: int = 100, page_token: bytes = b"") -> tuple[list[int], bytes]:
        """One page of member ids in id order and the token of the next (b"" on the last)."""
        s = check_id(segment, "segment")
        token = bytes(page_token or b"")

        def read(txn: Any) -> tuple[list[int], bytes]:
            out = ffi.new("crm_id_page**")
            check(lib.crm_segment_members(out, txn, s, limit, token, len(token)))
            return _ids(out[0])

        return self._with_read(read)

    def segment_members(self, segment: int, page_size: int = 1000) -> Iterator[int]:
        """Every member id, in id order, read a page at a time (each page its own snapshot when
        called on the database: keyset pages neither repeat nor skip a member that stays)."""
        token = b""
        while True:
            ids, token = self.segment_members_page(segment, page_size, token)
            yield from ids
            if not token:
                return

    def segments_of(self, customer: int) -> list[int]:
        """The ids of the segments the customer is a member of."""
        c = check_id(customer, "customer")

        def read(txn: Any) -> list[int]:
            out = ffi.new("crm_id_page**")
            check(lib.crm_segments_of(out, txn, c))
            return _ids(out[0])[0]

        return self._with_read(read)


_CREATE = write_record(lib.crm_segment_create)
_UPDATE = write_record(lib.crm_segment_update)
_DELETE = write_plain(lib.crm_segment_delete)


def _snapshot(t: Any, dynamic: int, raw: bytes) -> Segment:
    return write_get(lib.crm_segment_snapshot, Segment)(t, dynamic, raw, len(raw))  # type: ignore[no-any-return]


def _members(fn: Any) -> Any:
    def run(t: Any, segment: int, ids: list) -> int:
        def call(h: Any) -> int:
            out = ffi.new("uint64_t*")
            arr = ffi.new("uint64_t[]", ids) if ids else ffi.NULL
            check(fn(out, h, segment, arr, len(ids)))
            return int(out[0])

        return t._with_read(call)  # type: ignore[no-any-return]

    return run


_ADD = _members(lib.crm_segment_add_members)
_REMOVE = _members(lib.crm_segment_remove_members)


def _id_list(ids: Iterable[int] | int) -> list[int]:
    if isinstance(ids, int):
        ids = [ids]
    return [check_id(x, "customers") for x in ids]


class SegmentWrites(Ops):
    """Writes of segments: methods of a write transaction and of the database."""

    def create_segment(self, segment: Segment, actor: str | None = None) -> Segment:
        """Creates a segment; a dynamic or snapshot one gets the customers its filter matches.
        InvalidError naming a bad or refused filter; ExistsError for a name in use."""
        return self._in_write(_CREATE, actor, check_record(segment, Segment, "segment"))  # type: ignore[no-any-return]

    def update_segment(self, segment: Segment, actor: str | None = None) -> Segment:
        """Stores a changed segment (revision checked); a new filter re-evaluates the members."""
        return self._in_write(_UPDATE, actor, check_record(segment, Segment, "segment"))  # type: ignore[no-any-return]

    def delete_segment(self, id: int, actor: str | None = None) -> None:
        """Deletes a segment and its memberships."""
        self._in_write(_DELETE, actor, check_id(id, "id"))

    def snapshot_segment(self, dynamic: int, name: str, actor: str | None = None) -> Segment:
        """A new snapshot segment holding the dynamic segment's members as they are now."""
        return self._in_write(_snapshot, actor, check_id(dynamic, "dynamic"), _encode(name, "name"))  # type: ignore[no-any-return]

    def add_to_segment(self, segment: int, customers: Iterable[int] | int, actor: str | None = None) -> int:
        """Adds customers to a manual segment; returns how many were not members yet.
        NotFoundError naming the first customer that does not exist (nobody is added then);
        ConflictError for a segment that is not manual."""
        return self._in_write(_ADD, actor, check_id(segment, "segment"), _id_list(customers))  # type: ignore[no-any-return]

    def remove_from_segment(self, segment: int, customers: Iterable[int] | int, actor: str | None = None) -> int:
        """Removes customers from a manual segment; returns how many were members."""
        return self._in_write(_REMOVE, actor, check_id(segment, "segment"), _id_list(customers))  # type: ignore[no-any-return]
