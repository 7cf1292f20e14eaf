# Cross toolchain for vitsim's Arm firmware: Cortex-M4/M7 (Armv7E-M, Thumb-2 + DSP),
# no FPU, with picolibc.
#
# Debian's gcc-arm-none-eabi is multilib; `-mthumb -mcpu=cortex-m4|cortex-m7
# -mfloat-abi=soft` selects the thumb/v7e-m/nofp picolibc. The per-profile -mcpu
# comes from the profile's "core" field (firmware/target/Profiles.cmake).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(VITSIM_ARM_PREFIX arm-none-eabi- CACHE STRING "Prefix of the Arm cross tools")
find_program(CMAKE_C_COMPILER ${VITSIM_ARM_PREFIX}gcc REQUIRED)
find_program(CMAKE_ASM_COMPILER ${VITSIM_ARM_PREFIX}gcc REQUIRED)
find_program(CMAKE_OBJCOPY ${VITSIM_ARM_PREFIX}objcopy REQUIRED)
find_program(CMAKE_OBJDUMP ${VITSIM_ARM_PREFIX}objdump REQUIRED)
find_program(CMAKE_SIZE ${VITSIM_ARM_PREFIX}size)
find_program(CMAKE_NM ${VITSIM_ARM_PREFIX}nm)

# try_compile cannot link a bare-metal executable without our linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
