# Cross toolchain for vitsim firmware: bare-metal RV32IMC with picolibc.
#
# Debian's gcc-riscv64-unknown-elf is multilib; -march/-mabi pick the 32-bit
# picolibc (there is no rv32imc multilib, so rv32im/ilp32 is linked, which is
# compatible). The per-profile -march (with or without M and C) is added by
# firmware/target/CMakeLists.txt from the profile's "isa" object.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(VITSIM_RISCV_PREFIX riscv64-unknown-elf- CACHE STRING "Prefix of the RISC-V cross tools")
find_program(CMAKE_C_COMPILER ${VITSIM_RISCV_PREFIX}gcc REQUIRED)
find_program(CMAKE_ASM_COMPILER ${VITSIM_RISCV_PREFIX}gcc REQUIRED)
find_program(CMAKE_OBJCOPY ${VITSIM_RISCV_PREFIX}objcopy REQUIRED)
find_program(CMAKE_OBJDUMP ${VITSIM_RISCV_PREFIX}objdump REQUIRED)
find_program(CMAKE_SIZE ${VITSIM_RISCV_PREFIX}size)
find_program(CMAKE_NM ${VITSIM_RISCV_PREFIX}nm)

# try_compile cannot link a bare-metal executable without our linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
