"""The machinery of records: Python objects over libcrm's record handles, with typed attributes.

A record owns its C object (freed with it) and is independent of any database or transaction:
it can be kept, changed and written back later. Attributes are read from and written to the C
object when used, so a record read from a large listing costs only what is looked at. Each
record has its own lock, so sharing one between threads cannot corrupt it. Each record kind
declares its fields once, as descriptors over the C field numbers (checked against crm.h by the
tests); its constructor is written from them.
"""
from __future__ import annotations

import datetime as _dt
import enum
import threading
from collections.abc import Iterable
from typing import Any, Callable, Generic, Optional, TypeVar

from ._native import ffi, lib
from .errors import EINVALID, InvalidError, check, fail
from .values import (
    Money,
    to_datetime,
    to_micros,
)

#: How many records a listing moves out of a C iterator per call.
BATCH = 64

_VALUE_TEXT, _VALUE_INT, _VALUE_MONEY, _VALUE_TIME, _VALUE_BOOL = 1, 2, 3, 4, 5
_LIST_EMAILS, _LIST_PHONES, _LIST_TAGS, _LIST_MEMBERSHIPS, _LIST_CUSTOM, _LIST_DOMAINS = 1, 2, 3, 4, 5, 6

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
        micros = to_micros(value, self.name)
        if micros == 0 and value is not None:  # 0 is "unset" (and "now" for occurred_at)
            raise InvalidError(
                EINVALID, f"{self.name}: 1970-01-01T00:00:00Z is the one time a record cannot hold (0 means unset); "
                "give None, or a microsecond later"
            )
        return micros


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

    def _values(self) -> dict[str, Any]:
        """Every field, as the attributes give it."""
        return {name: getattr(self, name) for name in self._FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """Every field of the record as plain data that ``json.dumps`` takes: times as ISO 8601
        strings in UTC (None when unset), Money as {"amount": "12.50", "currency": "EUR"},
        enumerations by their lower-case name, list items as dicts."""
        return _plain(self._values())  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        """Records are equal when they are of one kind and every field is equal."""
        if type(other) is not type(self):
            return NotImplemented
        return other is self or self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # records change: they cannot be dict keys

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={getattr(self, 'id', None)}>"


def _plain(value: Any) -> Any:
    """`value` as JSON-ready data (see Record.to_dict)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, Money):
        return value.to_json()
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


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
            scope[f"_add_{name}"] = attr.add if isinstance(attr, _ContactPoints) else attr._add
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
    """A customer's list of str: its tags, or (an organization's) domains."""

    def __init__(self, field: int, doc: str, domains: bool = False) -> None:
        super().__init__(field, doc)
        if domains:
            self._count, self._get, self._add = lib.crm_customer_domain_count, lib.crm_customer_domain, lib.crm_customer_add_domain
            self._list, self._what = _LIST_DOMAINS, "domains"
        else:
            self._count, self._get, self._add = lib.crm_customer_tag_count, lib.crm_customer_tag, lib.crm_customer_add_tag
            self._list, self._what = _LIST_TAGS, "tags"

    def __get__(self, obj: Any, owner: Any = None) -> list[str]:
        if obj is None:
            return self  # type: ignore[return-value]
        n = ffi.new("size_t*")
        with obj._lock:
            return [_text(self._get(obj._h, i, n), n[0]) for i in range(self._count(obj._h))]

    def __set__(self, obj: Any, value: Any) -> None:
        def add(item: Any) -> int:
            raw = _encode(item, self._what)
            return self._add(obj._h, raw, len(raw))  # type: ignore[no-any-return]

        _replace_list(obj, self._what, _customer_list(self._list), _pairs(value, self._what), add)

    def init(self, obj: Any, value: Any) -> None:
        for item in _pairs(value, self._what):
            raw = _encode(item, self._what)
            rc = self._add(obj._h, raw, len(raw))
            if rc:
                fail(rc)

