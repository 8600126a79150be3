"""Typed custom fields of records (customers, opportunities, interactions) as a mapping."""
from __future__ import annotations

import datetime as _dt
from collections.abc import MutableMapping
from typing import Any, Iterator, Union

from ._fields import (
    _CHAR_PP,
    _NULL,
    _SIZE_P,
    _VALUE_BOOL,
    _VALUE_INT,
    _VALUE_MONEY,
    _VALUE_TEXT,
    _VALUE_TIME,
    _encode,
    _Field,
    _text,
)
from ._native import ffi
from .errors import EINVALID, ENOTFOUND, InvalidError, check
from .values import Money, at_micros, to_micros

#: a custom field's value
CustomValue = Union[str, int, bool, Money, _dt.datetime]


class CustomFields(MutableMapping):
    """A record's typed custom fields (customers, opportunities, interactions) as a mapping, read
    and written through the record: ``c.custom["plan"] = "gold"``. Values are str, int, bool,
    :class:`Money` or an aware datetime; names are kept sorted."""

    __slots__ = ("_record", "_count", "_field", "_value", "_set", "_remove")

    def __init__(self, record: Any) -> None:
        self._record = record
        self._count, self._field, self._value, self._set, self._remove = record._CUSTOM

    def _read(self, i: int) -> tuple[str, CustomValue]:
        h = self._record._h
        name, n, kind = ffi.new("const char**"), ffi.new("size_t*"), ffi.new("int*")
        check(self._field(h, i, name, n, kind))
        key = _text(name[0], n[0])
        number, text = ffi.new("int64_t*"), ffi.new("const char**")
        check(self._value(h, i, number, text, n))
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

    def _name(self, i: int) -> str:
        name, n = ffi.new(_CHAR_PP), ffi.new(_SIZE_P)
        check(self._field(self._record._h, i, name, n, _NULL))
        return _text(name[0], n[0])

    def _find(self, key: str) -> int:
        """The index of field `key` (the C map is sorted by name: a binary search), or -1."""
        lo, hi = 0, self._count(self._record._h)
        while lo < hi:
            mid = (lo + hi) // 2
            name = self._name(mid)
            if name == key:
                return mid
            if name < key:  # code point order is UTF-8 byte order, the C map's order
                lo = mid + 1
            else:
                hi = mid
        return -1

    def _items(self) -> list[tuple[str, CustomValue]]:
        with self._record._lock:
            return [self._read(i) for i in range(self._count(self._record._h))]

    def __getitem__(self, key: str) -> CustomValue:
        if not isinstance(key, str):
            raise KeyError(key)
        with self._record._lock:
            i = self._find(key)
            if i >= 0:
                return self._read(i)[1]
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
            check(self._set(self._record._h, raw, len(raw), kind, number, text, len(text)))

    def __delitem__(self, key: str) -> None:
        raw = _encode(key, "custom field name")
        with self._record._lock:
            rc = self._remove(self._record._h, raw, len(raw))
        if rc == ENOTFOUND:
            raise KeyError(key)
        check(rc)

    def clear(self) -> None:
        with self._record._lock:
            for name in [self._name(i) for i in range(self._count(self._record._h))]:
                raw = name.encode()
                check(self._remove(self._record._h, raw, len(raw)))

    def __iter__(self) -> Iterator[str]:
        with self._record._lock:
            return iter([self._name(i) for i in range(self._count(self._record._h))])

    def __len__(self) -> int:
        with self._record._lock:
            return self._count(self._record._h)

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
