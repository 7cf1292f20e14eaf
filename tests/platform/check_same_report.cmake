# Runs vitsim twice with different simulator settings and checks that the reports
# agree: timing must depend on the program and the profile only.
#   -DVITSIM=path -DARGS="elf|prog.elf" -DVARIANT_A="--dmi|on" -DVARIANT_B="--dmi|off"
#   -DOUT_DIR=dir -DKEYS="totals.cycles|totals.instructions|layers.0.cycles"
string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "|" ";" keys "${KEYS}")
file(MAKE_DIRECTORY "${OUT_DIR}")
foreach(v A B)
  string(REPLACE "|" ";" variant "${VARIANT_${v}}")
  set(report_${v} "${OUT_DIR}/same_report_${v}.json")
  execute_process(COMMAND "${VITSIM}" ${args} ${variant} --json "${report_${v}}"
    RESULT_VARIABLE code_${v} OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT EXISTS "${report_${v}}")
    message(FATAL_ERROR "vitsim ${args} ${variant}: no report (exit ${code_${v}}): ${err}")
  endif()
  file(READ "${report_${v}}" json_${v})
endforeach()
if(NOT code_A STREQUAL code_B)
  message(FATAL_ERROR "exit codes differ: ${code_A} with ${VARIANT_A}, ${code_B} with ${VARIANT_B}")
endif()
foreach(key IN LISTS keys)
  string(REPLACE "." ";" path "${key}")
  string(JSON a GET "${json_A}" ${path})
  string(JSON b GET "${json_B}" ${path})
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "${key}: ${a} with ${VARIANT_A}, ${b} with ${VARIANT_B}")
  endif()
endforeach()
