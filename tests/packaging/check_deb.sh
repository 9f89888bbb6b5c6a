#!/usr/bin/env bash
# Builds the .deb with cpack and checks its control data and contents:
# every shared library the binary needs (readelf NEEDED) is covered by Depends, the config
# is a conffile, and the files are where cmake/Install.cmake puts them.
#
#   check_deb.sh BUILD_DIR
set -euo pipefail
build="${1:?build dir}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" > "$out/cpack.log" 2>&1 \
  || { cat "$out/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb="$(find "$out" -maxdepth 1 -name 'payd_*.deb' -print -quit)"
[[ -n "$deb" ]] || { cat "$out/cpack.log"; echo "FAIL: no payd_*.deb produced"; exit 1; }
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

dpkg-deb -I "$deb" | tee "$out/info"
dpkg-deb -c "$deb" | awk '{print $1, $NF}' | tee "$out/contents"
dpkg-deb -e "$deb" "$out/control"

grep -q '^ Package: payd$' "$out/info" && ok "Package: payd" || bad "Package: payd"
depends="$(sed -n 's/^ Depends: //p' "$out/info")"
[[ -n "$depends" ]] && ok "Depends: $depends" || bad "no Depends"

# Each NEEDED library of the packaged binary must come from a package named in Depends.
# (No early-exiting pipelines here: with pipefail a SIGPIPE'd producer would fail the script.)
dpkg-deb -x "$deb" "$out/root"
bin="$out/root/usr/bin/payd"
tr ',|' '\n\n' <<<"$depends" | awk 'NF {print $1}' > "$out/depends.txt"
ldconfig -p > "$out/ldcache.txt"
if [[ -x "$bin" ]]; then
  readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' > "$out/needed.txt"
  while read -r lib; do
    path="$(awk -v l="$lib" '$1 == l && !found && /x86-64|x86_64|AArch64/ {print $NF; found = 1}' "$out/ldcache.txt")"
    [[ -n "$path" ]] || path="$(awk -v l="$lib" '$1 == l && !found {print $NF; found = 1}' "$out/ldcache.txt")"
    [[ -n "$path" ]] || { bad "$lib: not found on this system"; continue; }
    { dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null || true; } > "$out/owner.txt"
    pkg="$(awk '!/^diversion/ && !found {print; found = 1}' "$out/owner.txt")"
    pkg="${pkg%%:*}"
    if [[ -z "$pkg" ]]; then bad "$lib: no package owns $path"; continue; fi
    # The package itself, or a virtual package it provides (libspdlog1.10 -> libspdlog1.10-fmt9).
    { echo "$pkg"; dpkg-query -W -f='${Provides}\n' "$pkg" 2>/dev/null | tr ',' '\n' | awk 'NF {print $1}'; } > "$out/names.txt"
    if grep -xF -f "$out/names.txt" "$out/depends.txt" > /dev/null; then
      ok "$lib <- $pkg"
    else
      bad "$lib <- $pkg is not in Depends"
    fi
  done < "$out/needed.txt"
else
  bad "usr/bin/payd missing from the package"
fi

grep -qx '/etc/payd/payd.yaml' "$out/control/conffiles" && ok "conffile /etc/payd/payd.yaml" \
  || bad "/etc/payd/payd.yaml is not a conffile"
for f in ./usr/bin/payd ./usr/lib/payd/plugins/ ./etc/payd/payd.yaml ./etc/payd/credentials/ \
         ./lib/systemd/system/payd.service ./usr/share/doc/payd/README.md; do
  grep -q " $f\$" "$out/contents" && ok "contains $f" || bad "missing $f"
done
grep -q ' ./usr/etc' "$out/contents" && bad "has files under ./usr/etc" || ok "nothing under ./usr/etc"
# The plugin SDK (install component "sdk") is not part of the daemon's package.
grep -Eq ' ./usr/(include/|lib/cmake/|lib/libpayd_|share/payd/)' "$out/contents" && bad "carries the plugin SDK" \
  || ok "no plugin SDK (headers, CMake package, template)"
grep -q '^-rwxr-xr-x ./usr/bin/payd$' "$out/contents" && ok "payd is 0755" || bad "payd mode"

if (( fail )); then echo "FAIL: .deb"; exit 1; fi
echo "OK: .deb"
