# Energy checks (docs/energy.md) with tests/run/check_energy.cpp:
#   MODE=parts    vitsim ARGS_A (with --json REPORT_A); its energy parts add up
#   MODE=doubled  ARGS_A and ARGS_B (B: a profile with one per-event energy doubled);
#                 PART doubles, nothing else moves
#   MODE=same     ARGS_A twice (REPORT_B keeps the first report): the same energies
#   MODE=timeline ARGS_A writes TIMELINE: it has the power counter
#   MODE=engine   ARGS_A; the engine part is positive where the engine ran (ENGINE=on)
#                 or 0 everywhere (ENGINE=off)
#   MODE=per_mac  ARGS_A and ARGS_B (B: the engine's mac_pj raised by PJ): only the
#                 engine part moves, by PJ per MAC the layer ran on the engine
#   cmake -DVITSIM=.. -DCHECKER=.. -DMODE=.. -DARGS_A="run|..." [-DARGS_B=..] -DREPORT_A=.. [-DREPORT_B=..]
#         [-DPART=..] [-DTIMELINE=..] -P check_energy.cmake
function(run_vitsim args_text report)
  string(REPLACE "|" ";" args "${args_text}")
  file(REMOVE "${report}")
  execute_process(COMMAND "${VITSIM}" ${args} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REPLACE ";" " " shown "vitsim ${args}")
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${shown}: exit ${code}\n${out}${err}")
  endif()
  if(args_text MATCHES "^run" AND NOT out MATCHES "\nenergy: [0-9.]+ uJ, [0-9.]+ mW average \\(uJ: core ")
    message(FATAL_ERROR "${shown}: the table has no energy line\n${out}")
  endif()
endfunction()

function(check)
  execute_process(COMMAND "${CHECKER}" ${ARGN} RESULT_VARIABLE code ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "${err}")
  endif()
endfunction()

run_vitsim("${ARGS_A}" "${REPORT_A}")
if(MODE STREQUAL "parts")
  check(parts "${REPORT_A}")
elseif(MODE STREQUAL "doubled")
  run_vitsim("${ARGS_B}" "${REPORT_B}")
  check(parts "${REPORT_B}")
  check(doubled "${REPORT_A}" "${REPORT_B}" "${PART}")
elseif(MODE STREQUAL "same")
  file(COPY_FILE "${REPORT_A}" "${REPORT_B}")  # the first run's report
  run_vitsim("${ARGS_A}" "${REPORT_A}")
  check(same "${REPORT_A}" "${REPORT_B}")
elseif(MODE STREQUAL "engine")
  check(engine "${REPORT_A}" "${ENGINE}")
elseif(MODE STREQUAL "per_mac")
  run_vitsim("${ARGS_B}" "${REPORT_B}")
  check(parts "${REPORT_B}")
  check(per_mac "${REPORT_A}" "${REPORT_B}" "${PJ}")
elseif(MODE STREQUAL "timeline")
  check(timeline "${TIMELINE}")
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
