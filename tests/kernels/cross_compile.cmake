# Compiles every kernel source with the RISC-V cross compiler for the target
# (rv32imc, ilp32, -O2), with VS_SIMD=0 and VS_SIMD=1, warnings as errors.
# Inputs: CC, SOURCES and INCLUDES ('|'-separated), OUT (object directory).
string(REPLACE "|" ";" sources "${SOURCES}")
string(REPLACE "|" ";" includes "${INCLUDES}")
set(include_flags)
foreach(dir ${includes})
  list(APPEND include_flags "-I${dir}")
endforeach()
file(MAKE_DIRECTORY ${OUT})
set(failed 0)
foreach(simd 0 1)
  foreach(src ${sources})
    get_filename_component(stem ${src} NAME_WE)
    execute_process(
      COMMAND ${CC} --specs=picolibc.specs -march=rv32imc -mabi=ilp32 -O2 -std=c11
              -Wall -Wextra -Werror -DVS_SIMD=${simd} ${include_flags}
              -c ${src} -o ${OUT}/${stem}.simd${simd}.o
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(SEND_ERROR "cross compile failed: ${src} (VS_SIMD=${simd})\n${out}${err}")
      set(failed 1)
    endif()
  endforeach()
endforeach()
if(failed)
  message(FATAL_ERROR "kernel sources do not cross-compile cleanly")
endif()
list(LENGTH sources n)
message(STATUS "cross-compiled ${n} kernel sources for rv32imc, VS_SIMD=0 and 1")
