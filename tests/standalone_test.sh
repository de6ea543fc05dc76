#!/usr/bin/env bash
# The repository stands on its own: no file in it refers to a file outside it.
# Someone with only a clone (or a copy of the tree) must find every document, header
# comment and script reference in the tree itself; the design is docs/design.md.
#
# Which files: in a git checkout (a clone or a worktree whose top level is
# SOURCE_DIR) the files git knows or would add (tracked, and untracked ones not
# ignored), so a new file is checked before it is committed; in a tree without git
# metadata (an exported or copied tree) every file under SOURCE_DIR except .git,
# node_modules and build trees (build/, and any folder holding a CMakeCache.txt).
# Binary files are skipped.
#
# What counts as a reference outside (each reported as file:line):
#   - a Markdown file named by a name no file in the tree has (e.g. a design,
#     style or notes file kept somewhere else); names are compared exactly;
#   - a path into a sibling folder named shared (dot-dot, slash, shared);
#   - an absolute path into someone's machine (under /work, /home or /root);
#   - the name of an outside data set of forms (the XLSForm corpus);
#   - a numbered section sign or "section N": docs/design.md names its sections,
#     so a numbered section can only be another document's.
# Usage: standalone_test.sh [SOURCE_DIR]
set -u
src=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 1
cd "$src" || exit 1

files=()
top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd)" = "$src" ]; then
  how="git ls-files"
  while IFS= read -r f; do
    [ -f "$f" ] && files+=("$f")
  done < <(git ls-files --cached --others --exclude-standard | sort -u)
else
  how="find (no git metadata)"
  while IFS= read -r f; do
    files+=("${f#./}")
  done < <(find . \( -name .git -o -name node_modules -o -path ./build \
                     -o \( -type d -exec test -e '{}/CMakeCache.txt' \; \) \) -prune \
                  -o -type f -print | sort)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "standalone: no files found under $src ($how)"
  exit 1
fi

# Every file name in the tree, for the Markdown rule.
declare -A names=()
for f in "${files[@]}"; do names[${f##*/}]=1; done

section_sign=$'\xc2\xa7'
corpus='xlsform''-corpus'
outside="\.\./shared|(^|[^A-Za-z0-9_.~-])/(work|home|root)/|$corpus|$section_sign|\b[Ss]ections? [0-9]"

fail=0
report() {  # report WHAT LOCATION
  echo "outside reference ($1): $2"
  fail=1
}

# grep -I skips binary files; -H names the file even when there is only one.
while IFS= read -r hit; do
  report "a file outside the repository" "$hit"
done < <(grep -HnIE "$outside" -- "${files[@]}" 2>/dev/null)
while IFS= read -r hit; do
  name=${hit##*:}
  [ -n "${names[$name]:-}" ] && continue
  report "$name is not a file of this tree" "${hit%:*}"
done < <(grep -HnIoE '[A-Za-z0-9_-]+\.md\b' -- "${files[@]}" 2>/dev/null)

if [ $fail -eq 0 ]; then
  echo "standalone: ${#files[@]} files ($how), none refers to a file outside the repository"
fi
exit $fail
