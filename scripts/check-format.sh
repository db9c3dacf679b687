#!/usr/bin/env bash
# Fails when any of our C++ sources differs from .clang-format. Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' '*.h' '*.cc' 2>/dev/null || find platform drivers sync edge tests -name '*.[ch]pp')
[ ${#files[@]} -gt 0 ] || exit 0
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/storeedge-format.$$; then
  grep -E '^[^ ].*: (error|warning):' /tmp/storeedge-format.$$ | cut -d: -f1 | sort -u | sed 's/^/  unformatted: /' >&2
  rm -f /tmp/storeedge-format.$$
  echo "format check failed: run scripts/check-format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/storeedge-format.$$
echo "format check: ${#files[@]} files ok"
