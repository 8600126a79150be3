"""Records: Python objects over libcrm's record handles, with typed attributes.

A record owns its C object (freed with it) and is independent of any database or transaction:
it can be kept, changed and written back later. Attributes are read from and written to the C
object when used, so a record read from a large listing costs only what is looked at. Each
record has its own lock, so sharing one between threads cannot corrupt it.
"""
from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any, Callable, Generic, NamedTuple, Optional, TypeVar, Union

from ._native import ffi, lib
from .errors import EINVALID, ENOTFOUND, InvalidError, check, fail
from .values import (
    Direction,
    Entity,
    InteractionKind,
    Kind,
    LegalBasis,
    LifecycleStage,
    Money,
    Op,
    Outcome,
    at_micros,
    to_datetime,
    to_micros,
)

#: How many records a listing moves out of a C iterator per call.
BATCH = 64

_VALUE_TEXT, _VALUE_INT, _VALUE_MONEY, _VALUE_TIME, _VALUE_BOOL = 1, 2, 3, 4, 5
_LIST_EMAILS, _LIST_PHONES, _LIST_TAGS, _LIST_MEMBERSHIPS, _LIST_CUSTOM = 1, 2, 3, 4, 5

_string = ffi.string
_unpack = ffi.unpack
_NULL = ffi.NULL
_Lock = threading.Lock
_CHAR_PP = ffi.typeof("const char**")
_SIZE_P = ffi.typeof("size_t*")
_INT_P = ffi.typeof("int*")


def encode(value: Any, what: str) -> bytes:
    """A str as UTF-8; anything else, or a str that cannot be encoded, is an InvalidError naming
    `what`."""
    if type(value) is not str and not isinstance(value, str):
        raise InvalidError(EINVALID, f"{what}: expected a str, got {type(value).__name__}")
    try:
        return value.encode()
    except UnicodeEncodeError as e:
        raise InvalidError(EINVALID, f"{what}: cannot be encoded as UTF-8 ({e.reason})") from None


def _encode(value: Any, what: str) -> bytes:
    """encode() for a record field, where None is the empty text."""
    return b"" if value is None else encode(value, what)


def _text(p: Any, n: int) -> str:
    return _unpack(p, n).decode()


class Email(NamedTuple):
    """One email address of a customer."""

    address: str
    label: str = ""
    primary: bool = False


class Phone(NamedTuple):
    """One phone number of a customer."""

    number: str
    label: str = ""
    primary: bool = False


class Membership(NamedTuple):
    """A person's membership of an organization (another customer), with a role."""

    organization: int
    role: str = ""


class Contact(NamedTuple):
    """A person on an opportunity, with a role (e.g. "decision maker")."""

    person: int
    role: str = ""


class PipelineStage(NamedTuple):
    """A stage of a pipeline. ``id`` 0 in a new stage: the store assigns it."""

    id: int
    name: str
    probability: int
    outcome: Outcome = Outcome.OPEN


class StageChange(NamedTuple):
    """One entry of an opportunity's stage history. ``from_stage`` is 0 for the stage it was
    created in."""

    from_stage: int
    to_stage: int
    at: _dt.datetime | None
    actor: str
    amount: Money | None
    probability: int


class FieldChange(NamedTuple):
    """One field of a change: its name and its value before and after, as text ("" for none)."""

    name: str
    before: str
    after: str


# ---- attribute descriptors ----
# Each descriptor's __get__ is typed with what an instance attribute gives (the `return self` for
# class access is the one exception, marked), so that type checkers see `c.display_name: str`.

V = TypeVar("V")
E = TypeVar("E")
P = TypeVar("P")


class _Field:
    """A record attribute kept in the C object, read and written through the C getters/setters."""

    def __init__(self, field: int, doc: str, readonly: bool = False) -> None:
        self.field = field
        self.readonly = readonly
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = owner.__name__

    def readonly_error(self) -> AttributeError:
        return AttributeError(f"{self.owner}.{self.name} is read-only: the store sets it")

    def init(self, obj: Any, value: Any) -> None:
        """Sets the field of a record under construction (not yet shared: no lock)."""
        self.__set__(obj, value)  # type: ignore[attr-defined]


