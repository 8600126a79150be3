"""Interactions: the touch points of a customer's timeline."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from ._fields import (
    Record,
    _Amount,
    _Bool,
    _Enum,
    _Int,
    _Ref,
    _Text,
    _encode,
    _Time,
)
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, paging, write_patch, write_plain, write_record
from .custom import _Custom
from .errors import EINVALID, InvalidError, check
from .values import Direction, InteractionKind, TimeLike, enum_arg, to_micros

if TYPE_CHECKING:
    from .listing import Listing

T = TypeVar("T")


# ---- interactions ----


class Interaction(Record):
    """A call, email, meeting, note, task, ticket or purchase on a customer's timeline."""

    __slots__ = ()
    _CTYPE = "crm_interaction"
    _NEW = lib.crm_interaction_new
    _FREE = lib.crm_interaction_free
    _CLONE = lib.crm_interaction_clone
    _TEXT = lib.crm_interaction_text
    _SET_TEXT = lib.crm_interaction_set_text
    _INT = lib.crm_interaction_int
    _SET_INT = lib.crm_interaction_set_int

    id = _Int(201, "The interaction's id (0 until logged).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When it was logged (UTC); kept on create in import mode only.")
    updated_at = _Time(204, "When it last changed (UTC); kept on create in import mode only.")
    customer = _Int(205, "The id of the customer it belongs to.")
    kind = _Enum(206, InteractionKind, "What it was: CALL, EMAIL, MEETING, NOTE, TASK, ...")
    direction = _Enum(207, Direction, "INBOUND, OUTBOUND or NONE.")
    occurred_at = _Time(208, "When it happened (UTC; the store uses the current time when None).")
    duration_seconds = _Int(209, "How long it took, in seconds.")
    satisfaction = _Int(210, "A rating from 1 to 5, 0 for none.")
    amount = _Amount(211, 106, "The amount of a purchase as Money, or None.")
    opportunity = _Ref(212, "The id of the opportunity it is about, or None.")
    due_at = _Time(213, "When a task is due, or None.")
    done = _Bool(214, "Whether a task is done.")

    kind_label = _Text(101, "A free label refining the kind (e.g. 'demo').")
    subject = _Text(102, "The subject line.")
    body = _Text(103, "The text (multi-line).")
    outcome = _Text(104, "How it went.")
    owner = _Text(105, "Who handled it.")

    external_id = _Text(107, "Its id in another system (unique when set), for upsert_interaction.")
    custom = _Custom(0, "The typed custom fields, a mutable mapping (see CustomFields).")
    _CUSTOM = (lib.crm_interaction_custom_count, lib.crm_interaction_custom_field, lib.crm_interaction_custom_value,
               lib.crm_interaction_set_custom, lib.crm_interaction_remove_custom)

    _FIELDS = (
        "id", "revision", "customer", "kind", "kind_label", "direction", "occurred_at", "duration_seconds",
        "subject", "body", "outcome", "satisfaction", "amount", "owner", "opportunity", "due_at", "done",
        "external_id", "custom", "created_at", "updated_at",
    )  # fmt: skip

    def __repr__(self) -> str:
        return f"<Interaction id={self.id} customer={self.customer} {self.kind!r} {self.subject!r}>"




# ---- operations ----

_TIMELINE_Q = ffi.typeof("crm_timeline_query*")


