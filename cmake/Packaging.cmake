# A Debian package of the install layout (cmake/Install.cmake):
#
#   cmake --build build/release && cpack --config build/release/CPackConfig.cmake -B build/release/pkg
#   -> payd_<version>_<arch>.deb
#
# Depends is computed by dpkg-shlibdeps (packages dpkg-dev and file) from the libraries the
# binary really links; without those tools it falls back to the list below.
# /etc/payd/payd.yaml is a conffile: an upgrade never overwrites the operator's edits.

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "payd")
set(CPACK_PACKAGE_VENDOR "payd")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "payd maintainers <payd-maintainers@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "payd authenticates merchants' API calls, records every payment in PostgreSQL and hands
each operation to a provider plugin chosen by YAML routing rules. It ships a hardened
systemd unit, a Prometheus /metrics endpoint and JSON logs.")
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_STRIP_FILES ON)

# The package is the daemon: the default install component ("Unspecified") only. The plugin
# SDK (component "sdk": headers, static libraries, the paydSDK CMake package, the template) is
# for plugin authors, installed from a build tree with `cmake --install build --component sdk`
# (docs/plugin-guide.md).
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};${PROJECT_NAME};Unspecified;/")

# Absolute destinations (/etc, /lib/systemd/system) must land inside the package too.
# With CPACK_SET_DESTDIR the install runs with DESTDIR=<staging> and prefix CPACK_INSTALL_PREFIX.
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_SET_DESTDIR ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql (>= 15), prometheus")
set(CPACK_DEBIAN_COMPRESSION_TYPE "gzip")

find_program(PAYD_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(PAYD_FILE_PROGRAM file)
if(PAYD_DPKG_SHLIBDEPS AND PAYD_FILE_PROGRAM)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  # Debian 12 runtime packages of everything payd links (keep in sync with Dependencies.cmake).
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libstdc++6, libgcc-s1, libboost-json1.81.0, libboost-url1.81.0, libboost-program-options1.81.0, libyaml-cpp0.7, libpqxx-6.4, libssl3, libprometheus-cpp-core1.0, libspdlog1.10-fmt9, libfmt9, libsystemd0")
endif()

# Maintainer scripts and conffiles.
set(_payd_debian_dir ${PROJECT_BINARY_DIR}/payd-debian)
file(WRITE ${_payd_debian_dir}/conffiles "/etc/payd/payd.yaml\n")
file(WRITE ${_payd_debian_dir}/postinst [[#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
exit 0
]])
file(WRITE ${_payd_debian_dir}/postrm [[#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
exit 0
]])
file(WRITE ${_payd_debian_dir}/prerm [[#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop payd.service >/dev/null 2>&1 || true
fi
exit 0
]])
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${_payd_debian_dir}/conffiles;${_payd_debian_dir}/postinst;${_payd_debian_dir}/prerm;${_payd_debian_dir}/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