class _Text(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> str:
        if obj is None:
            return self  # type: ignore[return-value]
        lock = obj._lock
        lock.acquire()  # nothing between acquire and release can raise
        raw = _string(obj._TEXT(obj._h, self.field, _NULL))
        lock.release()
        return raw.decode()

    def __set__(self, obj: Any, value: str | None) -> None:
        if self.readonly:
            raise self.readonly_error()
        raw = _encode(value, self.name)
        with obj._lock:
            rc = obj._SET_TEXT(obj._h, self.field, raw, len(raw))
        if rc:
            fail(rc)


class _Number(_Field, Generic[V]):
    """An integer field of the C record, given to Python as V."""

    def convert_out(self, value: int) -> V:
        return value  # type: ignore[return-value]

    def convert_in(self, value: Any) -> int:
        if not isinstance(value, int):
            raise InvalidError(EINVALID, f"{self.name}: expected an int, got {type(value).__name__}")
        return value

    def __get__(self, obj: Any, owner: Any = None) -> V:
        if obj is None:
            return self  # type: ignore[return-value]
        lock = obj._lock
        lock.acquire()  # nothing between acquire and release can raise
        value = obj._INT(obj._h, self.field)
        lock.release()
        return self.convert_out(value)

    def __set__(self, obj: Any, value: Any) -> None:
        if self.readonly:
            raise self.readonly_error()
        number = self.convert_in(value)
        if not -(2**63) <= number < 2**63:
            raise InvalidError(EINVALID, f"{self.name}: {number} is out of range")
        with obj._lock:
            rc = obj._SET_INT(obj._h, self.field, number)
        if rc:
            fail(rc)

    def init(self, obj: Any, value: Any) -> None:
        if self.readonly:
            raise self.readonly_error()
        number = self.convert_in(value)
        if not -(2**63) <= number < 2**63:
            raise InvalidError(EINVALID, f"{self.name}: {number} is out of range")
        rc = obj._SET_INT(obj._h, self.field, number)
        if rc:
            fail(rc)


class _Int(_Number[int]):
    pass


class _Bool(_Number[bool]):
    def convert_out(self, value: int) -> bool:
        return value != 0

    def convert_in(self, value: Any) -> int:
        if not isinstance(value, (bool, int)):
            raise InvalidError(EINVALID, f"{self.name}: expected a bool, got {type(value).__name__}")
        return 1 if value else 0


class _Time(_Number[Optional[_dt.datetime]]):
    def convert_out(self, value: int) -> _dt.datetime | None:
        return to_datetime(value)

    def convert_in(self, value: Any) -> int:
        return to_micros(value, self.name)


class _Ref(_Number[Optional[int]]):
    """An optional reference to another record: its id, or None."""

    def convert_out(self, value: int) -> int | None:
        return value or None

    def convert_in(self, value: Any) -> int:
        return 0 if value is None else super().convert_in(value)


class _Enum(_Number[E]):
    def __init__(self, field: int, enum: type[E], doc: str, readonly: bool = False) -> None:
        super().__init__(field, doc, readonly)
        self.enum: Any = enum

    def convert_out(self, value: int) -> E:
        try:
            return self.enum(value)  # type: ignore[call-arg]
        except ValueError:  # a value from a newer libcrm
            return value  # type: ignore[return-value]

    def convert_in(self, value: Any) -> int:
        if isinstance(value, str):
            try:
                return int(self.enum[value.upper()])
            except KeyError:
                names = ", ".join(m.name.lower() for m in self.enum)
                raise InvalidError(EINVALID, f"{self.name}: {value!r} is not one of {names}") from None
        return super().convert_in(value)


class _Amount(_Field):
    """An amount as Money: an int field (minor units) and a text field (the currency)."""

    def __init__(self, amount_field: int, currency_field: int, doc: str) -> None:
        super().__init__(amount_field, doc)
        self.currency_field = currency_field

    def __get__(self, obj: Any, owner: Any = None) -> Optional[Money]:
        if obj is None:
            return self  # type: ignore[return-value]
        with obj._lock:
            currency = _string(obj._TEXT(obj._h, self.currency_field, ffi.NULL)).decode()
            minor = obj._INT(obj._h, self.field)
        return Money.from_minor(minor, currency) if currency else None

    def __set__(self, obj: Any, value: Money | None) -> None:
        if value is not None and not isinstance(value, Money):
            raise InvalidError(EINVALID, f"{self.name}: expected a crm.Money or None, got {type(value).__name__}")
        currency = b"" if value is None else value.currency.encode()
        minor = 0 if value is None else value.minor_units
        with obj._lock:
            rc = obj._SET_TEXT(obj._h, self.currency_field, currency, len(currency))
            if rc == 0:
                rc = obj._SET_INT(obj._h, self.field, minor)
        if rc:
            fail(rc)


# ---- the base record ----


class Record:
    """The base of every record: owns one C object."""

    __slots__ = ("_h", "_lock", "__weakref__")
    _h: Any  # the C record (a cffi pointer that frees it when collected)
    _lock: Any  # taken around every use of _h
    _CTYPE: str
    _OUT: Any  # the cffi types of an out-parameter and of a batch, set for each subclass
    _BATCH: Any
    _NEW: Any
    _FREE: Any
    _CLONE: Any
    _FIELDS: tuple[str, ...] = ()

    def __init__(self, **fields: Any) -> None:
        # Replaced in each record class by one generated from its fields (_make_init).
        raise TypeError(f"{type(self).__name__} is not a record kind of its own")

    def __init_subclass__(cls) -> None:
        cls._OUT = ffi.typeof(cls._CTYPE + "**")
        cls._BATCH = ffi.typeof(f"{cls._CTYPE}*[{BATCH}]")
        if "_NEW" in cls.__dict__:
            cls.__init__ = _make_init(cls)  # type: ignore[assignment]

    @classmethod
    def _own(cls, pointer: Any, lock: Any = None) -> Any:
        """Wraps a C object the caller gives up. Records of one listing share a lock."""
        record = cls.__new__(cls)
        record._h = ffi.gc(pointer, cls._FREE)
        record._lock = lock or threading.Lock()
        return record

    def copy(self) -> Any:
        """An independent copy of this record."""
        out = ffi.new(self._OUT)
        with self._lock:
            rc = self._CLONE(out, self._h)
        if rc:
            fail(rc)
        return type(self)._own(out[0])

    __copy__ = copy

    def __deepcopy__(self, memo: dict) -> Any:
        return self.copy()

    def to_dict(self) -> dict[str, Any]:
        """Every field of the record as a plain dict (lists as lists of tuples)."""
        return {name: getattr(self, name) for name in self._FIELDS}

    def __eq__(self, other: object) -> bool:
        """Records are equal when they are of one kind and every field is equal."""
        if type(other) is not type(self):
            return NotImplemented
        return other is self or self.to_dict() == other.to_dict()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # records change: they cannot be dict keys

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={getattr(self, 'id', None)}>"


def _make_init(cls: type) -> Callable[..., None]:
    """Writes the constructor of a record class: keyword-only arguments, one per field, each set
    straight into the new C record (text fields inline: one C call each and little else), as
    dataclasses writes its __init__. None means "not given": the new record's empty value.
    Store-managed fields given as arguments raise AttributeError; unknown names raise TypeError,
    as for any Python function."""
    scope: dict[str, Any] = {
        "_new_out": ffi.new, "_OUT": cls._OUT, "_NEW": cls._NEW, "_gc": ffi.gc,  # type: ignore[attr-defined]
        "_FREE": cls._FREE, "_Lock": _Lock, "_fail": fail, "_encode": _encode,  # type: ignore[attr-defined]
        "_set_text": getattr(cls, "_SET_TEXT", None),
    }  # fmt: skip
    params, body = [], []
    for name in sorted(n for n in dir(cls) if not n.startswith("_")):
        attr = getattr(cls, name, None)
        if isinstance(attr, _Text) and not attr.readonly:
            body.append(
                f"    if {name} is not None:\n"
                f"        if type({name}) is str:\n"
                f"            try:\n"
                f"                raw = {name}.encode()\n"
                f"            except UnicodeEncodeError:\n"
                f"                raw = _encode({name}, {name!r})\n"
                f"        else:\n"
                f"            raw = _encode({name}, {name!r})\n"
                f"        rc = _set_text(h, {attr.field}, raw, len(raw))\n"
                f"        if rc:\n"
                f"            _fail(rc)\n"
            )
        elif isinstance(attr, (_ContactPoints, _Tags)):
            # A list of plain strings, the usual case, is added inline; anything else item by item.
            scope[f"_set_{name}"] = attr.init
            scope[f"_add_{name}"] = attr.add if isinstance(attr, _ContactPoints) else lib.crm_customer_add_tag
            scope[f"_one_{name}"] = (lambda a: lambda obj, item: a.init(obj, [item]))(attr)
            extra = ', b"", 0, 0' if isinstance(attr, _ContactPoints) else ""
            body.append(
                f"    if {name} is not None:\n"
                f"        if type({name}) is list:\n"
                f"            for item in {name}:\n"
                f"                if type(item) is str and item.isascii():\n"
                f"                    raw = item.encode()\n"
                f"                    rc = _add_{name}(h, raw, len(raw){extra})\n"
                f"                    if rc:\n"
                f"                        _fail(rc)\n"
                f"                else:\n"
                f"                    _one_{name}(self, item)\n"
                f"        else:\n"
                f"            _set_{name}(self, {name})\n"
            )
        elif isinstance(attr, _Field) and not attr.readonly:
            scope[f"_set_{name}"] = attr.init
            body.append(f"    if {name} is not None:\n        _set_{name}(self, {name})\n")
        elif isinstance(attr, property) and attr.fset is not None:
            scope[f"_set_{name}"] = attr.fset
            body.append(f"    if {name} is not None:\n        _set_{name}(self, {name})\n")
        elif isinstance(attr, (_Field, property)):
            message = f"{cls.__name__}.{name} is read-only: the store sets it"
            body.append(f"    if {name} is not None:\n        raise AttributeError({message!r})\n")
        else:
            continue
        params.append(f"{name}=None")
    source = (
        f"def __init__(self, *, {', '.join(params)}):\n"
        "    out = _new_out(_OUT)\n"
        "    rc = _NEW(out)\n"
        "    if rc:\n"
        "        _fail(rc)\n"
        "    h = out[0]\n"
        "    self._h = _gc(h, _FREE)\n"
        "    self._lock = _Lock()\n" + "".join(body)
    )
    exec(source, scope)  # noqa: S102 - source built above from the class's own field names
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__name__}.__init__"
    init.__doc__ = f"A new {cls.__name__}; any field may be given by name (see the class)."
    return init