class InteractionReads(Ops):
    """Reads of interactions: methods of every transaction and of the database."""

    def interaction(self, id: int) -> Interaction:
        """The interaction with this id; NotFoundError when none."""
        return self._get(lib.crm_interaction_get, Interaction, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_interaction(self, id: int, default: T | None = None) -> Interaction | T | None:
        """The interaction with this id, or `default`."""
        return self._get_or(default, lib.crm_interaction_get, Interaction, check_id(id, "id"))  # type: ignore[no-any-return]

    def interaction_by_external_id(self, external_id: str) -> Interaction:
        """The interaction with this external id; NotFoundError when none."""
        raw = _encode(external_id, "external_id")
        return self._get(lib.crm_interaction_find_by_external_id, Interaction, raw, len(raw))  # type: ignore[no-any-return]

    def get_interaction_by_external_id(self, external_id: str, default: T | None = None) -> Interaction | T | None:
        """The interaction with this external id, or `default`."""
        raw = _encode(external_id, "external_id")
        return self._get_or(default, lib.crm_interaction_find_by_external_id, Interaction, raw, len(raw))  # type: ignore[no-any-return]

    def timeline(
        self,
        customer: int,
        *,
        oldest_first: bool = False,
        since: TimeLike = None,
        until: TimeLike = None,
        kinds: Iterable[InteractionKind | int | str] | InteractionKind | int | str | None = None,
        page_size: int = 0,
        page_token: str | None = None,
    ) -> "Listing[Interaction]":
        """A customer's interactions, newest first (or ``oldest_first``), lazily; ``since``
        (inclusive) and ``until`` (exclusive) bound their times, ``kinds`` keeps those kinds (one
        kind, or several)."""
        q = ffi.new(_TIMELINE_Q)
        check(lib.crm_timeline_query_init(q, 1))
        keep: list = []
        q.customer = check_id(customer, "customer")
        q.oldest_first = 1 if oldest_first else 0
        if since is not None:
            setattr(q, "from", to_micros(since, "since"))  # a keyword in Python
        if until is not None:
            q.to = to_micros(until, "until")
        if kinds is not None:
            if isinstance(kinds, (str, int)):
                kinds = [kinds]
            mask = 0
            for k in kinds:
                mask |= 1 << int(enum_arg(InteractionKind, k, "kinds"))
            q.kinds = mask
        paging(q, keep, page_size, page_token)
        listing = self._listing(lib.crm_timeline, lib.crm_iter_take_interactions, Interaction, q)
        del keep
        return listing


_LOG = write_record(lib.crm_interaction_log)
_UPDATE = write_record(lib.crm_interaction_update)
_UPSERT = write_record(lib.crm_interaction_upsert)
_PATCH = write_patch(lib.crm_interaction_patch)
_DELETE = write_plain(lib.crm_interaction_delete)


class InteractionWrites(Ops):
    """Writes of interactions: methods of a write transaction and of the database."""

    def log_interaction(self, interaction: Interaction, actor: str | None = None) -> Interaction:
        """Adds an interaction to its customer's timeline; returns it with its id."""
        return self._in_write(_LOG, actor, check_record(interaction, Interaction, "interaction"))  # type: ignore[no-any-return]

    def update_interaction(self, interaction: Interaction, actor: str | None = None, *,
                           fields: list[str] | None = None) -> Interaction:
        """Stores a changed interaction (revision checked); returns it as stored. With ``fields``
        only those are changed ("outcome", "satisfaction", "custom.topic") and the revision is
        checked only when set."""
        check_record(interaction, Interaction, "interaction")
        if fields is not None:
            return self._in_write(_PATCH, actor, interaction, fields)  # type: ignore[no-any-return]
        return self._in_write(_UPDATE, actor, interaction)  # type: ignore[no-any-return]

    def upsert_interaction(self, interaction: Interaction, actor: str | None = None, *,
                           fields: list[str] | None = None) -> Interaction:
        """Logs, or replaces regardless of revision, the interaction with ``external_id``
        (required): re-running an import updates instead of duplicating. With ``fields`` an
        existing one changes only in those."""
        check_record(interaction, Interaction, "interaction")
        if fields is not None:
            if interaction.id:
                raise InvalidError(EINVALID, "id: an upsert goes by external_id; use update_interaction(fields=...) by id")
            return self._in_write(_PATCH, actor, interaction, fields)  # type: ignore[no-any-return]
        return self._in_write(_UPSERT, actor, interaction)  # type: ignore[no-any-return]

    def delete_interaction(self, id: int, actor: str | None = None) -> None:
        """Deletes an interaction."""
        self._in_write(_DELETE, actor, check_id(id, "id"))
