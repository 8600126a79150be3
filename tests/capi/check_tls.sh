#!/bin/bash
# The library's thread-local storage must stay small. Its fault guard keeps two variables in
# initial-exec TLS (they are read from a signal handler), which marks the whole library
# STATIC_TLS: a dlopen() of it (Python's cffi, any plugin host) must then find room for all of its
# thread_local variables in the few hundred bytes to 1.6 KB that glibc keeps spare in every
# thread's static TLS block, or fail with "cannot allocate memory in static TLS block".
# usage: check_tls.sh LIBRARY [BUDGET_BYTES]
set -euo pipefail
lib="$1"
budget="${2:-768}"
size_hex=$(readelf -lW "$lib" | awk '$1 == "TLS" { print $6 }')
size=$(( ${size_hex:-0} ))
echo "$lib: thread-local storage $size bytes (budget $budget)"
if (( size > budget )); then
  echo "FAIL: the library's thread_local variables take $size bytes, over the budget of $budget." >&2
  echo "Share a buffer between template instances (codec::OpenedScratch, model::RecordScratch) or keep" >&2
  echo "the state elsewhere: a dlopen() of a STATIC_TLS library fails once glibc's spare room is used up." >&2
  readelf -sW "$lib" | awk '$4 == "TLS" { print $3, $8 }' | sort -nr | head -15 | c++filt >&2
  exit 1
fi
