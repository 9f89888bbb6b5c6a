# payd_add_plugin(NAME VERSION SOURCES...): a provider plugin as a loadable module.
# Hidden visibility (only the descriptor alias is exported), no undefined symbols,
# $ORIGIN-relative RPATH, and installed into <libdir>/payd/plugins.
set(PAYD_PLUGIN_OUTPUT_DIR ${PROJECT_BINARY_DIR}/plugins)

function(payd_add_plugin name version)
  set(target payd_plugin_${name})
  add_library(${target} MODULE ${ARGN})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${PAYD_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH "$ORIGIN"
    INSTALL_RPATH "$ORIGIN")
  string(TOUPPER "PAYD_${name}_VERSION" version_macro)
  target_compile_definitions(${target} PRIVATE ${version_macro}="${version}")
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  target_link_libraries(${target} PRIVATE payd_sdk payd_warnings)
  if(DEFINED PAYD_INSTALL_PLUGINDIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${PAYD_INSTALL_PLUGINDIR})
  else()
    install(TARGETS ${target} LIBRARY DESTINATION lib/payd/plugins)
  endif()
endfunction()
