# Checks that the compressed-instruction test cases really are 16-bit:
# every instruction between rvc_cases_begin and rvc_cases_end of the ELF is
# 2 bytes, and every RV32C form appears.
#   cmake -DOBJDUMP=<objdump> -DNM=<nm> -DELF=<file> -P check_rvc_encoding.cmake
cmake_minimum_required(VERSION 3.20)
execute_process(COMMAND ${NM} ${ELF} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${ELF} failed")
endif()
foreach(sym rvc_cases_begin rvc_cases_end)
  if(NOT symbols MATCHES "([0-9a-f]+) [A-Za-z] ${sym}\n")
    message(FATAL_ERROR "${ELF}: symbol ${sym} not found")
  endif()
  set(${sym} 0x${CMAKE_MATCH_1})
endforeach()

execute_process(
  COMMAND ${OBJDUMP} -d -M no-aliases --start-address=${rvc_cases_begin}
          --stop-address=${rvc_cases_end} ${ELF}
  OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OBJDUMP} failed on ${ELF}")
endif()

# Instruction lines look like " 8000a2c:\t0141      \tc.addi\ta0,16"
string(REGEX MATCHALL "\n +[0-9a-f]+:\t[0-9a-f]+ *\t[a-z0-9.]+[^\n]*" lines "${listing}")
set(mnemonics "")
set(wide "")
foreach(line IN LISTS lines)
  string(REGEX MATCH ":\t([0-9a-f]+) *\t([a-z0-9.]+)\t?([^\n]*)" _ "${line}")
  set(encoding "${CMAKE_MATCH_1}")
  set(mnemonic "${CMAKE_MATCH_2}")
  set(operands "${CMAKE_MATCH_3}")
  string(LENGTH "${encoding}" digits)
  if(NOT digits EQUAL 4)
    string(STRIP "${line}" line)
    list(APPEND wide "${line}")
  endif()
  # objdump -M no-aliases shows c.nop as its encoding, c.addi zero,0
  if(mnemonic STREQUAL "c.addi" AND operands MATCHES "^zero,0")
    set(mnemonic c.nop)
  endif()
  list(APPEND mnemonics ${mnemonic})
endforeach()
list(LENGTH lines count)
if(count LESS 50)
  message(FATAL_ERROR "only ${count} instructions between rvc_cases_begin and rvc_cases_end")
endif()
if(wide)
  string(REPLACE ";" "\n" wide "${wide}")
  message(FATAL_ERROR "instructions that are not 16-bit:\n${wide}")
endif()

set(missing "")
foreach(form c.addi4spn c.lw c.sw c.nop c.addi c.jal c.li c.addi16sp c.lui c.srli c.srai
             c.andi c.sub c.xor c.or c.and c.j c.beqz c.bnez c.slli c.lwsp c.jr c.mv
             c.ebreak c.jalr c.add c.swsp)
  if(NOT form IN_LIST mnemonics)
    list(APPEND missing ${form})
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "RV32C forms missing from the test cases: ${missing}")
endif()
message(STATUS "${count} instructions, all 16-bit, all 27 RV32C forms present")
