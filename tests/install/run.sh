#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds and runs, against that prefix only:
# a C program through pkg-config, a C++ program through find_package(crm CONFIG), the Conan
# test_package with plain CMake, and the README's C++, C and Python examples as written, each
# twice in a row in one directory (a second run must work on what the first left).
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
test -x "$prefix/usr/bin/crm" || { echo "the crm tool was not installed"; exit 1; }

echo "== C consumer via pkg-config"
export PKG_CONFIG_PATH="$(dirname "$pc")"
cc -std=c99 -Wall -Wextra -pedantic -Werror -o "$prefix/c_consumer" "$src/examples/quickstart.c" \
  $(pkg-config --cflags --libs crm) -Wl,-rpath,"$libdir"
"$prefix/c_consumer" "$prefix/c.crm"

# The body of the first ```LANG block after the heading HEAD of the README.
readme_block() {
  awk -v head="$1" -v open='```'"$2" '$0 == head {inside = 1; next}
    inside && $0 == open {code = 1; next} code && $0 == "```" {exit} code {print}' "$src/README.md"
}
mkdir -p "$prefix/readme"
readme_block "## C++ example" cpp > "$prefix/readme/readme.cpp"
readme_block "## C example" c > "$prefix/readme/readme.c"
readme_block "## Python" python > "$prefix/readme/readme.py"
readme_block "## The command-line tool" sh > "$prefix/readme/readme.sh"
for f in readme.cpp readme.c readme.py readme.sh; do
  [ "$(wc -l < "$prefix/readme/$f")" -gt 10 ] || { echo "the README's example for $f was not found"; exit 1; }
done

echo "== C++ consumer via find_package(crm CONFIG)"
cmake -S "$src/tests/install/cxx" -B "$prefix/cxx" -DCMAKE_PREFIX_PATH="$prefix/usr" \
  -DREADME_CXX="$prefix/readme/readme.cpp" >/dev/null
cmake --build "$prefix/cxx" >/dev/null
"$prefix/cxx/consumer" "$prefix/cxx.crm"

echo "== Conan test_package with plain CMake"
cmake -S "$src/conan/test_package" -B "$prefix/tp" -DCMAKE_PREFIX_PATH="$prefix/usr" \
  -DCMAKE_BUILD_RPATH="$libdir" >/dev/null
cmake --build "$prefix/tp" >/dev/null
"$prefix/tp/test_package" "$prefix/c.crm"
echo "== the README's examples, each run twice in a row"
cc -std=c99 -Wall -Wextra -pedantic -o "$prefix/readme/readme_c" "$prefix/readme/readme.c" \
  $(pkg-config --cflags --libs crm) -Wl,-rpath,"$libdir"
for run in 1 2; do
  (mkdir -p "$prefix/readme/cxx" && cd "$prefix/readme/cxx" && "$prefix/cxx/readme_cxx")
  (mkdir -p "$prefix/readme/c" && cd "$prefix/readme/c" && "$prefix/readme/readme_c")
  (mkdir -p "$prefix/readme/py" && cd "$prefix/readme/py" &&
    PYTHONPATH="$src/bindings/python" CRM_LIBRARY="$libdir/libcrm.so.0" /usr/bin/python3 "$prefix/readme/readme.py")
  (mkdir -p "$prefix/readme/sh" && cd "$prefix/readme/sh" && PATH="$prefix/usr/bin:$PATH" bash -e "$prefix/readme/readme.sh" >/dev/null)
done
echo "install and consume: ok"
