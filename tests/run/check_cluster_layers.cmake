# Layers of the given ops run on every cluster core (docs/cluster.md): runs
# `vitsim run ARGS` at --cores 1 and --cores 8 and requires, for every layer whose op
# is in OPS, at 8 cores every worker busy (instructions > 0, busy cycles at least 80%
# of the busiest: `balance` >= 0.8) and the layer MIN_SPEEDUP times faster than at
# 1 core (cycles: deterministic). Before these layers were parallel the workers
# had 0 cycles in them and 8 cores were no faster.
#   cmake -DVITSIM=path -DARGS="run|--net|n.json|--soc|gap9" -DOPS="patch_embed|lowrank" -DMIN_SPEEDUP=3
#         -DOUT_DIR=dir -P check_cluster_layers.cmake
string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "|" ";" ops "${OPS}")
file(MAKE_DIRECTORY "${OUT_DIR}")
foreach(cores 1 8)
  set(report ${OUT_DIR}/cores${cores}.json)
  execute_process(COMMAND "${VITSIM}" ${args} --cores ${cores} --json ${report}
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "vitsim ${ARGS} --cores ${cores}: exit ${code}\n${out}${err}")
  endif()
  file(READ ${report} json_${cores})
endforeach()
string(JSON n LENGTH "${json_8}" layers)
math(EXPR last "${n} - 1")
set(checked 0)
foreach(i RANGE ${last})
  string(JSON op GET "${json_8}" layers ${i} op)
  list(FIND ops "${op}" wanted)
  if(wanted EQUAL -1)
    continue()
  endif()
  string(JSON name GET "${json_8}" layers ${i} name)
  string(JSON cycles_1 GET "${json_1}" layers ${i} cycles)
  string(JSON cycles_8 GET "${json_8}" layers ${i} cycles)
  string(JSON balance GET "${json_8}" layers ${i} cluster balance)
  foreach(core RANGE 7)
    string(JSON insns GET "${json_8}" layers ${i} cluster cores ${core} instructions)
    if(NOT insns GREATER 0)
      message(FATAL_ERROR "layer ${name} (${op}): worker ${core} ran no instructions at 8 cores")
    endif()
  endforeach()
  math(EXPR limit "${cycles_1} / ${MIN_SPEEDUP}")
  message(STATUS "layer ${name} (${op}): ${cycles_1} cycles at 1 core, ${cycles_8} at 8, balance ${balance}")
  if(balance LESS 0.8 OR NOT cycles_8 LESS limit)
    message(FATAL_ERROR "layer ${name} (${op}) is not shared by the 8 cores: balance ${balance}, "
                        "${cycles_8} cycles at 8 cores vs ${cycles_1} at 1 (wanted < 1/${MIN_SPEEDUP})")
  endif()
  math(EXPR checked "${checked} + 1")
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no layer of ops ${OPS} in vitsim ${ARGS}")
endif()
