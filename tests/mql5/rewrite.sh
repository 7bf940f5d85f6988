#!/usr/bin/env bash
# The one mechanical step between MQL5 and C++: copy mql5/ to $2 with
#   - `#property ...` lines dropped (MetaEditor metadata),
#   - `input T name = v;` turned into `MqlInput<T> name(v);` (read-only to the EA, as in MQL5),
#   - dynamic arrays `T name[]` / `T &name[]` turned into `MqlArray<T> name` / `MqlArray<T> &name`.
# Nothing else changes: the EA's logic is compiled as written.
set -euo pipefail
src="$1"
out="$(mkdir -p "$2" && cd "$2" && pwd)"
rm -rf "$out"
mkdir -p "$out"
cd "$src"
find . -type f \( -name '*.mq5' -o -name '*.mqh' \) | while read -r f; do
  mkdir -p "$out/$(dirname "$f")"
  sed -E \
    -e '/^[[:space:]]*#property[[:space:]]/d' \
    -e 's/^([[:space:]]*)input[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*([^;]*);/\1MqlInput<\2> \3(\4);/' \
    -e 's/\b([A-Za-z_][A-Za-z0-9_]*)([[:space:]]+)(&[[:space:]]*)?([A-Za-z_][A-Za-z0-9_]*)\[\]/MqlArray<\1>\2\3\4/g' \
    "$f" > "$out/$f"
done
