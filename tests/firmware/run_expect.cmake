# Runs one command and checks its exit code and output (ctest helper).
#   cmake -DPROGRAM=<exe> -DARGS="a|b|c" -DEXPECT_EXIT=<n>
#         [-DEXPECT_STDOUT=<regex>] [-DEXPECT_STDERR=<regex>]
#         [-DREJECT_STDOUT=<regex>] -P run_expect.cmake
# ARGS uses '|' between arguments (ctest would split a ';' list).
# On any mismatch prints what differed and the full output, and fails.
cmake_minimum_required(VERSION 3.20)
if(NOT DEFINED PROGRAM OR NOT DEFINED EXPECT_EXIT)
  message(FATAL_ERROR "run_expect.cmake: PROGRAM and EXPECT_EXIT are required")
endif()
string(REPLACE "|" ";" arg_list "${ARGS}")

execute_process(
  COMMAND ${PROGRAM} ${arg_list}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

set(problems "")
if(NOT "${exit_code}" STREQUAL "${EXPECT_EXIT}")
  string(APPEND problems "exit code ${exit_code}, expected ${EXPECT_EXIT}\n")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  string(APPEND problems "stdout does not match /${EXPECT_STDOUT}/\n")
endif()
if(DEFINED EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
  string(APPEND problems "stderr does not match /${EXPECT_STDERR}/\n")
endif()
if(DEFINED REJECT_STDOUT AND out MATCHES "${REJECT_STDOUT}")
  string(APPEND problems "stdout matches /${REJECT_STDOUT}/\n")
endif()

string(REPLACE ";" " " shown "${PROGRAM} ${arg_list}")
if(problems)
  message(FATAL_ERROR "${shown}\n${problems}--- stdout ---\n${out}--- stderr ---\n${err}")
endif()
message(STATUS "${shown}: exit ${exit_code}\n${out}${err}")
