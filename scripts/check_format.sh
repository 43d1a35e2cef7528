#!/usr/bin/env bash
# Checks that the C++ lines a change touches follow .clang-format (git clang-format looks at
# changed lines only, so the check never asks for unrelated reformatting).
#
#   scripts/check_format.sh [BASE]     exit 0 when formatted, 1 with the diff to apply otherwise
#
# BASE defaults to where HEAD left origin/main or main (a branch's whole change), else HEAD~1
# (the last commit); with neither (a fresh clone of one commit, or no git at all) there is nothing to
# compare and the check passes, saying so. Uncommitted changes are checked too.
# To fix: git clang-format --extensions cc,h BASE
set -euo pipefail
cd "$(dirname "$0")/.."

if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "check_format: not a git checkout; nothing to compare"
  exit 0
fi
base="${1:-}"
if [ -z "$base" ]; then
  for ref in origin/main main; do
    if git rev-parse -q --verify "$ref" >/dev/null; then
      fork=$(git merge-base HEAD "$ref" 2>/dev/null || true)
      if [ -n "$fork" ] && [ "$fork" != "$(git rev-parse HEAD)" ]; then
        base=$fork
        break
      fi
    fi
  done
  if [ -n "$base" ]; then
    :
  elif git rev-parse -q --verify HEAD~1 >/dev/null; then
    base=HEAD~1
  else
    echo "check_format: no base commit (a single-commit clone); nothing to compare"
    exit 0
  fi
fi
diff=$(git clang-format --diff --extensions cc,h,cpp,hpp "$base" 2>&1 || true)
case "$diff" in
  ""|"no modified files to format"|"clang-format did not modify any files")
    echo "check_format: the C++ lines changed since $base are formatted"
    exit 0 ;;
esac
echo "$diff"
echo "check_format: the lines above differ from .clang-format; fix with:" >&2
echo "  git clang-format --extensions cc,h,cpp,hpp $base" >&2
exit 1
