#!/usr/bin/env bash
# The static checks of `make check`, side by side (each is one process; the machine has cores to
# spare): the type check, the lint and the formatting check. Each one's output is printed whole,
# under its name, once it ends; the script fails when any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

npx tsc -p . >"$out/tsc" 2>&1 &
tsc=$!
npx eslint . >"$out/eslint" 2>&1 &
eslint=$!
npx prettier --check "**/*.{ts,mts,mjs}" >"$out/prettier" 2>&1 &
prettier=$!

failed=0
for check in tsc eslint prettier; do
  pid=${!check}
  if wait "$pid"; then
    echo "[check] $check: ok"
  else
    echo "[check] $check: FAILED"
    failed=1
  fi
  # prettier lists every file it checked; only what it complains about is worth reading.
  if [ "$check" = prettier ]; then grep -v '^Checking formatting' "$out/$check" || true; else cat "$out/$check"; fi
done
exit "$failed"
