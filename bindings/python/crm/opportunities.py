"""Opportunities: deals moving through a pipeline, with their stage history."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ._fields import (
    Record,
    _Amount,
    _Bool,
    _encode,
    _Enum,
    _Field,
    _Int,
    _string,
    _pairs,
    _replace_list,
    _Text,
    _text,
    _Time,
)
from ._native import ffi, lib
from ._ops import (Ops, check_id, check_record, one_of, paging, text_arg, write_get, write_patch, write_plain,
                   write_record)
from .custom import _Custom
from .errors import EINVALID, InvalidError, check
from .products import LineItem, _Lines, add_line
from .values import ForecastCategory, Money, TimeLike, to_datetime, to_micros

if TYPE_CHECKING:
    from .listing import Listing

T = TypeVar("T")


class Contact(NamedTuple):
    """A person on an opportunity, with a role (e.g. "decision maker")."""

    person: int
    role: str = ""


class StageChange(NamedTuple):
    """One entry of an opportunity's stage history. ``from_stage`` is 0 for the stage it was
    created in."""

    from_stage: int
    to_stage: int
    at: _dt.datetime | None
    actor: str = ""
    amount: Money | None = None
    probability: int = -1


# ---- opportunities ----


class _Contacts(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[Contact]:
        if obj is None:
            return self  # type: ignore[return-value]
        person, role, n = ffi.new("uint64_t*"), ffi.new("const char**"), ffi.new("size_t*")
        items = []
        with obj._lock:
            for i in range(lib.crm_opportunity_contact_count(obj._h)):
                check(lib.crm_opportunity_contact(obj._h, i, person, role, n))
                items.append(Contact(person[0], _text(role[0], n[0])))
        return items

    def __set__(self, obj: Any, value: Any) -> None:
        try:
            contacts = [Contact(c) if isinstance(c, int) else Contact(*c) for c in _pairs(value, "contacts")]
        except TypeError as e:
            raise InvalidError(EINVALID, f"contacts: each is a Contact(person, role) or a person id: {e}") from None
        _replace_list(
            obj, "contacts", lib.crm_opportunity_clear_contacts, contacts, lambda c: Opportunity._add_contact(obj, c)
        )


class _History(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[StageChange]:
        if obj is None:
            return self  # type: ignore[return-value]
        frm, to, at = ffi.new("uint32_t*"), ffi.new("uint32_t*"), ffi.new("int64_t*")
        actor, n, amount, probability = ffi.new("const char**"), ffi.new("size_t*"), ffi.new("int64_t*"), ffi.new("int*")
        items = []
        with obj._lock:
            currency = _string(lib.crm_opportunity_text(obj._h, 103, ffi.NULL)).decode()
            for i in range(lib.crm_opportunity_history_count(obj._h)):
                check(lib.crm_opportunity_history(obj._h, i, frm, to, at, actor, n, amount, probability))
                money = Money.from_minor(amount[0], currency) if currency else None
                items.append(StageChange(frm[0], to[0], to_datetime(at[0]), _text(actor[0], n[0]), money, probability[0]))
        return items

    def __set__(self, obj: Any, value: Any) -> None:
        def add(entry: Any) -> int:
            try:
                entry = entry if isinstance(entry, StageChange) else StageChange(*entry)
            except TypeError:
                raise InvalidError(EINVALID, "history: each entry is a StageChange(from_stage, to_stage, at, ...)") from None
            actor = _encode(entry.actor or "", "history actor")
            amount = 0
            if entry.amount is not None:
                if not isinstance(entry.amount, Money):
                    raise InvalidError(EINVALID, "history: an entry's amount is Money or None")
                amount = entry.amount.minor_units
            probability = -1 if entry.probability is None else entry.probability
            return lib.crm_opportunity_add_history(obj._h, _stage_id(None, entry.from_stage),
                                                   _stage_id(None, entry.to_stage), to_micros(entry.at, "history at"),
                                                   actor, len(actor), amount, probability)  # fmt: skip

        _replace_list(obj, "history", lib.crm_opportunity_clear_history, list(value or []), add)


class Opportunity(Record):
    """A deal: a customer, a pipeline stage, an amount and a probability, with its history."""

    __slots__ = ()
    _CTYPE = "crm_opportunity"
    _NEW = lib.crm_opportunity_new
    _FREE = lib.crm_opportunity_free
    _CLONE = lib.crm_opportunity_clone
    _TEXT = lib.crm_opportunity_text
    _SET_TEXT = lib.crm_opportunity_set_text
    _INT = lib.crm_opportunity_int
    _SET_INT = lib.crm_opportunity_set_int

    id = _Int(201, "The opportunity's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When it was created (UTC); kept on create in import mode only.")
    updated_at = _Time(204, "When it last changed (UTC); kept on create in import mode only.")
    closed_at = _Time(205, "When it was won or lost, or None; kept on create in import mode only.")
    customer = _Int(206, "The id of the customer it is with (0: none yet; once set it does not change).")
    pipeline = _Int(207, "The id of its pipeline (0 on a new one: the default pipeline).")
    stage = _Int(208, "The id of its stage in the pipeline (0 on a new one: the first stage).")
    amount = _Amount(209, 103, "The amount as Money, or None (an open deal may have none).")
    probability = _Int(210, "The probability in percent; -1 on a new one: the stage's default.")
    probability_overridden = _Bool(211, "Whether the probability differs from the stage's default.", readonly=True)
    expected_close = _Time(212, "When it is expected to close, or None.")
    forecast_category = _Enum(213, ForecastCategory, "Its forecast category while open (AUTO: its stage's).")

    title = _Text(101, "The title.")
    owner = _Text(102, "Who owns it.")
    lost_reason = _Text(104, "Why it was lost (set by lose(); kept on create in import mode).")

    external_id = _Text(105, "Its id in another system (unique when set), for upsert_opportunity.")
    custom = _Custom(0, "The typed custom fields, a mutable mapping (see CustomFields).")
    _CUSTOM = (lib.crm_opportunity_custom_count, lib.crm_opportunity_custom_field, lib.crm_opportunity_custom_value,
               lib.crm_opportunity_set_custom, lib.crm_opportunity_remove_custom)
    contacts = _Contacts(0, "The people involved, as Contact(person, role).")
    lines = _Lines(0, "The products sold, as LineItem(product, quantity, unit_price, discount, description); "
                      "a deal with lines has their totals' sum as its amount.")
    history = _History(0, "The stage history, oldest first, as StageChange entries (kept on create in import "
                          "mode only: from_stage, to_stage and at required; amount, actor and probability optional).")

    _FIELDS = (
        "id", "revision", "title", "customer", "pipeline", "stage", "amount", "probability",
        "probability_overridden", "expected_close", "forecast_category", "owner", "lost_reason", "external_id", "custom", "contacts", "lines", "history",
        "created_at", "updated_at", "closed_at",
    )  # fmt: skip

    def _add_contact(self, contact: Contact) -> int:
        raw = _encode(contact.role, "contact role")
        return lib.crm_opportunity_add_contact(self._h, contact.person, raw, len(raw))

    def add_contact(self, person: int, role: str = "") -> None:
        """Adds a person (a customer id) to the deal with a role."""
        with self._lock:
            check(self._add_contact(Contact(person, role)))

    def add_line(self, product: int, quantity: Any = 1, unit_price: Money | None = None, discount: Any = 0,
                 description: str = "") -> None:
        """Adds a line: `quantity` units of a product (its id) at `unit_price` (None: its list
        price in the deal's currency) less `discount` percent."""
        with self._lock:
            check(add_line(self, LineItem(product, quantity, unit_price, discount, description)))

    def __repr__(self) -> str:
        return f"<Opportunity id={self.id} {self.title!r} stage={self.stage}>"




# ---- operations ----

_OPP_BY_ALL, _OPP_BY_CUSTOMER, _OPP_BY_STAGE, _OPP_BY_PIPELINE, _OPP_BY_OWNER, _OPP_BY_EXPECTED_CLOSE = range(6)
_QUERY = ffi.typeof("crm_opportunity_query*")


def _opportunity_query(customer: int | None, pipeline: int | None, stage: int | None, owner: str | None,
                       close_from: TimeLike, close_to: TimeLike, open_only: bool, page_size: int = 0,
                       page_token: str | None = None) -> tuple[Any, list]:
    """The C query for opportunities(...) / count_opportunities(...) and what it keeps alive."""
    one_of("opportunities", customer=customer, stage=stage, owner=owner,
           **{"close_from/close_to": close_from if close_from is not None else close_to})  # fmt: skip
    q = ffi.new(_QUERY)
    check(lib.crm_opportunity_query_init(q, 1))
    keep: list = []
    if pipeline is not None:
        q.pipeline = check_id(pipeline, "pipeline")
    if customer is not None:
        q.by, q.customer = _OPP_BY_CUSTOMER, check_id(customer, "customer")
    elif stage is not None:
        q.by, q.stage = _OPP_BY_STAGE, check_id(stage, "stage")  # a name was resolved by the caller
    elif owner is not None:
        q.by = _OPP_BY_OWNER
        q.owner, q.owner_len = text_arg(keep, owner, "owner")
    elif close_from is not None or close_to is not None:
        q.by = _OPP_BY_EXPECTED_CLOSE
        if close_from is not None:
            q.close_from = to_micros(close_from, "close_from")
        if close_to is not None:
            q.close_to = to_micros(close_to, "close_to")
    elif pipeline is not None:
        q.by = _OPP_BY_PIPELINE
    q.open_only = 1 if open_only else 0
    paging(q, keep, page_size, page_token)
    return q, keep


def _stage_id(pipeline: Any, stage: int | str) -> int:
    """A stage of `pipeline` given by id or by name (case-insensitive), as its id."""
    if isinstance(stage, str):
        stage_id = pipeline.stage_id(stage)
        if stage_id is None:
            names = ", ".join(repr(s.name) for s in pipeline.stages)
            raise InvalidError(EINVALID, f"stage: {pipeline.name!r} has no stage {stage!r} (it has {names})")
        return stage_id  # type: ignore[no-any-return]
    if isinstance(stage, bool) or not isinstance(stage, int) or not 0 <= stage < 2**32:
        raise InvalidError(EINVALID, f"stage: expected a stage id or name, got {stage!r}")
    return stage


def _stage_arg(ops: Any, pipeline: int | None, stage: int | str | None) -> int | None:
    """A stage filter given by name resolved in `pipeline` (the default pipeline when None)."""
    if not isinstance(stage, str):
        return stage
    return _stage_id(ops.pipeline(0 if pipeline is None else check_id(pipeline, "pipeline")), stage)


class OpportunityReads(Ops):
    """Reads of opportunities: methods of every transaction and of the database."""

    def opportunity(self, id: int) -> Opportunity:
        """The opportunity with this id; NotFoundError when none."""
        return self._get(lib.crm_opportunity_get, Opportunity, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_opportunity(self, id: int, default: T | None = None) -> Opportunity | T | None:
        """The opportunity with this id, or `default`."""
        return self._get_or(default, lib.crm_opportunity_get, Opportunity, check_id(id, "id"))  # type: ignore[no-any-return]

    def opportunity_by_external_id(self, external_id: str) -> Opportunity:
        """The opportunity with this external id; NotFoundError when none."""
        raw = _encode(external_id, "external_id")
        return self._get(lib.crm_opportunity_find_by_external_id, Opportunity, raw, len(raw))  # type: ignore[no-any-return]

    def get_opportunity_by_external_id(self, external_id: str, default: T | None = None) -> Opportunity | T | None:
        """The opportunity with this external id, or `default`."""
        raw = _encode(external_id, "external_id")
        return self._get_or(default, lib.crm_opportunity_find_by_external_id, Opportunity, raw, len(raw))  # type: ignore[no-any-return]

    def opportunities(
        self,
        *,
        customer: int | None = None,
        pipeline: int | None = None,
        stage: int | str | None = None,
        owner: str | None = None,
        close_from: TimeLike = None,
        close_to: TimeLike = None,
        open_only: bool = False,
        page_size: int = 0,
        page_token: str | None = None,
    ) -> "Listing[Opportunity]":
        """The opportunities, lazily: all, or those of a customer, of a pipeline, in a stage (by id
        or name, of ``pipeline``, default the default pipeline), of an owner, or expected to close in
        [close_from, close_to); ``open_only`` leaves out won and lost ones."""
        stage = _stage_arg(self, pipeline, stage)
        q, keep = _opportunity_query(customer, pipeline, stage, owner, close_from, close_to, open_only, page_size,
                                     page_token)  # fmt: skip
        listing = self._listing(lib.crm_opportunity_list, lib.crm_iter_take_opportunities, Opportunity, q)
        del keep
        return listing

    def count_opportunities(
        self,
        *,
        customer: int | None = None,
        pipeline: int | None = None,
        stage: int | str | None = None,
        owner: str | None = None,
        close_from: TimeLike = None,
        close_to: TimeLike = None,
        open_only: bool = False,
    ) -> int:
        """How many opportunities :meth:`opportunities` would list with the same filters."""
        stage = _stage_arg(self, pipeline, stage)
        q, keep = _opportunity_query(customer, pipeline, stage, owner, close_from, close_to, open_only)
        n = self._count(lib.crm_opportunity_count, q)
        del keep
        return n


def _move(t: Any, id: int, stage: int | str) -> Opportunity:
    """Moves deal `id` to a stage given by id or by name, in write transaction `t`."""
    if isinstance(stage, str):
        stage = _stage_id(t.pipeline(t.opportunity(id).pipeline), stage)
    return t._get(lib.crm_opportunity_move, Opportunity, id, _stage_id(None, stage))  # type: ignore[no-any-return]


_CREATE = write_record(lib.crm_opportunity_create)
_UPDATE = write_record(lib.crm_opportunity_update)
_UPSERT = write_record(lib.crm_opportunity_upsert)
_PATCH = write_patch(lib.crm_opportunity_patch)
_WIN = write_get(lib.crm_opportunity_close_won, Opportunity)
_LOSE = write_get(lib.crm_opportunity_close_lost, Opportunity)
_DELETE = write_plain(lib.crm_opportunity_delete)


class OpportunityWrites(Ops):
    """Writes of opportunities: methods of a write transaction and of the database."""

    def create_opportunity(self, opportunity: Opportunity, actor: str | None = None) -> Opportunity:
        """Creates an opportunity; returns it with its id, pipeline, stage and probability."""
        return self._in_write(_CREATE, actor, check_record(opportunity, Opportunity, "opportunity"))  # type: ignore[no-any-return]

    def update_opportunity(self, opportunity: Opportunity, actor: str | None = None, *,
                           fields: list[str] | None = None) -> Opportunity:
        """Stores a changed opportunity (revision checked); returns it as stored. With ``fields``
        only those are changed ("amount", "stage", "lines", "custom.region"; "+contacts" and "+lines" add) and the
        revision is checked only when set."""
        check_record(opportunity, Opportunity, "opportunity")
        if fields is not None:
            return self._in_write(_PATCH, actor, opportunity, fields)  # type: ignore[no-any-return]
        return self._in_write(_UPDATE, actor, opportunity)  # type: ignore[no-any-return]

    def upsert_opportunity(self, opportunity: Opportunity, actor: str | None = None, *,
                           fields: list[str] | None = None) -> Opportunity:
        """Creates, or replaces regardless of revision, the opportunity with ``external_id``
        (required): re-running an import updates instead of duplicating. Without a stage or
        customer the stored ones are kept. With ``fields`` an existing one changes only in those."""
        check_record(opportunity, Opportunity, "opportunity")
        if fields is not None:
            if opportunity.id:
                raise InvalidError(EINVALID, "id: an upsert goes by external_id; use update_opportunity(fields=...) by id")
            return self._in_write(_PATCH, actor, opportunity, fields)  # type: ignore[no-any-return]
        return self._in_write(_UPSERT, actor, opportunity)  # type: ignore[no-any-return]

    def move_opportunity(self, id: int, stage: int | str, actor: str | None = None) -> Opportunity:
        """Moves an opportunity to a stage of its pipeline, given by id or by name
        (case-insensitive); the move is recorded in its history. Returns it as stored."""
        return self._in_write(_move, actor, check_id(id, "id"), stage)

    def win_opportunity(self, id: int, actor: str | None = None) -> Opportunity:
        """Closes an opportunity as won (moves it to its pipeline's won stage)."""
        return self._in_write(_WIN, actor, check_id(id, "id"))  # type: ignore[no-any-return]

    def lose_opportunity(self, id: int, reason: str = "", actor: str | None = None) -> Opportunity:
        """Closes an opportunity as lost, with a reason. A won one must be reopened (moved to an
        open stage) first: :class:`crm.ConflictError` otherwise."""
        raw = _encode(reason, "reason")
        return self._in_write(_LOSE, actor, check_id(id, "id"), raw, len(raw))  # type: ignore[no-any-return]

    def delete_opportunity(self, id: int, actor: str | None = None) -> None:
        """Deletes an opportunity."""
        self._in_write(_DELETE, actor, check_id(id, "id"))
