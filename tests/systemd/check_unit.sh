#!/usr/bin/env bash
# Checks systemd/payd.service offline, without a running systemd.
#
#   check_unit.sh verify   UNIT PAYD_BINARY   systemd-analyze verify: fails on exit != 0 or ANY stderr
#   check_unit.sh security UNIT MAX_EXPOSURE  systemd-analyze security --offline: fails above MAX
#
# `verify` checks that ExecStart's binary exists, so it runs on a copy of the unit with
# /usr/bin/payd replaced by PAYD_BINARY (the built one); the shipped unit keeps /usr/bin/payd.
set -euo pipefail

mode="${1:?mode}"; unit="${2:?unit}"; arg="${3:?argument}"
analyze="${SYSTEMD_ANALYZE:-systemd-analyze}"
command -v "$analyze" >/dev/null || { echo "FAIL: systemd-analyze not found (apt-get install systemd)"; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

grep -qx 'ExecStart=/usr/bin/payd --config /etc/payd/payd.yaml' "$unit" \
  || { echo "FAIL: $unit must start /usr/bin/payd --config /etc/payd/payd.yaml"; exit 1; }

case "$mode" in
  verify)
    [[ -x "$arg" ]] || { echo "FAIL: $arg is not an executable"; exit 1; }
    sed "s|/usr/bin/payd|$arg|g" "$unit" > "$work/payd.service"
    rc=0
    "$analyze" verify --man=no --generators=no "$work/payd.service" \
      > "$work/stdout" 2> "$work/stderr" || rc=$?
    cat "$work/stdout" "$work/stderr"
    if (( rc != 0 )) || [[ -s "$work/stderr" ]]; then
      echo "FAIL: systemd-analyze verify exited $rc and/or wrote to stderr (unknown keys only warn)"
      exit 1
    fi
    echo "OK: systemd-analyze verify is clean"
    ;;
  security)
    cp "$unit" "$work/payd.service"
    "$analyze" security --offline=yes --no-pager "$work/payd.service" > "$work/out" 2>&1 || true
    cat "$work/out"
    score="$(sed -n 's/.*Overall exposure level for payd\.service: \([0-9.]*\).*/\1/p' "$work/out")"
    [[ -n "$score" ]] || { echo "FAIL: no exposure score in the output"; exit 1; }
    if awk -v s="$score" -v m="$arg" 'BEGIN { exit !(s + 0 > m + 0) }'; then
      echo "FAIL: exposure $score is above $arg"
      exit 1
    fi
    echo "OK: exposure $score (limit $arg)"
    ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
