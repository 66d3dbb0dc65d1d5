# Instrumented builds (docs/testing.md). Included before any target is defined,
# so the flags apply to every library, the program and the tests alike.
#
# CXLVP_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer (GCC or clang).
# Undefined behaviour stops the program (no recovery), so a test that hits it fails.
option(CXLVP_SANITIZE "Build everything with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
# CXLVP_FUZZ: the libFuzzer targets in tests/fuzz/ (clang only). Every source
# gets coverage instrumentation and both sanitizers; only the fuzz targets link
# libFuzzer's driver (-fsanitize=fuzzer).
option(CXLVP_FUZZ "Build the libFuzzer targets of tests/fuzz/ (needs CC=clang CXX=clang++)" OFF)

if(CXLVP_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CXLVP_FUZZ needs clang (configure with CC=clang CXX=clang++); got ${CMAKE_CXX_COMPILER_ID}")
endif()

if(CXLVP_SANITIZE OR CXLVP_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(CXLVP_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12's flow analysis under -fsanitize=address reports members of
  # libstdc++'s <regex> automaton (used by catch.hpp) as maybe uninitialized;
  # the plain build, where the warning stays on, shows they are not.
  add_compile_options(-Wno-maybe-uninitialized)
endif()
if(CXLVP_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Adds the sanitizer runtimes' default options (tests/sanitizer_options.cpp) to
# an executable of the sanitizer build; does nothing in other builds.
function(cxlvp_sanitizer_defaults target)
  if(CXLVP_SANITIZE)
    target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/sanitizer_options.cpp)
  endif()
endfunction()
