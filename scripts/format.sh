#!/usr/bin/env bash
# Formats every C++ file git knows of with the tree's .clang-format, in place.
#   scripts/format.sh          format
#   scripts/format.sh --check  change nothing; list the files that would change, exit 1 if any
# CLANG_FORMAT picks the binary (default clang-format; the style is written for version 14).
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
clang_format=${CLANG_FORMAT:-clang-format}

mapfile -t files < <(git ls-files '*.hpp' '*.ipp' '*.cpp' ':!:tests/data/**')
if ! $check; then
  "$clang_format" -i "${files[@]}"
  exit 0
fi
differ=0
for f in "${files[@]}"; do
  if ! "$clang_format" "$f" | cmp -s - "$f"; then
    echo "format.sh: $f is not formatted"
    differ=1
  fi
done
exit $differ
