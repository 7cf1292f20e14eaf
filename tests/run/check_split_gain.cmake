# The balanced attention split beats the head split when the head count is not a
# multiple of the cores: runs `vitsim run ARGS` with --set split=heads and with
# split=balanced and requires the balanced run's attention layer LAYER (cycles,
# deterministic) to be faster, and its cluster balance to be higher.
#   cmake -DVITSIM=path -DARGS="run|--net|n.json|--soc|gap9|--cores|8" -DLAYER=3 -DOUT_DIR=dir -P check_split_gain.cmake
string(REPLACE "|" ";" args "${ARGS}")
file(MAKE_DIRECTORY "${OUT_DIR}")
foreach(split heads balanced)
  set(report ${OUT_DIR}/${split}.json)
  execute_process(COMMAND "${VITSIM}" ${args} --set split=${split} --json ${report}
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "vitsim ${ARGS} split=${split}: exit ${code}\n${out}${err}")
  endif()
  file(READ ${report} json)
  string(JSON cycles_${split} GET "${json}" layers ${LAYER} cycles)
  string(JSON balance_${split} GET "${json}" layers ${LAYER} cluster balance)
endforeach()
message(STATUS "layer ${LAYER}: heads ${cycles_heads} cycles (balance ${balance_heads}), "
               "balanced ${cycles_balanced} cycles (balance ${balance_balanced})")
if(NOT cycles_balanced LESS cycles_heads OR NOT balance_balanced GREATER balance_heads)
  message(FATAL_ERROR "the balanced split is not better: heads ${cycles_heads} cycles (balance ${balance_heads}), "
                      "balanced ${cycles_balanced} (balance ${balance_balanced})")
endif()
