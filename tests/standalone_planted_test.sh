#!/usr/bin/env bash
# The standalone check can fail, both ways it lists files: copies the tree's files
# to a scratch directory (no git metadata: the find listing), sees the check pass,
# plants references to files outside the repository one at a time and expects each
# to fail naming file:line; then makes the copy a git repository (git init, git add:
# the git listing) and does the same for a tracked file and a new, untracked one.
# Usage: standalone_planted_test.sh [SOURCE_DIR]
set -u
src=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 1
check=$src/tests/standalone_test.sh
scratch=$(mktemp -d "${TMPDIR:-/tmp}/doorstep-standalone.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
copy=$scratch/tree

# The files to copy: git's list when the source is a checkout, else every file
# outside build trees, node_modules and .git.
mkdir -p "$copy"
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1; then
  (cd "$src" && git ls-files --cached --others --exclude-standard -z |
     xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
     tar --null -T - -cf -) | tar -xf - -C "$copy"
else
  (cd "$src" && tar --exclude=.git --exclude=node_modules --exclude=./build -cf - .) | tar -xf - -C "$copy"
fi

failures=0
expect_pass() {  # expect_pass WHEN
  local out
  if ! out=$("$check" "$copy" 2>&1); then
    echo "FAIL: the check fails $1:"
    echo "$out"
    failures=$((failures + 1))
  else
    echo "ok: passes $1 (${out#standalone: })"
  fi
}
# expect_caught FILE LINE WHY: the check must fail and name FILE:LINE.
expect_caught() {
  local out
  if out=$("$check" "$copy" 2>&1); then
    echo "FAIL: not caught: $3"
    failures=$((failures + 1))
  elif ! grep -qF "$1:$2" <<<"$out"; then
    echo "FAIL: caught but $1:$2 not named: $3"
    echo "$out"
    failures=$((failures + 1))
  else
    echo "ok: caught $3"
  fi
}
# plant FILE TEXT WHY: appends TEXT to FILE (created if new), checks, then restores.
plant() {
  local file=$copy/$1 line existed=0
  [ -f "$file" ] && existed=1 && cp "$file" "$scratch/saved"
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$2" >>"$file"
  line=$(wc -l <"$file")
  expect_caught "$1" "$line" "$3"
  if [ $existed -eq 1 ]; then mv "$scratch/saved" "$file"; else rm -f "$file"; fi
}

# Built from pieces so that this script itself names no outside file.
design='DESIGN''.md'
style='STYLE''.md'
sign=$'\xc2\xa7'

expect_pass "on a copy without git metadata"
plant docs/architecture.md "The agreed target is ../sha""red/$design." 'a path into a sibling shared folder'
plant core/include/doorstep/core/store.h "// Store: the device store ($design sec""tion 3)." \
  'a design file outside the tree named in a public header'
plant app-qml/qml/Main.qml "// Layout as in $style." 'a style file outside the tree named in QML'
plant scripts/test "# see ${sign}4 of the design" 'a numbered section sign'
plant tests/CMakeLists.txt "# forms as in /""work/xlsform""-corpus" 'an absolute path into a machine'
plant README.md "See the notes (sec""tion 2)." 'a numbered section'
expect_pass "after every plant was taken out"

if command -v git >/dev/null 2>&1; then
  git -C "$copy" init -q && git -C "$copy" add -A
  expect_pass "as a git checkout"
  plant docs/api.md "Background: $design." 'in a tracked file, listed by git'
  plant docs/new-notes.txt "Background: $design." 'in a new file git has not been told of'
  expect_pass "as a git checkout, after every plant was taken out"
fi

[ $failures -eq 0 ] && echo "standalone check: every planted reference was caught"
[ $failures -eq 0 ]
