# Shared by the scripts: package installation and the build.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="$(nproc 2>/dev/null || echo 2)"

# Debian packages the build, tests and benchmarks need.
CRM_PACKAGES=(
  cmake g++ make pkg-config
  liblmdb-dev libboost-serialization-dev libboost-container-dev libabsl-dev libutf8proc-dev libphonenumber-dev libre2-dev libsodium-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev libsqlcipher-dev
  abigail-tools binutils python3
  python3-dev python3-venv python3-pip python3-cffi python3-pytest python3-mypy
)

# The Python the package is built and tested with: Debian's, whose cffi and pytest the packages
# above install (a python3 earlier on PATH may lack them).
PYTHON=/usr/bin/python3

# Installs whichever of the given Debian packages are missing (as root, with apt-get).
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "install them (sudo apt-get install -y ${missing[*]}) or run this script as root" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_tree DIR [cmake options...] [-- build options...]: configures and builds DIR (every
# target, or those the build options name: -- --target a b).
build_tree() {
  local dir="$1"
  shift
  local configure=() build=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do configure+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  build=("$@")
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${configure[@]}" >/dev/null
  cmake --build "$dir" -j "$JOBS" "${build[@]}"
}

# python_env BUILD_DIR: a virtual environment BUILD_DIR/venv on Debian's python3 (seeing its cffi
# and pytest) with the crm package pip-installed from bindings/python, offline, bundling
# BUILD_DIR's libcrm.so.0 and compiled binding (a build configured with -DCRM_BUILD_PYTHON=ON).
python_env() {
  local build
  build="$(cd "$1" && pwd)"
  [ -x "$build/venv/bin/python" ] || "$PYTHON" -m venv --system-site-packages "$build/venv"
  # --no-index: nothing is downloaded; the dependency (cffi) must be there already.
  "$build/venv/bin/python" -m pip uninstall -y -q libcrm 2>/dev/null || true
  CRM_BUILD_DIR="$build" "$build/venv/bin/python" -m pip install --no-index -q "$ROOT/bindings/python"
}
