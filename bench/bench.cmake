# Runs the benchmark ELF through vitsim and summarises it:
#   cmake -DVITSIM=<exe> -DELF=<bench.elf> -DSOC=<profile> -DJSON=<report> -P bench.cmake
# Prints the program's per-section lines (cycles, MAC/cycle), then the totals
# from the JSON report: instructions, cycles, host seconds and host MIPS.
cmake_minimum_required(VERSION 3.20)
foreach(var VITSIM ELF SOC JSON)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "bench.cmake: ${var} is required")
  endif()
endforeach()
if(NOT EXISTS ${ELF})
  message(FATAL_ERROR "bench.cmake: ${ELF} does not exist (build the 'firmware' target)")
endif()

execute_process(
  COMMAND ${VITSIM} elf ${ELF} --soc ${SOC} --json ${JSON}
  RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "vitsim exited with ${exit_code}\n${out}${err}")
endif()

file(READ ${JSON} doc)
foreach(field instructions cycles host_seconds mips)
  string(JSON ${field} ERROR_VARIABLE json_error GET "${doc}" totals ${field})
  if(json_error)
    message(FATAL_ERROR "${JSON}: no totals.${field} (${json_error})")
  endif()
endforeach()

# Host numbers truncated to a few decimals (JSON doubles print with 17 digits).
function(truncate_decimal value digits out_var)
  if(value MATCHES "^([0-9]+)(\\.([0-9]*))?")
    set(whole ${CMAKE_MATCH_1})
    string(SUBSTRING "${CMAKE_MATCH_3}000000" 0 ${digits} fraction)
    set(${out_var} "${whole}.${fraction}" PARENT_SCOPE)
  else()
    set(${out_var} "${value}" PARENT_SCOPE)
  endif()
endfunction()
truncate_decimal("${host_seconds}" 3 host_seconds)
truncate_decimal("${mips}" 1 mips)

# Section lines of the program, e.g. "matmul_c: ... MAC/cycle 0.123"
string(REGEX MATCHALL "[^\n]*MAC/cycle[^\n]*" mac_lines "${out}")
string(REPLACE ";" "\n  " mac_lines "${mac_lines}")
message(
  "bench on ${SOC}:\n"
  "  ${mac_lines}\n"
  "  simulated: ${instructions} instructions, ${cycles} cycles\n"
  "  host: ${host_seconds} s, ${mips} MIPS (totals.mips)\n"
  "  report: ${JSON}")
