# Broken plugins for test_plugins.py, built into ${PROJECT_BINARY_DIR}/bad_plugins.
set(PAYD_BAD_PLUGIN_DIR ${PROJECT_BINARY_DIR}/bad_plugins)
set(payd_bad_plugin_targets)
foreach(kind 0 1 2 3 4)
  set(names no_descriptor abi_mismatch factory_throws info_throws config_checker)
  list(GET names ${kind} name)
  add_library(payd_bad_${name} MODULE ${CMAKE_CURRENT_LIST_DIR}/bad_plugin.cpp)
  set_target_properties(payd_bad_${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${PAYD_BAD_PLUGIN_DIR} CXX_VISIBILITY_PRESET hidden)
  target_compile_definitions(payd_bad_${name} PRIVATE BAD_KIND=${kind})
  target_link_libraries(payd_bad_${name} PRIVATE payd_sdk)
  list(APPEND payd_bad_plugin_targets payd_bad_${name})
endforeach()
