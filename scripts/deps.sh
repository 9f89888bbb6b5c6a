#!/usr/bin/env bash
# Installs exactly the Debian 12 packages payd needs that are missing, and nothing else.
#
#   scripts/deps.sh [build|run|test|bench|list PROFILE]
#
#   build  compilers, CMake/Ninja and the -dev libraries
#   run    build + PostgreSQL 15 server + curl              (scripts/run.sh)
#   test   run + promtool, python3, systemd-analyze, dpkg-dev, Node.js + npm (scripts/test.sh, CI)
#   bench  test + wrk and nginx-light                       (bench/)
#   list P print profile P's packages, one per line, and exit
#
# Idempotent and quiet: when everything is installed it prints nothing and exits 0.
# Otherwise it prints one line naming the missing packages, then runs `apt-get update`
# and a non-interactive `apt-get install --no-install-recommends` of only those.
# Works as root on a fresh Debian 12 (no sudo needed); as another user it uses sudo.
#
# Boost is the versioned 1.81 packages on purpose: the unversioned libboost-*-dev packages
# are 1.74 and conflict with them. Never add an unversioned libboost-*-dev here.
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libboost-program-options1.81-dev libboost-filesystem1.81-dev libboost-system1.81-dev
  libyaml-cpp-dev libpqxx-dev libssl-dev prometheus-cpp-dev libspdlog-dev libfmt-dev
  libsystemd-dev libgtest-dev libgmock-dev libbenchmark-dev
)
# runuser (util-linux) runs PostgreSQL as the unprivileged `postgres` user.
run_pkgs=(postgresql-15 curl util-linux)
# prometheus: promtool; systemd: systemd-analyze; dpkg-dev + file: cpack's dpkg-shlibdeps.
test_pkgs=(prometheus python3 systemd dpkg-dev file clang)  # clang: a second compiler for the ABI check of tests/outoftree
# nodejs + npm: Redocly CLI lints docs/openapi.yaml (tests/peers/openapi; pinned to 1.34.x,
# which runs on Debian 12's Node.js 18 as well as on newer ones). NodeSource's nodejs
# includes npm and conflicts with Debian's npm package, so npm is asked for only when the
# command is missing (Debian's own nodejs).
test_pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || test_pkgs+=(npm)
bench_pkgs=(wrk nginx-light)

profile="${1:-build}"
list_only=0
if [[ "$profile" == list ]]; then
  list_only=1
  profile="${2:-build}"
fi

case "$profile" in
  build) wanted=("${build_pkgs[@]}") ;;
  run)   wanted=("${build_pkgs[@]}" "${run_pkgs[@]}") ;;
  test)  wanted=("${build_pkgs[@]}" "${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) wanted=("${build_pkgs[@]}" "${run_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  -h|--help|help)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 0 ;;
  *)
    echo "deps.sh: unknown profile '$profile' (use build, run, test or bench)" >&2
    exit 2 ;;
esac

if (( list_only )); then
  printf '%s\n' "${wanted[@]}"
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: this script needs a Debian 12 system (dpkg-query and apt-get)" >&2
  exit 1
fi

# Which of the wanted packages are not fully installed? dpkg-query prints one line per
# package it knows; a package it has never heard of is simply missing from the output.
declare -A installed=()
while read -r name status; do
  [[ "$status" == installed ]] && installed["$name"]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${wanted[@]}" 2>/dev/null || true)

missing=()
for pkg in "${wanted[@]}"; do
  [[ -n "${installed[$pkg]:-}" ]] || missing+=("$pkg")
done

(( ${#missing[@]} == 0 )) && exit 0

echo "deps.sh: installing ${#missing[@]} missing package(s): ${missing[*]}"

SUDO=()
if (( EUID != 0 )); then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "deps.sh: missing packages and not root (and no sudo): run as root or install them: ${missing[*]}" >&2
    exit 1
  fi
fi

# Keep the installs from starting services (postgresql, nginx, prometheus...): a running
# system PostgreSQL on 5432 or nginx on 80 is not ours and could collide with tests.
# invoke-rc.d and deb-systemd-invoke honour policy-rc.d; exit 101 = "action forbidden".
policy=/usr/sbin/policy-rc.d
policy_backup=""
restore_policy() {
  if [[ -n "$policy_backup" ]]; then
    "${SUDO[@]}" mv -f "$policy_backup" "$policy"
  else
    "${SUDO[@]}" rm -f "$policy"
  fi
}
if [[ -e "$policy" ]]; then
  policy_backup="$(mktemp /tmp/policy-rc.d.XXXXXX)"
  "${SUDO[@]}" cp -p "$policy" "$policy_backup"
fi
trap restore_policy EXIT
printf '#!/bin/sh\n# written by payd scripts/deps.sh for the duration of one apt-get install\nexit 101\n' \
  | "${SUDO[@]}" tee "$policy" >/dev/null
"${SUDO[@]}" chmod 0755 "$policy"

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -y --no-install-recommends
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" "${missing[@]}"
