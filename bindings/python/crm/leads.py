"""Lead conversion: a lead becomes a person at a later stage, a member of an organization (found or
created) and the contact of a new deal, in one transaction; it keeps its id and so its campaign
history."""
from __future__ import annotations

from typing import Any, NamedTuple, Optional

from ._fields import _encode
from ._native import ffi, lib
from ._ops import Ops, check_id
from .customers import Customer
from .errors import EINVALID, InvalidError, check
from .opportunities import Opportunity
from .values import LifecycleStage, Money, to_micros


class LeadConversion(NamedTuple):
    """What a conversion left: the person, its organization and the deal (None when not made)."""

    person: Customer
    organization: Optional[Customer]
    organization_created: bool
    opportunity: Optional[Opportunity]


def _convert(t: Any, conv: Any) -> LeadConversion:
    def go(h: Any) -> LeadConversion:
        person, org, deal = ffi.new("crm_customer**"), ffi.new("crm_customer**"), ffi.new("crm_opportunity**")
        created = ffi.new("int*")
        check(lib.crm_lead_convert(person, org, deal, created, h, conv))
        return LeadConversion(Customer._own(person[0]), Customer._own(org[0]) if org[0] != ffi.NULL else None,
                              bool(created[0]), Opportunity._own(deal[0]) if deal[0] != ffi.NULL else None)

    return t._with_read(go)  # type: ignore[no-any-return]


class LeadWrites(Ops):
    """Lead conversion: a method of a write transaction and of the database."""

    def convert_lead(self, lead: int, company: Optional[str] = None, organization: Optional[int] = None,
                     role: str = "", stage: LifecycleStage | str | None = None, deal: Optional[str] = None,
                     pipeline: Optional[int] = None, amount: Optional[Money] = None, expected_close: Any = None,
                     owner: str = "", actor: str | None = None) -> LeadConversion:
        """Converts a lead (a person at stage subscriber or lead): it joins `organization`, else the
        organization found for `company` (by its work email domain, then by name; `company` None:
        its custom field "company") or a new one, moves to `stage` (None: OPPORTUNITY with a deal,
        else PROSPECT) and, with a `deal` title, becomes the contact of a new opportunity.
        ConflictError when it is not a lead; nothing is written unless everything is."""
        conv = ffi.new("crm_lead_conversion*")
        keep = []

        def text(field: str, value: Optional[str]) -> None:
            raw = _encode(value or "", field)
            keep.append(ffi.new("char[]", raw))
            setattr(conv, field, keep[-1])
            setattr(conv, field + "_len", len(raw))

        conv.version = 1
        conv.lead = check_id(lead, "lead")
        conv.organization = 0 if organization is None else check_id(organization, "organization")
        text("company", company)
        text("role", role)
        if stage is not None:
            if isinstance(stage, str):
                try:
                    stage = LifecycleStage[stage.upper()]
                except KeyError:
                    raise InvalidError(EINVALID, f"stage: {stage!r} is not a lifecycle stage") from None
            conv.stage = int(stage)
        text("deal_title", deal)
        conv.pipeline = 0 if pipeline is None else check_id(pipeline, "pipeline")
        if amount is not None:
            if not isinstance(amount, Money):
                raise InvalidError(EINVALID, "amount: expected a crm.Money")
            conv.amount = amount.minor_units
            text("currency", amount.currency)
        conv.expected_close = 0 if expected_close is None else to_micros(expected_close, "expected_close")
        text("owner", owner)
        return self._in_write(_convert, actor, conv)  # type: ignore[no-any-return]
