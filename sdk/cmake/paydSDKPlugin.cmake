# CMake helpers for out-of-tree provider plugins, loaded by find_package(paydSDK).
#
#   payd_add_plugin(<name> <version> <source>...)
#
#     Builds <name>.so (target payd_plugin_<name>) the way payd loads plugins: a MODULE with
#     hidden visibility (only the PAYD_PLUGIN descriptor is exported), linked with
#     --no-undefined (a missing symbol fails the link, not payd's start-up), an $ORIGIN
#     RPATH, C++20 (the standard is part of the ABI tag) and payd::sdk. The sources see
#     PAYD_<NAME>_VERSION="<version>" (name upper-cased, '-' -> '_'). `cmake --install`
#     puts it into <prefix>/${PAYD_PLUGIN_INSTALL_DIR} (default lib/payd/plugins, where the
#     packaged payd looks: plugins.dir in payd.yaml).
#
#   payd_add_conformance_test(<name> FIXTURES <dir> SOURCES <source>...)
#
#     Needs find_package(paydSDK COMPONENTS testkit). An executable <name>_conformance_test
#     of SOURCES (the test file with PAYD_CONFORMANCE_SUITE and the provider's sources),
#     linked with payd::testkit and GTest::gtest_main; the sources see
#     PAYD_FIXTURES_DIR="<absolute dir>" and, when payd_add_plugin(<name> ...) came first,
#     the same PAYD_<NAME>_VERSION. Each fixture becomes a ctest test (gtest_discover_tests;
#     call enable_testing() first), and editing, adding or removing a fixture re-discovers.
include_guard(GLOBAL)

set(PAYD_PLUGIN_INSTALL_DIR "lib/payd/plugins" CACHE STRING
  "Where `cmake --install` puts plugins, relative to the install prefix (payd's plugins.dir)")

# What the SDK was built with (set by paydSDKConfig.cmake just before including this file).
set_property(GLOBAL PROPERTY PAYD_SDK_CXX_COMPILER_ID "${paydSDK_CXX_COMPILER_ID}")
set_property(GLOBAL PROPERTY PAYD_SDK_CXX_COMPILER_VERSION "${paydSDK_CXX_COMPILER_VERSION}")

# The ABI tag payd checks contains the compiler and its version: a plugin built with another
# compiler loads nowhere, so say so at configure time rather than at payd's start-up.
function(_payd_sdk_check_compiler target)
  get_property(id GLOBAL PROPERTY PAYD_SDK_CXX_COMPILER_ID)
  get_property(version GLOBAL PROPERTY PAYD_SDK_CXX_COMPILER_VERSION)
  get_property(warned GLOBAL PROPERTY _PAYD_SDK_COMPILER_WARNED)
  if(warned OR NOT id)
    return()
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL id OR
     NOT CMAKE_CXX_COMPILER_VERSION VERSION_EQUAL version)
    message(WARNING
      "${target}: compiling with ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}, but "
      "this payd SDK was built with ${id} ${version}. payd refuses a plugin whose ABI tag "
      "(SDK major, compiler and version, Boost version, C++ standard) differs from its own: "
      "build with the same compiler (CMAKE_CXX_COMPILER).")
    set_property(GLOBAL PROPERTY _PAYD_SDK_COMPILER_WARNED TRUE)
  endif()
endfunction()

function(payd_add_plugin name version)
  if(NOT name MATCHES "^[a-z0-9_-]+$")
    message(FATAL_ERROR "payd_add_plugin: \"${name}\" is not a plugin name (a-z, 0-9, _ and -)")
  endif()
  if(NOT ARGN)
    message(FATAL_ERROR "payd_add_plugin(${name} ${version}): no sources")
  endif()
  set(target payd_plugin_${name})
  add_library(${target} MODULE ${ARGN})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    SUFFIX ".so"
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH "$ORIGIN"
    INSTALL_RPATH "$ORIGIN"
    PAYD_PLUGIN_VERSION "${version}")
  string(TOUPPER "PAYD_${name}_VERSION" version_macro)
  string(REPLACE "-" "_" version_macro "${version_macro}")
  target_compile_definitions(${target} PRIVATE ${version_macro}="${version}")
  target_link_options(${target} PRIVATE LINKER:--no-undefined)
  target_link_libraries(${target} PRIVATE payd::sdk)
  install(TARGETS ${target} LIBRARY DESTINATION ${PAYD_PLUGIN_INSTALL_DIR})
  _payd_sdk_check_compiler(${target})
endfunction()

function(payd_add_conformance_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "FIXTURES" "SOURCES")
  if(NOT TARGET payd::testkit)
    message(FATAL_ERROR "payd_add_conformance_test(${name}): payd::testkit is not loaded; use "
                        "find_package(paydSDK REQUIRED COMPONENTS testkit)")
  endif()
  if(NOT arg_FIXTURES OR NOT arg_SOURCES)
    message(FATAL_ERROR "payd_add_conformance_test(${name} FIXTURES <dir> SOURCES <source>...)")
  endif()
  cmake_path(ABSOLUTE_PATH arg_FIXTURES BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE
             OUTPUT_VARIABLE fixtures)
  string(REGEX REPLACE "(.)/$" "\\1" fixtures "${fixtures}")  # "fixtures/" -> "fixtures"
  set(target ${name}_conformance_test)
  add_executable(${target} ${arg_SOURCES})
  set_target_properties(${target} PROPERTIES
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  target_compile_definitions(${target} PRIVATE PAYD_FIXTURES_DIR="${fixtures}")
  if(TARGET payd_plugin_${name})
    get_target_property(version payd_plugin_${name} PAYD_PLUGIN_VERSION)
    string(TOUPPER "PAYD_${name}_VERSION" version_macro)
    string(REPLACE "-" "_" version_macro "${version_macro}")
    target_compile_definitions(${target} PRIVATE ${version_macro}="${version}")
  endif()
  target_link_libraries(${target} PRIVATE payd::testkit GTest::gtest_main)
  # Tests are discovered from the fixtures at build time: relink (and so rediscover) whenever
  # a fixture is added, removed or edited.
  file(GLOB fixture_files CONFIGURE_DEPENDS "${fixtures}/*.json")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${fixture_files})
  include(GoogleTest)
  gtest_discover_tests(${target})
endfunction()
