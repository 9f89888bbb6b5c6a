# ccache keeps rebuilds on 2-core machines short; it is optional.
find_program(PAYD_CCACHE ccache)
if(PAYD_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${PAYD_CCACHE}")
endif()
