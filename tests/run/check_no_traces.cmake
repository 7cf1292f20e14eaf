# A run that fails after simulating (cycle limit, exit 114) writes its JSON report
# and no trace: no VCD, FST or timeline, not even an empty one.
foreach(f json vcd fst timeline.json)
  file(REMOVE "${OUT}.${f}")
endforeach()
execute_process(COMMAND "${VITSIM}" run --net tiny --max-cycles 20000 --json ${OUT}.json --vcd ${OUT}.vcd
                        --fst ${OUT}.fst --timeline ${OUT}.timeline.json
                RESULT_VARIABLE code OUTPUT_QUIET ERROR_QUIET)
if(NOT code EQUAL 114)
  message(FATAL_ERROR "expected exit 114 (cycle limit), got ${code}")
endif()
file(READ ${OUT}.json report)
if(NOT report MATCHES "\"status\": \"failed\"")
  message(FATAL_ERROR "${OUT}.json does not say the run failed")
endif()
foreach(f vcd fst timeline.json)
  if(EXISTS ${OUT}.${f})
    message(FATAL_ERROR "a failed run wrote ${OUT}.${f}")
  endif()
endforeach()
