#!/usr/bin/env bash
# The layer check can fail: copies the layers' folders to a scratch directory, sees
# layers_test.sh pass on the copy, then plants one violation at a time (each include
# spelling and each kind of dependency the check knows) and expects the check to
# fail and to name the planted file and line. Nothing in the source tree is touched.
# Usage: layers_planted_test.sh [SOURCE_DIR]
set -u
src=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 1
check=$src/tests/layers_test.sh
scratch=$(mktemp -d "${TMPDIR:-/tmp}/doorstep-layers.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
for d in core sync server tools platform app-qml; do
  [ -d "$src/$d" ] && cp -R "$src/$d" "$scratch/$d"
done

failures=0
if ! out=$("$check" "$scratch" 2>&1); then
  echo "FAIL: the check fails on an unchanged copy of the tree:"
  echo "$out"
  exit 1
fi

# plant FILE LINE WHY: FILE (relative to the copy) gets LINE; the check must fail
# naming FILE:1. A new file is removed afterwards; none is changed in place.
plant() {
  local file=$1 text=$2 why=$3 out
  mkdir -p "$scratch/$(dirname "$file")"
  printf '%s\n' "$text" >"$scratch/$file"
  if out=$("$check" "$scratch" 2>&1); then
    echo "FAIL: not caught: $why ($file: $text)"
    failures=$((failures + 1))
  elif ! grep -qF "$file:1:" <<<"$out"; then
    echo "FAIL: caught but $file:1 not named: $why"
    echo "$out"
    failures=$((failures + 1))
  else
    echo "ok: caught $why"
  fi
  rm -f "$scratch/$file"
}

plant core/src/planted.cpp '#include "doorstep/client/sync_engine.h"' \
  'core including sync/client, quoted (the spelling the tree uses)'
plant core/src/planted.cpp '#include <doorstep/protocol/messages.h>' \
  'core including sync/protocol, in angle brackets'
plant sync/protocol/src/planted.cpp '#  include   "doorstep/client/sync_engine.h"' \
  'sync/protocol including sync/client, with spaces in the directive'
plant sync/client/src/planted.cpp '#include "doorstep/platform/connectivity.h"' \
  'sync/client including platform'
plant server/src/planted.cpp '#include "doorstep/client/sync_engine.h"' \
  'server including sync/client'
plant tools/doorstep/planted.cpp '#include "hub/hub.h"' \
  "tools including the server's private header through its include path"
plant app-qml/src/planted.cpp '#include "storage/sql_backend.h"' \
  "app-qml including the server's storage"
plant platform/src/planted.cpp '#include "worker_session.h"' \
  "platform including the app's private header"
plant core/src/casework/planted.cpp '#include "../../../server/src/hub/hub.h"' \
  'core reaching into the server by a relative path'
plant core/src/planted.cpp '#include <QString>' 'Qt in core'
plant core/src/planted.h '#include <curl/curl.h>' 'curl in a core header'
plant sync/protocol/src/planted.cpp '#include <httplib.h>' 'an HTTP library in sync/protocol'
plant sync/client/src/planted.cpp '#include <QtCore/QObject>' 'Qt in sync/client'
plant server/src/hub/planted.cpp '#include <curl/curl.h>' 'curl in the server'
plant app-qml/src/planted.cpp '#include <libpq-fe.h>' 'PostgreSQL in the app'

# The build: a link to a higher layer in core's CMakeLists.txt.
cp "$scratch/core/CMakeLists.txt" "$scratch/core/CMakeLists.txt.orig"
echo 'target_link_libraries(doorstep_core PRIVATE doorstep::sync)' >>"$scratch/core/CMakeLists.txt"
if out=$("$check" "$scratch" 2>&1); then
  echo "FAIL: not caught: core linking doorstep::sync"
  failures=$((failures + 1))
elif ! grep -qE 'core/CMakeLists.txt:[0-9]+:target_link_libraries\(doorstep_core PRIVATE doorstep::sync\)' <<<"$out"; then
  echo "FAIL: caught but the line not named: core linking doorstep::sync"
  echo "$out"
  failures=$((failures + 1))
else
  echo "ok: caught core linking doorstep::sync"
fi
mv "$scratch/core/CMakeLists.txt.orig" "$scratch/core/CMakeLists.txt"

# And after all that the copy passes again (every plant was taken out).
if ! out=$("$check" "$scratch" 2>&1); then
  echo "FAIL: the copy does not pass again after the plants were removed:"
  echo "$out"
  failures=$((failures + 1))
fi

[ $failures -eq 0 ] && echo "layers check: every planted violation was caught"
[ $failures -eq 0 ]
