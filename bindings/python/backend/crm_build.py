"""The package's build backend (PEP 517 and PEP 660): builds the wheel of `crm` from this tree
with the standard library only, so that `pip install ./bindings/python` needs no network.

What the wheel bundles, chosen at build time:
- by default: libcrm.so.0 (as crm/_lib/libcrm.so.0) and the compiled binding
  crm/_crm_cffi.abi3.so (cffi's API mode), built here with CMake from libcrm's sources (the
  source tree this package sits in, or the copy an sdist carries), as py-lmdb builds its bundled
  C source. It needs what the build of libcrm needs (a C++20 compiler, CMake, LMDB, Boost,
  Abseil, utf8proc) and Python's headers;
- CRM_BUILD_DIR=<a CMake build of libcrm with -DCRM_BUILD_PYTHON=ON>: its library and binding,
  reused (no build);
- CRM_LIBRARY=<path of libcrm.so.0>: that library only (cffi's ABI mode);
- CRM_LIBRARY=system: pure Python, finding an installed libcrm.so.0 at run time.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile
from pathlib import Path

NAME = "crm"
DIST = "libcrm"
VERSION = "0.23.0"
HERE = Path(__file__).resolve().parent.parent  # bindings/python
PACKAGE = HERE / NAME
# libcrm's sources: the tree this package sits in, or the copy an sdist carries.
SOURCE_PARTS = ("CMakeLists.txt", "cmake", "include", "src", "capi", "bindings/python/CMakeLists.txt",
                "bindings/python/build_ffi.py", "bindings/python/crm/_cdef.py", "bindings/python/crm/_cdef_reports.py",
                "bindings/python/crm/_cdef_service.py")
SDIST_SOURCE = "libcrm-source"

METADATA = f"""Metadata-Version: 2.1
Name: {DIST}
Version: {VERSION}
Summary: An embeddable CRM engine: customers, interactions and a sales pipeline in a local database
License: MIT
Requires-Python: >=3.9
Requires-Dist: cffi>=1.15
Description-Content-Type: text/markdown

"""


def _source_root() -> Path:
    """Where libcrm's CMakeLists.txt is: two levels up in the source tree, or the sdist's copy."""
    for root in (HERE.parent.parent, HERE / SDIST_SOURCE):
        if (root / "CMakeLists.txt").is_file() and (root / "capi" / "crm.h").is_file():
            return root
    raise FileNotFoundError(
        f"libcrm's sources are neither around {HERE} nor in {HERE / SDIST_SOURCE}: build from the source tree, "
        "or give CRM_BUILD_DIR, CRM_LIBRARY=<libcrm.so.0> or CRM_LIBRARY=system"
    )


def _build(scratch: Path) -> Path:
    """Builds libcrm and the compiled binding with CMake into `scratch`; returns the build dir."""
    cmake = shutil.which("cmake")
    if cmake is None:
        raise RuntimeError("building libcrm needs CMake (Debian: apt-get install cmake g++ liblmdb-dev "
                           "libboost-serialization-dev libboost-container-dev libabsl-dev libutf8proc-dev "
                           "libphonenumber-dev libsodium-dev python3-dev), or give CRM_BUILD_DIR / CRM_LIBRARY")
    # pip builds in an isolated environment that hides the interpreter's own packages; the
    # compiled binding is written by cffi, a dependency of the package that the target
    # interpreter has, so the build runs with that interpreter's usual view.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONNOUSERSITE", "PYTHONHOME")}
    probe = subprocess.run([sys.executable, "-c", "import cffi"], env=env, capture_output=True)
    if probe.returncode != 0:
        raise RuntimeError(f"building the compiled binding needs cffi for {sys.executable} (pip install cffi, or "
                           "Debian's python3-cffi), or give CRM_LIBRARY=<libcrm.so.0> for cffi's ABI mode")
    build = scratch / "build"
    # A unity build (the library's sources compiled 16 to a unit): the install compiles in about a
    # third of the time, and the library is the same code.
    configure = [cmake, "-S", str(_source_root()), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                 "-DCMAKE_UNITY_BUILD=ON", "-DCMAKE_UNITY_BUILD_BATCH_SIZE=16", "-DCRM_BUILD_TESTS=OFF", "-DCRM_BUILD_EXAMPLES=OFF", "-DCRM_BUILD_BENCH=OFF",
                 "-DCRM_BUILD_PYTHON=ON", f"-DPython3_EXECUTABLE={sys.executable}"]  # fmt: skip
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 2)
    for command in (configure, [cmake, "--build", str(build), "-j", jobs]):
        print("crm_build:", " ".join(command), file=sys.stderr, flush=True)
        subprocess.run(command, check=True, stdout=sys.stderr, env=env)
    return build


def _from_build(build: Path, what: str) -> tuple[Path, Path]:
    library = build / "libcrm.so.0"
    module = build / "bindings" / "python" / "_crm_cffi.abi3.so"
    if not library.exists():
        raise FileNotFoundError(f"{what}: no libcrm.so.0 there (build libcrm first)")
    if not module.exists():
        raise FileNotFoundError(f"{what}: no bindings/python/_crm_cffi.abi3.so (configure with -DCRM_BUILD_PYTHON=ON)")
    return library.resolve(), module


def _bundled(scratch: Path) -> tuple[Path | None, Path | None]:
    """The library and the compiled binding to bundle (either may be None)."""
    build = os.environ.get("CRM_BUILD_DIR")
    for name in ("CRM_BUILD_DIR", "CRM_LIBRARY"):
        value = os.environ.get(name)
        if value and value != "system" and not os.path.isabs(value):  # pip builds where it chooses
            raise ValueError(f"{name}={value}: give an absolute path")
    if build:
        return _from_build(Path(build), f"CRM_BUILD_DIR={build}")
    path = os.environ.get("CRM_LIBRARY")
    if path == "system":
        return None, None
    if not path:
        return _from_build(_build(scratch), "the build of libcrm")
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


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    """The wheel's metadata without building it (pip asks for it first)."""
    dist_info = Path(metadata_directory) / f"{DIST}-{VERSION}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(_metadata())
    (dist_info / "top_level.txt").write_text(f"{NAME}\n")
    return dist_info.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with tempfile.TemporaryDirectory(prefix="crm-build-") as scratch:
        library, module = _bundled(Path(scratch))
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
        # libcrm's sources, so that the sdist builds its wheel as the source tree does.
        root = _source_root()
        for part in SOURCE_PARTS:
            if (root / part).exists():
                sdist.add(root / part, f"{base}/{SDIST_SOURCE}/{part}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        sdist.addfile(info, io.BytesIO(data))
    return name
