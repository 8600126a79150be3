"""Value types shared by the records: enums, Money and the conversion of times."""
from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, Union

from ._native import lib
from .errors import EINVALID, InvalidError, check

UTC = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = _dt.timedelta(microseconds=1)

#: What a time field accepts: an aware datetime, a date (midnight UTC), or None for "none".
TimeLike = Union[_dt.datetime, _dt.date, None]


class Kind(enum.IntEnum):
    """Whether a customer is a person or an organization."""

    PERSON = 1
    ORGANIZATION = 2


class LifecycleStage(enum.IntEnum):
    """Where a customer is in the lifecycle (not to be confused with a pipeline's stages)."""

    SUBSCRIBER = 1
    LEAD = 2
    PROSPECT = 3
    OPPORTUNITY = 4
    CUSTOMER = 5
    EVANGELIST = 6
    CHURNED = 7
    OTHER = 8


class AccountType(enum.IntEnum):
    """What an organization is to the business."""

    NONE = 0
    PROSPECT = 1
    CUSTOMER = 2
    PARTNER = 3
    COMPETITOR = 4
    OTHER = 5


class PhoneType(enum.IntEnum):
    """What kind of line a phone number is, as libphonenumber tells from its digits."""

    UNKNOWN = 0
    FIXED_LINE = 1
    MOBILE = 2
    FIXED_LINE_OR_MOBILE = 3  #: regions whose numbers do not tell (the US, Canada ...)
    TOLL_FREE = 4
    PREMIUM_RATE = 5
    SHARED_COST = 6
    VOIP = 7
    PERSONAL = 8
    PAGER = 9
    UAN = 10
    VOICEMAIL = 11


class LegalBasis(enum.IntEnum):
    """The legal basis of an email opt-in (GDPR Art. 6)."""

    NONE = 0
    CONSENT = 1
    CONTRACT = 2
    LEGAL_OBLIGATION = 3
    VITAL_INTERESTS = 4
    PUBLIC_TASK = 5
    LEGITIMATE_INTERESTS = 6


class InteractionKind(enum.IntEnum):
    """What an interaction was."""

    CALL = 1
    EMAIL = 2
    MEETING = 3
    NOTE = 4
    TASK = 5
    SUPPORT_TICKET = 6
    PURCHASE = 7
    OTHER = 8


class Direction(enum.IntEnum):
    """Who started an interaction."""

    NONE = 0
    INBOUND = 1
    OUTBOUND = 2


class Outcome(enum.IntEnum):
    """What a pipeline stage means: still open, won or lost."""

    OPEN = 0
    WON = 1
    LOST = 2


class ForecastCategory(enum.IntEnum):
    """Where a deal counts in a forecast: a stage's (AUTO: by its outcome) and a deal's override
    while open (AUTO: its stage's). CLOSED belongs to won stages only."""

    AUTO = 0
    PIPELINE = 1
    BEST_CASE = 2
    COMMIT = 3
    CLOSED = 4
    OMITTED = 5


class Entity(enum.IntEnum):
    """The kind of record a change is about."""

    CUSTOMER = 1
    INTERACTION = 2
    OPPORTUNITY = 3
    PIPELINE = 4
    USER = 5
    TEAM = 6
    PRODUCT = 7
    SEGMENT = 8
    CAMPAIGN = 9
    TICKET = 10


class Op(enum.IntEnum):
    """What a change did."""

    CREATE = 1
    UPDATE = 2
    ARCHIVE = 3
    RESTORE = 4
    DELETE = 5
    STAGE_MOVE = 6
    ERASE = 7  #: a tombstone: the record was erased (crm.privacy)
    MERGE = 8  #: customers were merged into this one (crm.duplicates; since 0.18)
    UNMERGE = 9  #: a merge into this customer was undone


# ---- time ----


def at_micros(micros: int) -> _dt.datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return _EPOCH + _dt.timedelta(microseconds=micros)


def to_datetime(micros: int) -> _dt.datetime | None:
    """A stored time (microseconds since the epoch, UTC) as an aware datetime; 0 is None."""
    return None if micros == 0 else at_micros(micros)


def to_micros(value: TimeLike, what: str) -> int:
    """An aware datetime, a date (its midnight UTC) or None (0) as microseconds since the epoch."""
    if value is None:
        return 0
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise InvalidError(
                EINVALID, f"{what}: a naive datetime is ambiguous; give it a timezone (datetime.timezone.utc)"
            )
        return (value - _EPOCH) // _MICROSECOND
    if isinstance(value, _dt.date):
        return (_dt.datetime(value.year, value.month, value.day, tzinfo=UTC) - _EPOCH) // _MICROSECOND
    raise InvalidError(EINVALID, f"{what}: expected a datetime, a date or None, got {type(value).__name__}")


# ---- money ----

_DIGITS: dict[str, int] = {}


