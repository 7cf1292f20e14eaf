# Runs one program on vitsim's Arm ISS (RUN) and on qemu-system-arm (QEMU, mps2-an500,
# semihosting) and fails unless both print the same console output and exit alike.
execute_process(COMMAND ${RUN} ${ELF} OUTPUT_VARIABLE iss_out RESULT_VARIABLE iss_rc TIMEOUT 120)
execute_process(COMMAND ${QEMU} -M mps2-an500 -display none -monitor none -serial none -chardev stdio,id=con -semihosting-config enable=on,chardev=con -kernel ${ELF}
                OUTPUT_VARIABLE qemu_out RESULT_VARIABLE qemu_rc TIMEOUT 120)
if(NOT iss_out STREQUAL qemu_out)
  file(WRITE ${ELF}.iss.txt "${iss_out}")
  file(WRITE ${ELF}.qemu.txt "${qemu_out}")
  message(FATAL_ERROR "console output differs: diff ${ELF}.iss.txt ${ELF}.qemu.txt")
endif()
if(NOT iss_rc STREQUAL qemu_rc)
  message(FATAL_ERROR "exit status differs: vitsim ${iss_rc}, qemu ${qemu_rc}")
endif()
message(STATUS "same output and exit status (${iss_rc}) on vitsim and qemu")
