# The executor: runs plugin steps over the outbound HTTPS client, with the circuit breaker,
# metrics and log scrubbing. Included from daemon/src/plugins/CMakeLists.txt.
# Beast and Asio SSL are confined to http_client.cpp (one heavy translation unit).
add_library(payd_executor STATIC
  ${CMAKE_CURRENT_LIST_DIR}/circuit_breaker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/executor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/executor_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/log_scrubber.cpp
  ${CMAKE_CURRENT_LIST_DIR}/outbound_target.cpp)
target_link_libraries(payd_executor
  PUBLIC payd_sdk payd_config payd_observability payd_boost
  PRIVATE OpenSSL::SSL OpenSSL::Crypto prometheus-cpp::core payd_warnings)

# One executor per I/O context, and the connectors' runtimes.
add_library(payd_executor_pool STATIC ${CMAKE_CURRENT_LIST_DIR}/executor_pool.cpp)
target_link_libraries(payd_executor_pool
  PUBLIC payd_executor payd_plugins
  PRIVATE payd_warnings)
