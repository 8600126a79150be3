#!/usr/bin/env bash
# The shared library exports exactly the functions crm.h (with the crm_*.h it includes) declares: nothing more (no C++ or
# dependency symbols leak), nothing less (every declared function is there).
#   check_symbols.sh LIBCRM_SO CRM_H
set -euo pipefail
lib="$1"
header="$2"
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TtWw]$/ {print $3}' | sed 's/@.*//' | sort -u)
declared=$(cat "$header" "$(dirname "$header")"/crm_*.h | grep -oE '^CRM_API [^(]*\bcrm_[a-z0-9_]+\(' | grep -oE 'crm_[a-z0-9_]+\($' | tr -d '(' | sort -u)
status=0
extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
if [ -n "$extra" ]; then
  echo "exported but not declared in crm.h:"; echo "$extra" | sed 's/^/  /'; status=1
fi
if [ -n "$missing" ]; then
  echo "declared in crm.h but not exported:"; echo "$missing" | sed 's/^/  /'; status=1
fi
others=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep -vE '^(crm_|CRM_0$)' || true)
if [ -n "$others" ]; then
  echo "other symbols exported:"; echo "$others" | head -20 | sed 's/^/  /'; status=1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
case "$soname" in
  libcrm.so.[0-9]*) ;;
  *) echo "SONAME '$soname' does not carry the major version"; status=1 ;;
esac
[ $status -eq 0 ] && echo "$(echo "$exported" | wc -l) crm_* symbols exported, all declared; SONAME $soname"
exit $status
