# Warnings are errors on our own targets only; third-party headers are included as system headers.
function(storeedge_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wconversion -Wsign-conversion -Wshadow -Werror)
endfunction()

# storeedge_library(NAME SOURCES ... DEPS ... [PRIVATE_DEPS ...])
# One library per module; its public include root is the repository root, so includes read
# "platform/error.hpp", "edge/domain/cart.hpp".
function(storeedge_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  storeedge_warnings(${name})
endfunction()

function(storeedge_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  storeedge_warnings(${name})
endfunction()

# storeedge_test(NAME SOURCES ... DEPS ... [LABELS ...])
function(storeedge_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  storeedge_warnings(${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}"
    ENVIRONMENT "STOREEDGE_BIN_DIR=${PROJECT_BINARY_DIR}/bin")
endfunction()