def currency_digits(code: str) -> int:
    """The number of minor-unit digits of an ISO 4217 currency: 2 for EUR, 0 for JPY, 3 for KWD.

    Raises :class:`crm.InvalidError` for a code libcrm does not know.
    """
    digits = _DIGITS.get(code)
    if digits is None:
        raw = code.encode()
        digits = check(lib.crm_currency_digits(raw, len(raw)))
        _DIGITS[code] = digits
    return digits


@dataclass(frozen=True)
class Money:
    """An exact amount of money in an ISO 4217 currency, e.g. ``Money("12.50", "EUR")``.

    ``amount`` is a :class:`~decimal.Decimal`; it may not have more decimals than the currency
    has minor units (no rounding ever happens). Floats are refused: they cannot hold 0.10 exactly.
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        if isinstance(amount, float) or isinstance(amount, bool):
            raise InvalidError(EINVALID, f"amount: give a Decimal, an int or a str, not {type(amount).__name__}")
        try:
            value = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError):
            raise InvalidError(EINVALID, f"amount: {amount!r} is not a number") from None
        if not value.is_finite():
            raise InvalidError(EINVALID, f"amount: {amount!r} is not a finite number")
        if value and not -20 <= value.adjusted() <= 20:  # before any arithmetic can round or overflow
            raise InvalidError(EINVALID, f"amount: {amount!r} is out of range")
        if not isinstance(currency, str):
            raise InvalidError(EINVALID, f"currency: expected a str, got {type(currency).__name__}")
        digits = currency_digits(currency)
        minor = value.scaleb(digits)
        if minor != minor.to_integral_value():
            raise InvalidError(
                EINVALID, f"amount: {value} {currency} has more decimals than {currency} has ({digits})"
            )
        if not -(2**63) <= minor < 2**63:
            raise InvalidError(EINVALID, f"amount: {value} {currency} is too large")
        object.__setattr__(self, "amount", value.quantize(Decimal(1).scaleb(-digits)))
        object.__setattr__(self, "currency", currency)

    @classmethod
    def from_minor(cls, minor_units: int, currency: str) -> "Money":
        """Money from a count of minor units: ``Money.from_minor(1250, "EUR")`` is 12.50 EUR."""
        return cls(Decimal(minor_units).scaleb(-currency_digits(currency)), currency)

    @property
    def minor_units(self) -> int:
        """The amount as an integer count of the currency's minor units (cents for EUR)."""
        return int(self.amount.scaleb(currency_digits(self.currency)))

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"

    # Arithmetic and order within one currency, exact (Decimal); two currencies never mix.

    def _same(self, other: Any, op: str) -> "Money":
        if not isinstance(other, Money):
            return NotImplemented  # type: ignore[return-value]
        if other.currency != self.currency:
            raise InvalidError(EINVALID, f"{op}: {self.currency} and {other.currency} are different currencies")
        return other

    def __add__(self, other: Any) -> "Money":
        o = self._same(other, "+")
        return o if o is NotImplemented else Money(self.amount + o.amount, self.currency)

    def __radd__(self, other: Any) -> "Money":
        if other == 0 and not isinstance(other, bool):  # sum() starts from 0
            return self
        return NotImplemented  # type: ignore[return-value]

    def __sub__(self, other: Any) -> "Money":
        o = self._same(other, "-")
        return o if o is NotImplemented else Money(self.amount - o.amount, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __pos__(self) -> "Money":
        return self

    def __abs__(self) -> "Money":
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: Any) -> "Money":
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented  # only whole multiples stay exact in the currency's minor units
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Any) -> bool:
        o = self._same(other, "<")
        return o if o is NotImplemented else self.amount < o.amount  # type: ignore[return-value]

    def __le__(self, other: Any) -> bool:
        o = self._same(other, "<=")
        return o if o is NotImplemented else self.amount <= o.amount  # type: ignore[return-value]

    def __gt__(self, other: Any) -> bool:
        o = self._same(other, ">")
        return o if o is NotImplemented else self.amount > o.amount  # type: ignore[return-value]

    def __ge__(self, other: Any) -> bool:
        o = self._same(other, ">=")
        return o if o is NotImplemented else self.amount >= o.amount  # type: ignore[return-value]

    def to_json(self) -> dict[str, str]:
        """{"amount": "12.50", "currency": "EUR"}: the amount as a decimal string, exact."""
        return {"amount": str(self.amount), "currency": self.currency}


E = TypeVar("E", bound=enum.Enum)


def enum_arg(kind: type[E], value: Any, what: str) -> E:
    """An enumeration argument given as a member, its name (any case) or its number; anything
    else is an InvalidError naming `what` and the choices."""
    if isinstance(value, kind):
        return value
    names = ", ".join(m.name.lower() for m in kind)
    if isinstance(value, str):
        try:
            return kind[value.strip().upper()]
        except KeyError:
            raise InvalidError(EINVALID, f"{what}: {value!r} is not one of {names}") from None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return kind(value)
        except ValueError:
            raise InvalidError(EINVALID, f"{what}: {value} is not one of {names}") from None
    raise InvalidError(EINVALID, f"{what}: expected one of {names}, got {type(value).__name__}")
