# Runs one program several ways and requires identical simulated totals:
# timing must not depend on the SystemC quantum, on DMI, or on the run.
#   cmake -DVITSIM=<exe> -DELF=<file> -DSOC=<profile> -DWORK_DIR=<dir> [-DEXTRA=opt|value|...]
#         -P check_determinism.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var VITSIM ELF SOC WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_determinism.cmake: ${var} is required")
  endif()
endforeach()
file(MAKE_DIRECTORY ${WORK_DIR})
string(REPLACE "|" ";" common_args "${EXTRA}")  # options of every variant (e.g. --cores 8)

# name:extra,options
set(variants
  "default:"
  "default_again:"
  "quantum_1us:--quantum-us,1"
  "quantum_1000us:--quantum-us,1000"
  "dmi_off:--dmi,off")

set(reference "")
foreach(variant IN LISTS variants)
  string(REGEX MATCH "^([^:]*):(.*)$" _ "${variant}")
  set(name ${CMAKE_MATCH_1})
  string(REPLACE "," ";" extra "${CMAKE_MATCH_2}")
  set(json_file ${WORK_DIR}/${name}.json)
  file(REMOVE ${json_file})
  execute_process(
    COMMAND ${VITSIM} elf ${ELF} --soc ${SOC} --json ${json_file} ${common_args} ${extra}
    RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT exit_code EQUAL 0)
    message(FATAL_ERROR "${name}: vitsim exited with ${exit_code}\n${out}${err}")
  endif()
  file(READ ${json_file} doc)
  string(JSON cycles ERROR_VARIABLE e1 GET "${doc}" totals cycles)
  string(JSON instructions ERROR_VARIABLE e2 GET "${doc}" totals instructions)
  if(e1 OR e2)
    message(FATAL_ERROR "${name}: ${json_file} has no totals.cycles/totals.instructions (${e1}${e2})")
  endif()
  message(STATUS "${name}: ${instructions} instructions, ${cycles} cycles")
  set(totals "${instructions} instructions, ${cycles} cycles")
  if(reference STREQUAL "")
    set(reference "${totals}")
    set(reference_name ${name})
  elseif(NOT totals STREQUAL reference)
    message(FATAL_ERROR "${name} gave ${totals}, ${reference_name} gave ${reference}")
  endif()
endforeach()
