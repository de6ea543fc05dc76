#!/usr/bin/env bash
# docs/source-tree.md is complete: it names every folder of the tree that holds a
# file, every benchmark program (bench/*.cpp) and every script (scripts/*, tests/*.sh),
# each by its path from the top of the tree in backquotes. A folder counts as named
# when the map names it or a path inside it (`core/src/store/` names core/src too).
# Files are listed as tests/standalone_test.sh lists them: git's list in a checkout,
# else every file outside .git, node_modules and build trees.
# Prints each missing path and fails if there is one.
# Usage: source_tree_test.sh [SOURCE_DIR]
set -u
set -f  # no globbing: the map's paths hold patterns such as `tst_*.qml`
src=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 1
cd "$src" || exit 1
map=docs/source-tree.md
[ -f "$map" ] || { echo "source tree: $map is missing"; exit 1; }

files=()
top=$(git rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd)" = "$src" ]; then
  while IFS= read -r f; do
    [ -f "$f" ] && files+=("$f")
  done < <(git ls-files --cached --others --exclude-standard)
else
  while IFS= read -r f; do
    files+=("${f#./}")
  done < <(find . \( -name .git -o -name node_modules -o -path ./build \
                     -o \( -type d -exec test -e '{}/CMakeCache.txt' \; \) \) -prune \
                  -o -type f -print)
fi

# Every path the map names in backquotes, without a trailing slash; a token may hold
# several words (`scripts/pg-cluster start|stop`): each word counts.
declare -A named=()
while IFS= read -r token; do
  for word in $token; do
    word=${word%/}
    [ -n "$word" ] && named[$word]=1
  done
done < <(grep -o '`[^`]*`' "$map" | tr -d '`')

is_named() {  # is_named PATH: PATH or a path inside it is named
  local p=$1 n
  [ -n "${named[$p]:-}" ] && return 0
  for n in "${!named[@]}"; do
    [[ $n == "$p"/* ]] && return 0
  done
  return 1
}

declare -A wanted=()
for f in "${files[@]}"; do
  d=$f
  while [[ $d == */* ]]; do
    d=${d%/*}
    wanted[$d]=folder
  done
  case $f in
    bench/*/run) wanted[$f]=script ;;
    bench/*/*) ;;
    bench/*.cpp) wanted[${f%.cpp}]=benchmark ;;  # named as `bench/x` or `bench/x.cpp`
    scripts/*/*) ;;
    scripts/*) wanted[$f]=script ;;
    tests/*/*) ;;
    tests/*.sh) wanted[$f]=script ;;
  esac
done

missing=0
for p in $(printf '%s\n' "${!wanted[@]}" | sort); do
  if is_named "$p" || { [ "${wanted[$p]}" = benchmark ] && is_named "$p.cpp"; }; then
    continue
  fi
  echo "source tree: $map does not name the ${wanted[$p]} $p"
  missing=$((missing + 1))
done
[ $missing -eq 0 ] && echo "source tree: $map names all ${#wanted[@]} folders, benchmarks and scripts"
[ $missing -eq 0 ]
