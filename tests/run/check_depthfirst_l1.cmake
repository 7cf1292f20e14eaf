# Depth-first attention on the cluster keeps each head's K and V in L1 and streams the
# query tiles through it (docs/cluster.md): runs `vitsim run ARGS` with
# --set mhsa=layer-wise and mhsa=depth-first and requires, for attention layer LAYER,
# the depth-first run to bring at least STREAMED_BYTES more into and out of L1 by DMA
# (every head's K and V^T; both schedules stage the projections and the output
# projection alike, so the L1 peaks are theirs), less L2 (l2_peak_bytes, no map) and
# a different number of cycles. The layer-wise run's DMA must be exactly STAGED_BYTES:
# steps 1 and 3 bring each operand into L1 once and each result out once.
#   cmake -DVITSIM=path -DARGS="run|--net|eegformer|--soc|gap9|--cores|8" -DLAYER=3 -DSTREAMED_BYTES=n -DSTAGED_BYTES=n -DOUT_DIR=dir -P check_depthfirst_l1.cmake
string(REPLACE "|" ";" args "${ARGS}")
file(MAKE_DIRECTORY "${OUT_DIR}")
foreach(mhsa layer-wise depth-first)
  set(report ${OUT_DIR}/${mhsa}.json)
  execute_process(COMMAND "${VITSIM}" ${args} --set mhsa=${mhsa} --json ${report}
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "vitsim ${ARGS} mhsa=${mhsa}: exit ${code}\n${out}${err}")
  endif()
  file(READ ${report} json)
  foreach(key cycles l1_peak_bytes l2_peak_bytes dma_bytes)
    string(JSON ${key}_${mhsa} GET "${json}" layers ${LAYER} ${key})
  endforeach()
endforeach()
message(STATUS "layer ${LAYER}: layer-wise ${cycles_layer-wise} cycles, L1 ${l1_peak_bytes_layer-wise}, "
               "L2 ${l2_peak_bytes_layer-wise}; depth-first ${cycles_depth-first} cycles, L1 ${l1_peak_bytes_depth-first}, "
               "L2 ${l2_peak_bytes_depth-first}, DMA ${dma_bytes_depth-first}")
if(NOT l2_peak_bytes_depth-first LESS l2_peak_bytes_layer-wise)
  message(FATAL_ERROR "depth-first does not save L2: l2_peak_bytes ${l2_peak_bytes_depth-first} "
                      "vs layer-wise ${l2_peak_bytes_layer-wise}")
endif()
math(EXPR streamed "${dma_bytes_depth-first} - ${dma_bytes_layer-wise}")
if(streamed LESS STREAMED_BYTES OR cycles_depth-first EQUAL cycles_layer-wise)
  message(FATAL_ERROR "depth-first streams too little: ${streamed} more DMA bytes than layer-wise "
                      "(at least ${STREAMED_BYTES}: every head's K and V^T), "
                      "${cycles_depth-first} cycles (layer-wise ${cycles_layer-wise})")
endif()
if(NOT dma_bytes_layer-wise EQUAL STAGED_BYTES)
  message(FATAL_ERROR "layer-wise attention moved ${dma_bytes_layer-wise} DMA bytes, not the ${STAGED_BYTES} "
                      "of its staged projections and output projection")
endif()
