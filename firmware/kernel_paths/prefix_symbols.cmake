# cmake -DNM=.. -DOBJCOPY=.. -DIN=obj -DOUT=obj -DPREFIX=p_ -P prefix_symbols.cmake
# Copies IN to OUT with every global symbol IN defines renamed PREFIX<name>;
# references to symbols it does not define (memcpy, ...) stay as they are.
execute_process(COMMAND ${NM} --defined-only -g -P ${IN}
                OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "prefix_symbols: ${NM} failed on ${IN}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(map "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([A-Za-z_.$][A-Za-z0-9_.$]*) [A-Z]")
    string(APPEND map "${CMAKE_MATCH_1} ${PREFIX}${CMAKE_MATCH_1}\n")
  endif()
endforeach()
file(WRITE ${OUT}.map "${map}")
execute_process(COMMAND ${OBJCOPY} --redefine-syms=${OUT}.map ${IN} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "prefix_symbols: ${OBJCOPY} failed on ${IN}")
endif()
