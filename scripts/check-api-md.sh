#!/usr/bin/env bash
# Fails when API.md is not what jsii-docgen generates from the current build (.jsii).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npx jsii-docgen -o "$tmp/API.md" >/dev/null
if ! diff -u API.md "$tmp/API.md" > "$tmp/diff"; then
  head -40 "$tmp/diff"
  echo "API.md is stale: run 'npm run build && npm run docgen' and commit API.md." >&2
  exit 1
fi
echo "API.md is current."
