"""The ``crm_options`` of an open: what :func:`crm.open` takes, checked and laid out for the C ABI."""

from __future__ import annotations

from typing import Any

from ._fields import encode
from ._native import ffi, lib
from .errors import EINVALID, InvalidError, check

_DURABILITY = {"full": 0, "normal": 1, "none": 2}  # CRM_DURABILITY_*
KEY_BYTES = 32


def build(
    *,
    create: bool,
    read_only: bool,
    sync: bool,
    map_size: int,
    max_map_size: int,
    actor: str | None,
    phone_region: str | None,
    durability: str,
    encryption_key: bytes | None,
    passphrase: str | None,
) -> tuple[Any, list[Any]]:
    """The options and the buffers they point into (to be kept alive until the open returns)."""
    opts = ffi.new("crm_options*")
    check(lib.crm_options_init(opts, 4))
    if durability not in _DURABILITY:
        raise InvalidError(EINVALID, f"durability: expected 'full', 'normal' or 'none', got {durability!r}")
    opts.durability = _DURABILITY[durability]
    opts.create_if_missing = 1 if create else 0
    opts.read_only = 1 if read_only else 0
    opts.no_sync = 0 if sync else 1
    opts.initial_map_size = map_size
    opts.max_map_size = max_map_size
    keep: list[Any] = []
    if actor is not None:
        keep.append(ffi.new("char[]", encode(actor, "actor")))
        opts.default_actor = keep[-1]
    if phone_region is not None:
        keep.append(ffi.new("char[]", encode(phone_region, "phone_region")))
        opts.phone_region = keep[-1]
    opts.encryption_key, opts.encryption_key_len, opts.encryption_passphrase = secret(encryption_key, passphrase, keep)
    return opts, keep


def secret(encryption_key: bytes | None, passphrase: str | None, keep: list[Any]) -> tuple[Any, int, Any]:
    """The C arguments for a store key (pointer, length) and a passphrase (pointer), NULL where
    not given, their buffers appended to `keep`."""
    key, key_len, phrase = ffi.NULL, 0, ffi.NULL
    if encryption_key is not None:
        if not isinstance(encryption_key, (bytes, bytearray, memoryview)):
            raise InvalidError(EINVALID, f"encryption_key: expected bytes, got {type(encryption_key).__name__}")
        raw = bytes(encryption_key)
        if len(raw) != KEY_BYTES:
            raise InvalidError(EINVALID, f"encryption_key: must be {KEY_BYTES} bytes, not {len(raw)}")
        keep.append(ffi.new("unsigned char[]", raw))
        key, key_len = keep[-1], len(raw)
    if passphrase is not None:
        data = encode(passphrase, "passphrase")
        if not data or b"\0" in data:
            raise InvalidError(EINVALID, "passphrase: must be non-empty and hold no NUL character")
        keep.append(ffi.new("char[]", data))
        phrase = keep[-1]
    return key, key_len, phrase
