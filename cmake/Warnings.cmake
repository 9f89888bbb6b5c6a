# payd_warnings: linked PRIVATE by every target built from our own sources.
add_library(payd_warnings INTERFACE)
target_compile_options(payd_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2
  $<$<BOOL:${PAYD_WERROR}>:-Werror>)