def _pairs(value: Any, what: str) -> list:
    if type(value) is list or type(value) is tuple:
        return value  # type: ignore[return-value]
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidError(EINVALID, f"{what}: expected a list, got {type(value).__name__}")
    return list(value)


def _replace_list(record: Record, name: str, clear: Callable[[Any], int], items: list, add: Callable[[Any], int]) -> None:
    """Replaces one list of a record with `items` (clear(handle), then add(item) each), leaving it
    as it was if one is refused."""
    old = getattr(record, name)
    with record._lock:
        check(clear(record._h))
        try:
            for item in items:
                check(add(item))
        except BaseException:
            check(clear(record._h))
            for item in old:
                check(add(item))
            raise


def _customer_list(which: int) -> Callable[[Any], int]:
    """Empties one list of a customer (crm_customer_clear)."""
    return lambda h: lib.crm_customer_clear(h, which)


# ---- customers ----

class _ContactPoints(_Field, Generic[P]):
    """Emails or phones: a list of (value, label, primary)."""

    def __init__(self, count: Any, get: Any, add: Any, clear_list: int, item: type[P], doc: str) -> None:
        super().__init__(0, doc)
        self.count, self.get, self.add, self.clear_list = count, get, add, clear_list
        self.item: Any = item

    def __get__(self, obj: Any, owner: Any = None) -> list[P]:
        if obj is None:
            return self  # type: ignore[return-value]
        value, label = ffi.new("const char*[2]"), ffi.new("size_t[2]")
        primary = ffi.new("int*")
        items = []
        with obj._lock:
            for i in range(self.count(obj._h)):
                check(self.get(obj._h, i, value, label, value + 1, label + 1, primary))
                items.append(self.item(_text(value[0], label[0]), _text(value[1], label[1]), bool(primary[0])))
        return items

    def add_one(self, obj: Any, item: Any) -> int:
        if isinstance(item, str):
            item = self.item(item)
        elif not isinstance(item, tuple):
            raise InvalidError(EINVALID, f"{self.name}: expected a str or a {self.item.__name__}, got {type(item).__name__}")
        try:
            item = self.item(*item)
        except TypeError as e:
            raise InvalidError(EINVALID, f"{self.name}: {e}") from None
        raw = _encode(item[0], self.name)
        label = _encode(item[1], self.name + ".label")
        return self.add(obj._h, raw, len(raw), label, len(label), 1 if item[2] else 0)

    def __set__(self, obj: Any, value: Any) -> None:
        items = _pairs(value, self.name)
        _replace_list(obj, self.name, _customer_list(self.clear_list), items, lambda item: self.add_one(obj, item))

    def init(self, obj: Any, value: Any) -> None:
        add, h = self.add, obj._h
        for item in _pairs(value, self.name):
            if type(item) is str:  # the usual case: just an address or a number
                raw = _encode(item, self.name)
                rc = add(h, raw, len(raw), b"", 0, 0)
            else:
                rc = self.add_one(obj, item)
            if rc:
                fail(rc)


