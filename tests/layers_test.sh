#!/usr/bin/env bash
# The layer rule (DESIGN.md section 1): core includes no Qt, curl, HTTP or higher
# layer; sync/protocol no curl or Qt; server nothing from the client, platform or app;
# tools nothing from the server; platform nothing from the app; app-qml nothing from
# the server; sync/client no Qt. Prints each violation and fails if there is one.
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 1
fail=0
check() {  # check DIR REGEX WHAT
  [ -d "$1" ] || return 0
  local hits
  hits=$(grep -rnE "$2" "$1" --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.cc' || true)
  if [ -n "$hits" ]; then
    echo "layer violation: $3"
    echo "$hits"
    fail=1
  fi
}
check core '#include *<(Q[A-Za-z]+|curl/|httplib)|#include *"(sync|server|platform|app)|#include *<doorstep/(sync|client|protocol|server|platform|app)' \
  "core must not include Qt, curl, HTTP or a higher layer"
check sync/protocol '#include *<curl/|#include *<Q[A-Za-z]+|#include *<doorstep/(client|server|platform|app)' \
  "sync/protocol must not include curl, Qt or higher layers"
check server '#include *"(sync/client|platform|app)|#include *<doorstep/(client|platform|app)' \
  "server must not include client, platform or app code"
check tools '#include *<doorstep/(server|platform|app)' "tools must not include server, platform or app code"
check platform '#include *"(app|app-qml|server)/|#include *<doorstep/(app|server)/|#include *"(worker_session|app_context|qml_singletons)' \
  "platform must not include app or server code"
check app-qml '#include *<doorstep/server/|#include *"server/' "app-qml must not include server code"
check sync/client '#include *<Q[A-Za-z]+|#include *<doorstep/(server|platform|app)/' \
  "sync/client must not include Qt, server, platform or app code"
# The same rule in the build: core links no Qt, curl or HTTP library.
if grep -qE 'Qt6::|CURL::|httplib' core/CMakeLists.txt; then
  echo "layer violation: core/CMakeLists.txt links Qt, curl or HTTP"
  fail=1
fi
[ $fail -eq 0 ] && echo "layers: every dependency points one way"
exit $fail
