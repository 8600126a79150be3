#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds and runs, against that prefix only:
# a C program through pkg-config, a C++ program through find_package(crm CONFIG), and the Conan
# test_package with plain CMake.
#   run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
src="$2"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix/usr" >/dev/null
pc=$(find "$prefix/usr" -name crm.pc)
libdir=$(dirname "$(dirname "$pc")")
test -f "$prefix/usr/include/crm.h" && test -f "$prefix/usr/include/crm/store.hpp"
test -f "$libdir/libcrm.a" && test -L "$libdir/libcrm.so"

echo "== C consumer via pkg-config"
export PKG_CONFIG_PATH="$(dirname "$pc")"
cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$prefix/c_consumer" "$src/examples/quickstart.c" \
  $(pkg-config --cflags --libs crm) -Wl,-rpath,"$libdir"
"$prefix/c_consumer" "$prefix/c.crm"

echo "== C++ consumer via find_package(crm CONFIG)"
cmake -S "$src/tests/install/cxx" -B "$prefix/cxx" -DCMAKE_PREFIX_PATH="$prefix/usr" >/dev/null
cmake --build "$prefix/cxx" >/dev/null
"$prefix/cxx/consumer" "$prefix/cxx.crm"

echo "== Conan test_package with plain CMake"
cmake -S "$src/conan/test_package" -B "$prefix/tp" -DCMAKE_PREFIX_PATH="$prefix/usr" \
  -DCMAKE_BUILD_RPATH="$libdir" >/dev/null
cmake --build "$prefix/tp" >/dev/null
"$prefix/tp/test_package" "$prefix/c.crm"
echo "install and consume: ok"
