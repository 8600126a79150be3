"""The package's build backend (PEP 517 and PEP 660): builds the wheel of `crm` from this tree
with the standard library only, so that `pip install ./bindings/python` needs no network.

When CRM_LIBRARY names a libcrm.so.0 at build time, the wheel bundles it (crm/_lib/) and is
tagged for this platform; otherwise it is pure Python and finds libcrm at run time.
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


def _bundled_library() -> Path | None:
    path = os.environ.get("CRM_LIBRARY")
    if not path:
        return None
    library = Path(path).resolve()  # the real file behind libcrm.so.0 -> libcrm.so.0.2.0
    if not library.is_file():
        raise FileNotFoundError(f"CRM_LIBRARY={path}: no such file")
    return library


def _tag(bundled: bool) -> str:
    if not bundled:
        return "py3-none-any"
    return "py3-none-" + sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _files(bundled: Path | None) -> list[tuple[str, bytes]]:
    files = []
    for source in sorted(PACKAGE.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts and source.suffix in (".py", ".typed"):
            files.append((source.relative_to(HERE).as_posix(), source.read_bytes()))
    if bundled is not None:
        files.append((f"{NAME}/_lib/libcrm.so.0", bundled.read_bytes()))
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
            info.external_attr = (0o755 if name.endswith(".so.0") else 0o644) << 16
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
    bundled = _bundled_library()
    return _write_wheel(wheel_directory, _files(bundled), _tag(bundled is not None))


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
