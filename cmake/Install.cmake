# Install layout. With `--prefix /usr` (the package's prefix) it follows Debian:
#
#   /usr/bin/payd
#   /usr/lib/payd/plugins/                provider plugins (plugins.dir in payd.yaml)
#   /etc/payd/payd.yaml                   production example config (a dpkg conffile)
#   /etc/payd/credentials/                0700, for LoadCredential= sources
#   /lib/systemd/system/payd.service
#   /usr/share/doc/payd/                  README.md, operations.md
#
# With another prefix P: P/bin, P/lib/payd/plugins, P/etc/payd, P/lib/systemd/system.
# /etc and the unit directory are chosen at *install* time from the prefix actually used
# (`cmake --install build --prefix /usr`), not from the configure-time prefix, and
# DESTDIR is honoured for staging: `DESTDIR=/tmp/stage cmake --install build --prefix /usr`.
# Override them with absolute paths in PAYD_INSTALL_SYSCONFDIR / PAYD_INSTALL_UNITDIR.

set(PAYD_INSTALL_PLUGINDIR "lib/payd/plugins" CACHE STRING
  "Plugin directory, relative to the install prefix (not multiarch: it is payd's own)")
set(PAYD_INSTALL_SYSCONFDIR "" CACHE PATH
  "Absolute directory that receives payd/payd.yaml (default: /etc for prefix /usr, else PREFIX/etc)")
set(PAYD_INSTALL_UNITDIR "" CACHE PATH
  "Absolute systemd unit directory (default: /lib/systemd/system for prefix /usr, else PREFIX/lib/systemd/system)")

if(TARGET payd)
  install(TARGETS payd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# An empty directory: plugins are separate targets that install into it.
install(DIRECTORY DESTINATION ${PAYD_INSTALL_PLUGINDIR})

# Resolve /etc and the unit directory when the install runs.
install(CODE "
  set(_payd_sysconfdir [[${PAYD_INSTALL_SYSCONFDIR}]])
  set(_payd_unitdir [[${PAYD_INSTALL_UNITDIR}]])
  if(NOT _payd_sysconfdir)
    if(CMAKE_INSTALL_PREFIX MATCHES \"^/usr/?$\")
      set(_payd_sysconfdir /etc)
    else()
      set(_payd_sysconfdir \"\${CMAKE_INSTALL_PREFIX}/etc\")
    endif()
  endif()
  if(NOT _payd_unitdir)
    if(CMAKE_INSTALL_PREFIX MATCHES \"^/usr/?$\")
      set(_payd_unitdir /lib/systemd/system)
    else()
      set(_payd_unitdir \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\")
    endif()
  endif()
")

# An empty, root-only directory for LoadCredential= sources (see systemd/payd.service).
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/payd-install/credentials)

# file(INSTALL) prepends $ENV{DESTDIR} itself and records the files in the manifest.
install(CODE "
  file(INSTALL DESTINATION \"\${_payd_sysconfdir}/payd\" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES [[${PROJECT_SOURCE_DIR}/etc/payd/payd.yaml]])
  file(INSTALL DESTINATION \"\${_payd_sysconfdir}/payd\" TYPE DIRECTORY
       DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
       FILES [[${PROJECT_BINARY_DIR}/payd-install/credentials]])
  file(INSTALL DESTINATION \"\${_payd_unitdir}\" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES [[${PROJECT_SOURCE_DIR}/systemd/payd.service]])
")

# Documentation, as far as it exists.
foreach(_doc README.md docs/operations.md)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${_doc})
    install(FILES ${PROJECT_SOURCE_DIR}/${_doc} DESTINATION ${CMAKE_INSTALL_DOCDIR})
  endif()
endforeach()
