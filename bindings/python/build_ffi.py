"""Writes the C source of crm._crm_cffi, the compiled (cffi out-of-line API mode) binding.

    python3 build_ffi.py OUTPUT.c

CMake runs it (option CRM_BUILD_PYTHON) and compiles the result against crm.h and libcrm.
"""
import sys
from pathlib import Path

from cffi import FFI

sys.path.insert(0, str(Path(__file__).resolve().parent / "crm"))
from _cdef import CDEF  # noqa: E402

ffi = FFI()
ffi.cdef(CDEF)
ffi.set_source("crm._crm_cffi", '#include "crm.h"')
ffi.emit_c_code(sys.argv[1])