class _Tags(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[str]:
        if obj is None:
            return self  # type: ignore[return-value]
        n = ffi.new("size_t*")
        with obj._lock:
            return [_text(lib.crm_customer_tag(obj._h, i, n), n[0]) for i in range(lib.crm_customer_tag_count(obj._h))]

    def __set__(self, obj: Any, value: Any) -> None:
        def add(tag: Any) -> int:
            raw = _encode(tag, "tags")
            return lib.crm_customer_add_tag(obj._h, raw, len(raw))

        _replace_list(obj, "tags", _customer_list(_LIST_TAGS), _pairs(value, "tags"), add)

    def init(self, obj: Any, value: Any) -> None:
        for tag in _pairs(value, "tags"):
            raw = _encode(tag, "tags")
            rc = lib.crm_customer_add_tag(obj._h, raw, len(raw))
            if rc:
                fail(rc)


class _Memberships(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[Membership]:
        if obj is None:
            return self  # type: ignore[return-value]
        org, role, n = ffi.new("uint64_t*"), ffi.new("const char**"), ffi.new("size_t*")
        items = []
        with obj._lock:
            for i in range(lib.crm_customer_membership_count(obj._h)):
                check(lib.crm_customer_membership(obj._h, i, org, role, n))
                items.append(Membership(org[0], _text(role[0], n[0])))
        return items

    def __set__(self, obj: Any, value: Any) -> None:
        def add(item: Any) -> int:
            try:
                m = Membership(item) if isinstance(item, int) else Membership(*item)
            except TypeError as e:
                raise InvalidError(EINVALID, f"memberships: each is a Membership(organization, role): {e}") from None
            raw = _encode(m.role, "memberships.role")
            return lib.crm_customer_add_membership(obj._h, m.organization, raw, len(raw))

        _replace_list(obj, "memberships", _customer_list(_LIST_MEMBERSHIPS), _pairs(value, "memberships"), add)


CustomValue = Union[str, int, bool, Money, _dt.datetime]


class CustomFields(MutableMapping):
    """A customer's typed custom fields as a mapping, read and written through the customer:
    ``c.custom["plan"] = "gold"``. Values are str, int, bool, :class:`Money` or an aware
    datetime; names are kept sorted."""

    __slots__ = ("_record",)

    def __init__(self, record: "Customer") -> None:
        self._record = record

    def _read(self, i: int) -> tuple[str, CustomValue]:
        h = self._record._h
        name, n, kind = ffi.new("const char**"), ffi.new("size_t*"), ffi.new("int*")
        check(lib.crm_customer_custom_field(h, i, name, n, kind))
        key = _text(name[0], n[0])
        number, text = ffi.new("int64_t*"), ffi.new("const char**")
        check(lib.crm_customer_custom_value(h, i, number, text, n))
        t = kind[0]
        if t == _VALUE_TEXT:
            return key, _text(text[0], n[0])
        if t == _VALUE_MONEY:
            return key, Money.from_minor(number[0], _text(text[0], n[0]))
        if t == _VALUE_TIME:
            return key, at_micros(number[0])
        if t == _VALUE_BOOL:
            return key, number[0] != 0
        return key, number[0]

    def _items(self) -> list[tuple[str, CustomValue]]:
        with self._record._lock:
            return [self._read(i) for i in range(lib.crm_customer_custom_count(self._record._h))]

    def __getitem__(self, key: str) -> CustomValue:
        for name, value in self._items():
            if name == key:
                return value
        raise KeyError(key)

    def __setitem__(self, key: str, value: CustomValue) -> None:
        raw = _encode(key, "custom field name")
        text, number = b"", 0
        if isinstance(value, bool):
            kind, number = _VALUE_BOOL, int(value)
        elif isinstance(value, int):
            kind, number = _VALUE_INT, value
        elif isinstance(value, str):
            kind, text = _VALUE_TEXT, _encode(value, f"custom[{key!r}]")
        elif isinstance(value, Money):
            kind, number, text = _VALUE_MONEY, value.minor_units, value.currency.encode()
        elif isinstance(value, (_dt.datetime, _dt.date)):
            kind, number = _VALUE_TIME, to_micros(value, f"custom[{key!r}]")
        else:
            raise InvalidError(
                EINVALID, f"custom[{key!r}]: a custom value is a str, int, bool, Money or datetime, not {type(value).__name__}"
            )
        if not -(2**63) <= number < 2**63:
            raise InvalidError(EINVALID, f"custom[{key!r}]: {number} is out of range")
        with self._record._lock:
            check(lib.crm_customer_set_custom(self._record._h, raw, len(raw), kind, number, text, len(text)))

    def __delitem__(self, key: str) -> None:
        raw = _encode(key, "custom field name")
        with self._record._lock:
            rc = lib.crm_customer_remove_custom(self._record._h, raw, len(raw))
        if rc == ENOTFOUND:
            raise KeyError(key)
        check(rc)

    def clear(self) -> None:
        with self._record._lock:
            check(lib.crm_customer_clear(self._record._h, _LIST_CUSTOM))

    def __iter__(self) -> Iterator[str]:
        return iter([name for name, _ in self._items()])

    def __len__(self) -> int:
        with self._record._lock:
            return lib.crm_customer_custom_count(self._record._h)

    def __repr__(self) -> str:
        return repr(dict(self._items()))


class _Custom(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> "CustomFields":
        return self if obj is None else CustomFields(obj)  # type: ignore[return-value]

    def __set__(self, obj: Any, value: Any) -> None:
        if not isinstance(value, (dict, MutableMapping)):
            raise InvalidError(EINVALID, f"custom: expected a mapping, got {type(value).__name__}")
        new = dict(value.items())
        fields = CustomFields(obj)
        old = dict(fields.items())
        fields.clear()
        try:
            for k, v in new.items():
                fields[k] = v
        except BaseException:
            fields.clear()
            for k, v in old.items():
                fields[k] = v
            raise


_EMAILS = _ContactPoints(
    lib.crm_customer_email_count, lib.crm_customer_email, lib.crm_customer_add_email, _LIST_EMAILS, Email,
    "The email addresses, as Email(address, label, primary); assign a list of Email or str.",
)
_PHONES = _ContactPoints(
    lib.crm_customer_phone_count, lib.crm_customer_phone, lib.crm_customer_add_phone, _LIST_PHONES, Phone,
    "The phone numbers, as Phone(number, label, primary); assign a list of Phone or str.",
)


class Customer(Record):
    """A person or an organization.

    Build one with keyword arguments, e.g.
    ``crm.Customer(given_name="Ada", family_name="Lovelace", emails=["ada@example.com"])``,
    then create it in a write transaction. ``id``, ``created_at`` and the other store-managed
    fields are read-only.
    """

    __slots__ = ()
    _CTYPE = "crm_customer"
    _NEW = lib.crm_customer_new
    _FREE = lib.crm_customer_free
    _CLONE = lib.crm_customer_clone
    _TEXT = lib.crm_customer_text
    _SET_TEXT = lib.crm_customer_set_text
    _INT = lib.crm_customer_int
    _SET_INT = lib.crm_customer_set_int

    id = _Int(201, "The customer's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When the customer was created (UTC).", readonly=True)
    updated_at = _Time(204, "When the customer last changed (UTC).", readonly=True)
    archived = _Bool(205, "Whether the customer is archived (archive/restore change it).", readonly=True)
    archived_at = _Time(206, "When the customer was archived, or None.", readonly=True)
    kind = _Enum(207, Kind, "PERSON or ORGANIZATION.")
    stage = _Enum(208, LifecycleStage, "The lifecycle stage.")
    email_opt_in = _Bool(209, "Whether the customer opted in to email.")
    email_legal_basis = _Enum(210, LegalBasis, "The legal basis of the email opt-in.")
    email_opt_in_at = _Time(211, "When the opt-in was given (the store sets it when None).")
    do_not_call = _Bool(212, "Whether the customer asked not to be called.")
    last_interaction_at = _Time(213, "When the latest interaction occurred, or None.", readonly=True)

    display_name = _Text(101, "The name shown (derived from the given and family names when empty).")
    given_name = _Text(102, "The given name of a person.")
    family_name = _Text(103, "The family name of a person.")
    owner = _Text(104, "Who owns the customer (a user name of the host application).")
    external_id = _Text(105, "An id from another system; unique across customers.")
    street = _Text(106, "Address: street.")
    city = _Text(107, "Address: city.")
    region = _Text(108, "Address: region or state.")
    postal_code = _Text(109, "Address: postal code.")
    country = _Text(110, "Address: country.")

    emails = _EMAILS
    phones = _PHONES
    tags = _Tags(0, "The tags, a list of str.")
    memberships = _Memberships(0, "The organizations a person belongs to, as Membership(organization, role).")
    custom = _Custom(0, "The typed custom fields, a mutable mapping (see CustomFields).")

    _FIELDS = (
        "id", "revision", "kind", "display_name", "given_name", "family_name", "emails", "phones",
        "street", "city", "region", "postal_code", "country", "stage", "owner", "tags", "memberships",
        "email_opt_in", "email_legal_basis", "email_opt_in_at", "do_not_call", "external_id",
        "created_at", "updated_at", "archived", "archived_at", "last_interaction_at",
    )  # fmt: skip

    def _primary(self, count: Any, get: Any) -> str | None:
        # Emails and phones never hold a NUL (control characters are refused): read them as
        # NUL-terminated strings.
        value = ffi.new(_CHAR_PP)
        with self._lock:
            n = count(self._h)
            if n == 1:  # the usual case: the only one is the primary one
                check(get(self._h, 0, value, _NULL, _NULL, _NULL, _NULL))
                return _string(value[0]).decode()
            primary = ffi.new(_INT_P)
            first = None
            for i in range(n):
                check(get(self._h, i, value, _NULL, _NULL, _NULL, primary))
                if primary[0]:
                    return _string(value[0]).decode()
                if first is None:
                    first = _string(value[0]).decode()
        return first

    @property
    def email(self) -> str | None:
        """The primary email address (the first when none is marked primary), or None."""
        return self._primary(lib.crm_customer_email_count, lib.crm_customer_email)

    @property
    def phone(self) -> str | None:
        """The primary phone number (the first when none is marked primary), or None."""
        return self._primary(lib.crm_customer_phone_count, lib.crm_customer_phone)

    def add_email(self, address: str, label: str = "", primary: bool = False) -> None:
        """Adds an email address."""
        with self._lock:
            check(_EMAILS.add_one(self, Email(address, label, primary)))

    def add_phone(self, number: str, label: str = "", primary: bool = False) -> None:
        """Adds a phone number."""
        with self._lock:
            check(_PHONES.add_one(self, Phone(number, label, primary)))

    def add_tag(self, tag: str) -> None:
        """Adds a tag."""
        raw = _encode(tag, "tag")
        with self._lock:
            check(lib.crm_customer_add_tag(self._h, raw, len(raw)))

    def add_membership(self, organization: int, role: str = "") -> None:
        """Makes this person a member of `organization` (a customer id) with a role."""
        raw = _encode(role, "role")
        with self._lock:
            check(lib.crm_customer_add_membership(self._h, organization, raw, len(raw)))

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["custom"] = dict(self.custom.items())
        return d

    def __repr__(self) -> str:
        return f"<Customer id={self.id} {self.display_name!r}>"


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
    created_at = _Time(203, "When it was logged (UTC).", readonly=True)
    updated_at = _Time(204, "When it last changed (UTC).", readonly=True)
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

    _FIELDS = (
        "id", "revision", "customer", "kind", "kind_label", "direction", "occurred_at", "duration_seconds",
        "subject", "body", "outcome", "satisfaction", "amount", "owner", "opportunity", "due_at", "done",
        "created_at", "updated_at",
    )  # fmt: skip

    def __repr__(self) -> str:
        return f"<Interaction id={self.id} customer={self.customer} {self.kind!r} {self.subject!r}>"


# ---- pipelines ----


class _PipelineStages(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[PipelineStage]:
        if obj is None:
            return self  # type: ignore[return-value]
        sid, name, n = ffi.new("uint32_t*"), ffi.new("const char**"), ffi.new("size_t*")
        probability, outcome = ffi.new("int*"), ffi.new("int*")
        stages = []
        with obj._lock:
            for i in range(lib.crm_pipeline_stage_count(obj._h)):
                check(lib.crm_pipeline_stage(obj._h, i, sid, name, n, probability, outcome))
                stages.append(PipelineStage(sid[0], _text(name[0], n[0]), probability[0], Outcome(outcome[0])))
        return stages

    def __set__(self, obj: Any, value: Any) -> None:
        try:
            stages = [s if isinstance(s, PipelineStage) else PipelineStage(*s) for s in _pairs(value, "stages")]
        except TypeError as e:
            raise InvalidError(EINVALID, f"stages: each is a PipelineStage(id, name, probability, outcome): {e}") from None
        _replace_list(obj, "stages", lib.crm_pipeline_clear_stages, stages, lambda stage: Pipeline._add(obj, stage))


class Pipeline(Record):
    """A sales pipeline: a name and ordered stages, each with a default probability and an
    outcome. Stage ids stay the same when stages are renamed or reordered."""

    __slots__ = ()
    _CTYPE = "crm_pipeline"
    _NEW = lib.crm_pipeline_new
    _FREE = lib.crm_pipeline_free
    _CLONE = lib.crm_pipeline_clone

    stages = _PipelineStages(0, "The stages in order, as PipelineStage(id, name, probability, outcome).")
    _FIELDS = ("id", "revision", "name", "stages")

    @property
    def id(self) -> int:
        """The pipeline's id (0 until created)."""
        with self._lock:
            return lib.crm_pipeline_id(self._h)

    @property
    def revision(self) -> int:
        """The stored revision (an update must be based on the current one)."""
        with self._lock:
            return lib.crm_pipeline_revision(self._h)

    @property
    def name(self) -> str:
        """The pipeline's name."""
        with self._lock:
            return _string(lib.crm_pipeline_name(self._h, ffi.NULL)).decode()

    @name.setter
    def name(self, value: str) -> None:
        raw = _encode(value, "name")
        with self._lock:
            check(lib.crm_pipeline_set_name(self._h, raw, len(raw)))

    def _add(self, stage: PipelineStage) -> int:
        raw = _encode(stage.name, "stage name")
        return lib.crm_pipeline_add_stage(self._h, stage.id, raw, len(raw), stage.probability, int(stage.outcome))

    def add_stage(self, name: str, probability: int, outcome: Outcome = Outcome.OPEN, id: int = 0) -> None:
        """Appends a stage (``id`` 0: a new one; or the id of one of this pipeline's stages)."""
        with self._lock:
            check(self._add(PipelineStage(id, name, probability, outcome)))

    def stage_id(self, name: str) -> int | None:
        """The id of the stage with this name (case-insensitive), or None."""
        raw = _encode(name, "name")
        with self._lock:
            return lib.crm_pipeline_stage_id(self._h, raw, len(raw)) or None

    def __repr__(self) -> str:
        return f"<Pipeline id={self.id} {self.name!r} {len(self.stages)} stages>"


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
        raise self.readonly_error()


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
    created_at = _Time(203, "When it was created (UTC).", readonly=True)
    updated_at = _Time(204, "When it last changed (UTC).", readonly=True)
    closed_at = _Time(205, "When it was won or lost, or None.", readonly=True)
    customer = _Int(206, "The id of the customer it is with.")
    pipeline = _Int(207, "The id of its pipeline (0 on a new one: the default pipeline).")
    stage = _Int(208, "The id of its stage in the pipeline (0 on a new one: the first stage).")
    amount = _Amount(209, 103, "The amount as Money, or None.")
    probability = _Int(210, "The probability in percent; -1 on a new one: the stage's default.")
    probability_overridden = _Bool(211, "Whether the probability differs from the stage's default.", readonly=True)
    expected_close = _Time(212, "When it is expected to close, or None.")

    title = _Text(101, "The title.")
    owner = _Text(102, "Who owns it.")
    lost_reason = _Text(104, "Why it was lost (set by lose()).", readonly=True)

    contacts = _Contacts(0, "The people involved, as Contact(person, role).")
    history = _History(0, "The stage history, oldest first, as StageChange entries.", readonly=True)

    _FIELDS = (
        "id", "revision", "title", "customer", "pipeline", "stage", "amount", "probability",
        "probability_overridden", "expected_close", "owner", "lost_reason", "contacts", "history",
        "created_at", "updated_at", "closed_at",
    )  # fmt: skip

    def _add_contact(self, contact: Contact) -> int:
        raw = _encode(contact.role, "contact role")
        return lib.crm_opportunity_add_contact(self._h, contact.person, raw, len(raw))

    def add_contact(self, person: int, role: str = "") -> None:
        """Adds a person (a customer id) to the deal with a role."""
        with self._lock:
            check(self._add_contact(Contact(person, role)))

    def __repr__(self) -> str:
        return f"<Opportunity id={self.id} {self.title!r} stage={self.stage}>"


# ---- the change feed ----


class Change(Record):
    """One entry of the change feed: who changed which record when, field by field."""

    __slots__ = ()
    _CTYPE = "crm_change"
    _FREE = lib.crm_change_free
    _CLONE = lib.crm_change_clone
    _FIELDS = ("seq", "at", "actor", "entity", "entity_id", "op", "fields")

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
