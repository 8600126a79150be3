"""The binding to libcrm's C ABI: cffi's `ffi` and `lib`.

Two ways, the same functions:
- the compiled module crm._crm_cffi (cffi's out-of-line API mode), built with libcrm
  (CMake option CRM_BUILD_PYTHON) and bundled in the wheel: a call costs a direct C call;
- cffi's ABI mode, which opens libcrm.so.0 at run time (about three times the cost per call):
  used when CRM_LIBRARY names a library, or when the compiled module is not there.
"""
from __future__ import annotations

import ctypes.util
import os
from pathlib import Path
from typing import Any

from ._cdef import CDEF

#: The oldest C ABI this package works with: 0.3 numbers fields by type (text 101.., integers
#: 201..) and added the codes CRM_EREADONLY .. CRM_ENOTDB.
ABI_MAJOR = 0
ABI_MINOR = 3

_HERE = Path(__file__).resolve().parent


def _candidates() -> list[str]:
    """Where libcrm may be, in the order tried."""
    explicit = os.environ.get("CRM_LIBRARY")
    if explicit:
        return [explicit]  # an explicit choice is never second-guessed
    found = []
    bundled = _HERE / "_lib" / "libcrm.so.0"
    if bundled.exists():
        found.append(str(bundled))
    found.append("libcrm.so.0")  # the dynamic loader's search: LD_LIBRARY_PATH, ld.so.cache
    for prefix in ("/usr/local/lib", "/usr/lib"):
        found.append(os.path.join(prefix, "libcrm.so.0"))
    by_name = ctypes.util.find_library("crm")
    if by_name:
        found.append(by_name)
    return found


def _check_version(ffi: Any, library: Any, where: str) -> str:
    major, minor = ffi.new("int*"), ffi.new("int*")
    version = ffi.string(library.crm_version(major, minor, ffi.NULL)).decode()
    if major[0] != ABI_MAJOR or minor[0] < ABI_MINOR:
        raise ImportError(
            f"libcrm {version} at {where} is not compatible: this package needs the C ABI "
            f"{ABI_MAJOR}.{ABI_MINOR} or a later {ABI_MAJOR}.x (set CRM_LIBRARY to a newer libcrm.so.0)"
        )
    return version


def _load_abi() -> tuple[Any, Any, str, str]:
    from cffi import FFI  # type: ignore[import]  # cffi ships no type information

    ffi = FFI()
    ffi.cdef(CDEF)
    tried = []
    for candidate in _candidates():
        try:
            library = ffi.dlopen(candidate)
        except OSError as e:
            tried.append(f"{candidate} ({e})")
            continue
        return ffi, library, candidate, _check_version(ffi, library, candidate)
    raise ImportError(
        "libcrm.so.0 was not found; build or install libcrm, or set CRM_LIBRARY to the path of "
        "libcrm.so.0. Tried: " + "; ".join(tried)
    )


def _load() -> tuple[Any, Any, str, str, str]:
    if not os.environ.get("CRM_LIBRARY"):
        try:
            from . import _crm_cffi  # type: ignore[attr-defined]
        except ImportError:
            pass
        else:
            where = str(_HERE / "_lib" / "libcrm.so.0")
            version = _check_version(_crm_cffi.ffi, _crm_cffi.lib, where)
            return _crm_cffi.ffi, _crm_cffi.lib, where, version, "api"
    ffi, lib, where, version = _load_abi()
    return ffi, lib, where, version, "abi"


#: ffi and lib; where libcrm was found, its version, and the mode: "api" (compiled) or "abi".
ffi, lib, LIBRARY_PATH, LIBRARY_VERSION, MODE = _load()
