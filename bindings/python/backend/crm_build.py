"""The package's build backend (PEP 517 and PEP 660): builds the wheel of `crm` from this tree
with the standard library only, so that `pip install ./bindings/python` needs no network.

What the wheel bundles, chosen at build time:
- CRM_BUILD_DIR=<a CMake build of libcrm with -DCRM_BUILD_PYTHON=ON>: its libcrm.so.0 (as
  crm/_lib/libcrm.so.0) and the compiled binding crm/_crm_cffi.abi3.so (cffi's API mode);
- or CRM_LIBRARY=<path of libcrm.so.0>: that library only (cffi's ABI mode);
- or neither: pure Python, finding an installed libcrm.so.0 at run time.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import sysconfig
import tarfile
import zipfile
from pathlib import Path

NAME = "crm"
DIST = "libcrm"
VERSION = "0.2.0"
HERE = Path(__file__).resolve().parent.parent  # bindings/python
PACKAGE = HERE / NAME

METADATA = f"""Metadata-Version: 2.1
Name: {DIST}
Version: {VERSION}
Summary: An embeddable CRM engine: customers, interactions and a sales pipeline in a local database
License: MIT
Requires-Python: >=3.9
Requires-Dist: cffi>=1.15
Description-Content-Type: text/markdown

"""


def _bundled() -> tuple[Path | None, Path | None]:
    """The library and the compiled binding to bundle (either may be None)."""
    build = os.environ.get("CRM_BUILD_DIR")
    for name in ("CRM_BUILD_DIR", "CRM_LIBRARY"):
        value = os.environ.get(name)
        if value and not os.path.isabs(value):  # pip builds in a directory of its own choosing
            raise ValueError(f"{name}={value}: give an absolute path")
    if build:
        library = Path(build) / "libcrm.so.0"
        module = Path(build) / "bindings" / "python" / "_crm_cffi.abi3.so"
        if not library.exists():
            raise FileNotFoundError(f"CRM_BUILD_DIR={build}: no libcrm.so.0 there (build libcrm first)")
        if not module.exists():
            raise FileNotFoundError(f"CRM_BUILD_DIR={build}: no bindings/python/_crm_cffi.abi3.so (configure with -DCRM_BUILD_PYTHON=ON)")
        return library.resolve(), module
    path = os.environ.get("CRM_LIBRARY")
    if not path:
        return None, None
    library = Path(path).resolve()  # the real file behind libcrm.so.0 -> libcrm.so.0.2.0
    if not library.is_file():
        raise FileNotFoundError(f"CRM_LIBRARY={path}: no such file")
    return library, None


def _tag(library: Path | None, module: Path | None) -> str:
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    if module is not None:
        return "cp39-abi3-" + platform
    if library is not None:
        return "py3-none-" + platform
    return "py3-none-any"


def _files(library: Path | None, module: Path | None) -> list[tuple[str, bytes]]:
    files = []
    for source in sorted(PACKAGE.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts and source.suffix in (".py", ".typed"):
            files.append((source.relative_to(HERE).as_posix(), source.read_bytes()))
    if library is not None:
        files.append((f"{NAME}/_lib/libcrm.so.0", library.read_bytes()))
    if module is not None:
        files.append((f"{NAME}/_crm_cffi.abi3.so", module.read_bytes()))
    return files


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _metadata() -> str:
    readme = HERE / "README.md"
    return METADATA + (readme.read_text() if readme.exists() else "")


def _write_wheel(directory: str, files: list[tuple[str, bytes]], tag: str) -> str:
    dist_info = f"{DIST}-{VERSION}.dist-info"
    wheel_name = f"{DIST}-{VERSION}-{tag}.whl"
    meta = [
        (f"{dist_info}/METADATA", _metadata().encode()),
        (f"{dist_info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: crm_build\nRoot-Is-Purelib: {'false' if 'any' not in tag else 'true'}\nTag: {tag}\n".encode()),
        (f"{dist_info}/top_level.txt", f"{NAME}\n".encode()),
    ]
    record = [_record_line(name, data) for name, data in files + meta]
    record.append(f"{dist_info}/RECORD,,")
    with zipfile.ZipFile(os.path.join(directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in files + meta:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if ".so" in name else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
        wheel.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return wheel_name


# ---- PEP 517 ----


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    library, module = _bundled()
    return _write_wheel(wheel_directory, _files(library, module), _tag(library, module))


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """An editable install: a .pth file that puts this source tree on sys.path."""
    return _write_wheel(wheel_directory, [(f"_{DIST}_editable.pth", f"{HERE}\n".encode())], "py3-none-any")


def build_sdist(sdist_directory, config_settings=None):
    base = f"{DIST}-{VERSION}"
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as sdist:
        for source in sorted(HERE.rglob("*")):
            rel = source.relative_to(HERE)
            if source.is_file() and "__pycache__" not in rel.parts and not rel.parts[0].startswith((".", "build")):
                sdist.add(source, f"{base}/{rel.as_posix()}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        sdist.addfile(info, io.BytesIO(data))
    return name
