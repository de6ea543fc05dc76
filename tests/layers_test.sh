#!/usr/bin/env bash
# The layer rule (docs/design.md, "Layers"): dependencies point one way,
#   app-qml -> platform -> sync/client -> sync/protocol -> core
#   tools ----------------> sync/client
#   server --------------------------------> sync/protocol -> core
# and a layer may use any layer below it, never one above or beside it.
#
# Checked in every C++ source of each layer, for every #include spelling the tree
# uses (<…> and "…", with or without spaces after '#'):
#   1. public headers: "doorstep/<lib>/…" or <doorstep/<lib>/…> only for a <lib> the
#      layer may use (core, protocol, client, platform; the server's and the app's
#      headers are private to them);
#   2. private sources: a quoted include that is not in the layer itself but is a
#      file of another layer (e.g. "hub/hub.h", "../../server/src/…") is a violation;
#   3. third-party headers the layer must not use (core: no Qt, curl, HTTP or
#      PostgreSQL; sync/protocol: none of those either; sync/client, tools: no Qt,
#      no HTTP server or PostgreSQL; server: no Qt, no curl; platform, app-qml: no
#      HTTP library or PostgreSQL, they reach the hub only through sync/client);
#   4. the build: each layer's CMakeLists.txt links no Doorstep target of a layer it
#      may not use, and core links no Qt, curl or HTTP library.
# Prints each violation as file:line and fails if there is one.
# Usage: layers_test.sh [SOURCE_DIR]
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 1
fail=0

violation() {  # violation WHAT LOCATION
  echo "layer violation: $1"
  echo "  $2"
  fail=1
}

# Header patterns, matched at the start of an include's target.
qt='Q[A-Z][A-Za-z0-9]*$|Qt[A-Za-z0-9]*(/|$)'   # <QString>, <QtQml>, <QtCore/QObject>
curl='curl/'
http='httplib'
pq='libpq-fe|libpq/|postgresql/'

# Every file of the layers, and for each path suffix ("hub/hub.h", "hub.h") the
# files it names, so that a quoted include can be looked up without a process.
declare -A by_suffix=()
while IFS= read -r f; do
  s=$f
  while :; do
    by_suffix[$s]+="$f "
    [[ $s == */* ]] || break
    s=${s#*/}
  done
done < <(find core sync server tools platform app-qml -type f 2>/dev/null | sort)

normalise() {  # normalise PATH: PATH with "." and ".." resolved, in $REPLY
  local part out=() IFS=/
  for part in $1; do
    case $part in
      ''|.) ;;
      ..) if [ ${#out[@]} -gt 0 ] && [ "${out[-1]}" != .. ]; then unset 'out[-1]'; else out+=(..); fi ;;
      *) out+=("$part") ;;
    esac
  done
  REPLY="${out[*]}"
}

include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]*)[>"]'

# check_layer DIR "ALLOWED LIBS" "FORBIDDEN HEADER REGEX" WHAT
check_layer() {
  local dir=$1 allowed=" $2 " forbidden="^($3)" what=$4
  [ -d "$dir" ] || return 0
  local file line text delim target lib candidates c inside
  while IFS= read -r file; do
    while IFS=: read -r line text; do
      [[ $text =~ $include_re ]] || continue
      delim=${BASH_REMATCH[1]}
      target=${BASH_REMATCH[2]}
      # 1. public headers of the libraries
      if [[ $target == doorstep/*/* ]]; then
        lib=${target#doorstep/}
        lib=${lib%%/*}
        if [[ $allowed != *" $lib "* ]]; then
          violation "$what must not include doorstep/$lib" "$file:$line: $text"
        fi
        continue
      fi
      # 3. third-party headers
      if [[ $target =~ $forbidden ]]; then
        violation "$what must not include $target" "$file:$line: $text"
        continue
      fi
      [ "$delim" = '"' ] || continue
      # 2. a quoted include: beside the file, or on the layer's own include path
      normalise "${file%/*}/$target"
      if [ -e "$REPLY" ]; then
        case $REPLY in
          "$dir"/*) ;;
          *) violation "$what must not include another folder's file $REPLY" "$file:$line: $text" ;;
        esac
        continue
      fi
      normalise "$target"
      candidates=${by_suffix[$REPLY]:-}
      [ -n "$candidates" ] || continue   # not a file of the tree (generated, or the system's)
      inside=0
      for c in $candidates; do
        case $c in "$dir"/*) inside=1 ;; esac
      done
      if [ $inside -eq 0 ]; then
        violation "$what must not include another layer's private file ${candidates%% *}" "$file:$line: $text"
      fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file")
  done < <(find "$dir" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' -o -name '*.cc' -o -name '*.mm' \) | sort)
}

check_layer core          "core"                          "$qt|$curl|$http|$pq" "core"
check_layer sync/protocol "core protocol"                 "$qt|$curl|$http|$pq" "sync/protocol"
check_layer sync/client   "core protocol client"          "$qt|$http|$pq"       "sync/client"
check_layer server        "core protocol"                 "$qt|$curl"           "server"
check_layer tools         "core protocol client"          "$qt|$http|$pq"       "tools"
check_layer platform      "core protocol client platform" "$curl|$http|$pq"     "platform"
check_layer app-qml       "core protocol client platform" "$curl|$http|$pq"     "app-qml"

# The same rule in the build. Doorstep's targets: doorstep::core, doorstep::protocol,
# doorstep::sync (sync/client), doorstep::platform, doorstep::hub / doorstep_hub
# (server), doorstep::app / doorstep_app (app-qml).
check_links() {  # check_links CMAKEFILE REGEX WHAT
  [ -f "$1" ] || return 0
  local hits
  hits=$(grep -nE "$2" "$1" | grep -vE '^[0-9]+:[[:space:]]*#' || true)
  if [ -n "$hits" ]; then
    while IFS= read -r hit; do
      violation "$3" "$1:$hit"
    done <<<"$hits"
  fi
}
above_core='doorstep(::|_)(protocol|sync|platform|hub|app)\b'
check_links core/CMakeLists.txt "$above_core|Qt6::|CURL::|HTTPLIB|LIBPQ" \
  "core must not link a higher layer, Qt, curl, HTTP or PostgreSQL"
check_links sync/protocol/CMakeLists.txt 'doorstep(::|_)(sync|platform|hub|app)\b|Qt6::|CURL::' \
  "sync/protocol must not link sync/client, server, platform, app, Qt or curl"
check_links sync/client/CMakeLists.txt 'doorstep(::|_)(platform|hub|app)\b|Qt6::' \
  "sync/client must not link server, platform, app or Qt"
check_links server/CMakeLists.txt 'doorstep(::|_)(sync|platform|app)\b|Qt6::|CURL::' \
  "server must not link sync/client, platform, app, Qt or curl"
check_links tools/CMakeLists.txt 'doorstep(::|_)(hub|platform|app)\b|Qt6::' \
  "tools must not link server, platform, app or Qt"
check_links platform/CMakeLists.txt 'doorstep(::|_)(hub|app)\b' \
  "platform must not link server or app"
check_links app-qml/CMakeLists.txt 'doorstep(::|_)hub\b' \
  "app-qml must not link server"

[ $fail -eq 0 ] && echo "layers: every dependency points one way"
exit $fail
