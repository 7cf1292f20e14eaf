# Instrumentation of the fuzz build (VITSIM_FUZZ=ON, see docs/testing.md): libFuzzer
# coverage, AddressSanitizer and UndefinedBehaviorSanitizer on every target of
# this build dir. Sanitizer reports abort, so the fuzzer records them as findings.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang" OR NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "VITSIM_FUZZ=ON needs clang (libFuzzer): configure a separate build dir, e.g. "
                      "CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DVITSIM_FUZZ=ON (scripts/fuzz.sh does)")
endif()
set(VITSIM_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
add_compile_options(-fsanitize=fuzzer-no-link ${VITSIM_SANITIZE_FLAGS} -g)
add_link_options(-fsanitize=address,undefined)
