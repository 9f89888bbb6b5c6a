# Every dependency is a Debian 12 package (see scripts/deps.sh for the list).
# Boost must be the versioned 1.81 packages: the unversioned -dev ones are 1.74.
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json url program_options filesystem)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(prometheus-cpp REQUIRED CONFIG)
find_package(PkgConfig REQUIRED)
# libpqxx 6.4 on Debian 12 ships only a pkg-config file.
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
if(PAYD_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(PAYD_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Boost.Asio/Beast settings shared by every target that includes them.
add_library(payd_boost INTERFACE)
target_link_libraries(payd_boost INTERFACE Boost::headers Boost::json Boost::url Threads::Threads)
target_compile_definitions(payd_boost INTERFACE
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW
  BOOST_ASIO_DISABLE_BOOST_COROUTINE
  BOOST_JSON_NO_LIB BOOST_URL_NO_LIB)
