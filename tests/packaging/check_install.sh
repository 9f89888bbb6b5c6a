#!/usr/bin/env bash
# Stages `cmake --install BUILD --prefix /usr` under DESTDIR and checks the layout that
# cmake/Install.cmake promises, then runs the staged binary.
#
#   check_install.sh BUILD_DIR VERSION
set -euo pipefail
build="${1:?build dir}"; version="${2:?version}"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
fail=0
check() {  # check DESCRIPTION TEST-ARGS...
  local what="$1"; shift
  if test "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}

DESTDIR="$stage" cmake --install "$build" --prefix /usr > "$stage.log" 2>&1 || {
  cat "$stage.log"; rm -f "$stage.log"; echo "FAIL cmake --install"; exit 1; }
rm -f "$stage.log"
echo "staged files:"
(cd "$stage" && find . -mindepth 1 | sort | sed 's/^/  /')

check "usr/bin/payd is an executable"          -x "$stage/usr/bin/payd" -a -f "$stage/usr/bin/payd"
check "usr/lib/payd/plugins/ exists"            -d "$stage/usr/lib/payd/plugins"
check "etc/payd/payd.yaml (not usr/etc)"        -f "$stage/etc/payd/payd.yaml"
check "no usr/etc"                              ! -e "$stage/usr/etc"
check "etc/payd/credentials/ exists"            -d "$stage/etc/payd/credentials"
check "etc/payd/credentials/ is 0700" "$(stat -c %a "$stage/etc/payd/credentials" 2>/dev/null)" = 700
unit=""
for u in "$stage/lib/systemd/system/payd.service" "$stage/usr/lib/systemd/system/payd.service"; do
  [[ -f "$u" ]] && unit="$u"
done
check "payd.service in (usr/)lib/systemd/system" -n "$unit"
if [[ -n "$unit" ]]; then
  check "installed unit starts /usr/bin/payd" \
    "$(grep -c '^ExecStart=/usr/bin/payd ' "$unit")" = 1
fi
check "usr/share/doc/payd/README.md"            -f "$stage/usr/share/doc/payd/README.md"

if [[ -x "$stage/usr/bin/payd" ]]; then
  out="$("$stage/usr/bin/payd" --version 2>&1)" && rc=0 || rc=$?
  echo "payd --version (exit $rc): $out"
  check "staged payd --version exits 0"         "$rc" = 0
  check "payd --version names $version"         -n "$(grep -F -- "$version" <<<"$out" || true)"

  # The shipped production config validates with the staged binary, its database URL coming
  # from a systemd-style credential as in payd.service.
  creds="$stage/.credentials"
  mkdir -p "$creds"
  printf 'postgresql:///payd?host=/run/postgresql\n' > "$creds/database-url"
  out="$(env -u NOTIFY_SOCKET CREDENTIALS_DIRECTORY="$creds" \
         "$stage/usr/bin/payd" --check-config --config "$stage/etc/payd/payd.yaml" 2>&1)" && rc=0 || rc=$?
  echo "payd --check-config etc/payd/payd.yaml (exit $rc): $out"
  check "staged payd --check-config accepts the staged payd.yaml" "$rc" = 0
fi

if (( fail )); then echo "FAIL: install layout"; exit 1; fi
echo "OK: install layout"
