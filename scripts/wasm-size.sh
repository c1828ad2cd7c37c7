#!/usr/bin/env bash
# Prints the size of what a browser downloads to hydrate a page (wasm plus JS
# glue): raw, gzip -9 and brotli -q 11. With a budget in bytes as the first
# argument, fails when the brotli total exceeds it.
set -euo pipefail
pkg=target/site/pkg
budget=${1:-}
total=0
printf '%-22s %10s %10s %10s\n' file raw gzip brotli
for file in "$pkg"/portal.wasm "$pkg"/portal.js; do
  [ -f "$file" ] || { echo "missing $file: run make build" >&2; exit 1; }
  raw=$(stat -c %s "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  br=$(brotli -q 11 -c "$file" | wc -c)
  total=$((total + br))
  printf '%-22s %10d %10d %10d\n' "$(basename "$file")" "$raw" "$gz" "$br"
done
printf 'hydration payload, brotli: %d bytes (%d KiB)\n' "$total" $((total / 1024))
# The script a company puts on its own pages: at most 5 KiB gzip.
embed=$(gzip -9 -c public/embed.js | wc -c)
printf 'embed.js, gzip: %d bytes (budget 5120)\n' "$embed"
if [ -n "$budget" ] && [ "$embed" -gt 5120 ]; then
  echo "embed.js over budget: $embed > 5120 bytes" >&2
  exit 1
fi
if [ -n "$budget" ]; then
  if [ "$total" -gt "$budget" ]; then
    echo "over budget: $total > $budget bytes" >&2
    exit 1
  fi
  echo "within budget of $budget bytes"
fi
