#!/usr/bin/env bash
# Compares the ABI of the built shared library with the committed baseline (libabigail). Fails
# on an incompatible change (a removed or changed function or type); additions pass with a
# notice. After an intended change, update the baseline: see README ("ABI baseline").
#   check_abi.sh LIBCRM_SO CAPI_DIR BASELINE
set -uo pipefail
lib="$1"
capi="$2"
baseline="$3"
if ! command -v abidw >/dev/null || ! command -v abidiff >/dev/null; then
  echo "abidw/abidiff not found: install Debian's abigail-tools"
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
headers=()
for h in "$capi"/crm.h "$capi"/crm_*.h; do headers+=(--header-file "$h"); done
abidw "${headers[@]}" --drop-private-types --no-corpus-path --exported-interfaces-only \
  --drop-undefined-syms --no-show-locs --no-comp-dir-path --out-file "$out/current.abi" "$lib" || exit 1
abidiff --no-show-locs "$baseline" "$out/current.abi" > "$out/report.txt"
rc=$?
cat "$out/report.txt"
if (( rc & 3 )); then
  echo "abidiff failed (exit $rc)"
  exit 1
fi
if (( rc & 8 )); then
  echo "INCOMPATIBLE ABI change against $baseline"
  exit 1
fi
if (( rc & 4 )); then
  echo "compatible ABI change (additions): update the baseline when this is intended"
  exit 0
fi
echo "ABI identical to the baseline"
