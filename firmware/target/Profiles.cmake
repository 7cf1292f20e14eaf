# Reads the SoC profiles (soc/profiles/*.json) and generates one linker script
# per profile: a MEMORY block from "memories", region aliases from
# "code_memory"/"data_memory", the shared sections (firmware/ld/sections.ld.in)
# and a section .<name> for every other memory (e.g. .qspi for large weights).

# "320K", "1M", "16MiB", "0x100000", "4096" -> bytes (decimal).
function(vitsim_parse_size text out_var context)
  string(STRIP "${text}" t)
  if(t MATCHES "^0[xX][0-9a-fA-F]+$" OR t MATCHES "^[0-9]+$")
    math(EXPR bytes "${t}")
  elseif(t MATCHES "^([0-9]+)[ ]*([kKmMgG])(i?[bB])?$")
    set(n ${CMAKE_MATCH_1})
    string(TOUPPER "${CMAKE_MATCH_2}" unit)
    if(unit STREQUAL "K")
      math(EXPR bytes "${n} * 1024")
    elseif(unit STREQUAL "M")
      math(EXPR bytes "${n} * 1024 * 1024")
    else()
      math(EXPR bytes "${n} * 1024 * 1024 * 1024")
    endif()
  else()
    set(${out_var} "" PARENT_SCOPE)
    set(VITSIM_PROFILE_ERROR "${context}: size \"${text}\" is not a number, hex or N[K|M|G]" PARENT_SCOPE)
    return()
  endif()
  set(${out_var} ${bytes} PARENT_SCOPE)
endfunction()

# Optional boolean member of a JSON object; `default` when it is absent.
function(vitsim_json_bool json out_var default)
  string(JSON value ERROR_VARIABLE err GET "${json}" ${ARGN})
  if(err)
    set(${out_var} ${default} PARENT_SCOPE)
  elseif(value)
    set(${out_var} ON PARENT_SCOPE)
  else()
    set(${out_var} OFF PARENT_SCOPE)
  endif()
endfunction()

# The linker-script lines only one ISA needs, so that the other's output stays
# as it was: on Arm the vector table first in the code memory (the core takes SP
# and PC from it at reset, VTOR = code memory base), the unwind index libgcc may
# carry, and the TCB offset picolibc's _set_tls subtracts (Arm TLS variant 1).
function(vitsim_arch_sections arch)
  if(arch STREQUAL "arm")
    set(VITSIM_ARCH_VECTORS "\t\tKEEP (*(.vectors))" PARENT_SCOPE)
    set(VITSIM_ARCH_CODE_SECTIONS
"\t.ARM.exidx : {
\t\tPROVIDE(__exidx_start = .);
\t\t*(.ARM.exidx* .gnu.linkonce.armexidx.*)
\t\tPROVIDE(__exidx_end = .);
\t} >REGION_CODE" PARENT_SCOPE)
    set(VITSIM_ARCH_OTHER
"\t.ARM.attributes 0 : { KEEP (*(.ARM.attributes)) }
\tPROVIDE(__arm32_tls_tcb_offset = MAX(8, __tls_align));" PARENT_SCOPE)
  else()
    set(VITSIM_ARCH_VECTORS "" PARENT_SCOPE)
    set(VITSIM_ARCH_CODE_SECTIONS "" PARENT_SCOPE)
    set(VITSIM_ARCH_OTHER "" PARENT_SCOPE)
  endif()
endfunction()

# Parses one profile. On success sets, in the caller's scope:
#   VITSIM_PROFILE_<name>_LD      generated linker script
#   VITSIM_PROFILE_<name>_ARCH    riscv or arm, from "core" (absent or "rv32":
#                                 riscv; "cortex-m4"/"cortex-m7": arm)
#   VITSIM_PROFILE_<name>_CPU     -mcpu of an Arm profile (cortex-m4, cortex-m7)
#   VITSIM_PROFILE_<name>_MARCH   -march for a RISC-V profile's ISA (rv32i[m][c])
#   VITSIM_PROFILE_<name>_HAS_<M|C|XVITSIM|SIMD> ON when the ISA part is present
#                                 (SIMD: the kernels' fast path exists, Xvitsim
#                                 on RISC-V, the DSP extension on every Cortex-M4/M7;
#                                 an Arm core has M and neither C nor Xvitsim)
#   VITSIM_PROFILE_<name>_MEMORIES names of its memories
#   VITSIM_PROFILE_<name>_CODE_WRITABLE ON when stores to the code memory work
#   VITSIM_PROFILE_<name>_HAS_CLUSTER ON when it has a "cluster" of worker cores
#   VITSIM_PROFILE_<name>_INCLUDE folder of its generated vitsim_profile.h (device
#                                 addresses the profile sets, e.g. VITSIM_ENGINE_BASE)
# On failure sets VITSIM_PROFILE_ERROR to one line naming the file and the field.
function(vitsim_load_profile json_file ld_dir)
  set(VITSIM_PROFILE_ERROR "" PARENT_SCOPE)
  get_filename_component(name "${json_file}" NAME_WE)
  file(READ "${json_file}" json)
  string(JSON root_type ERROR_VARIABLE err TYPE "${json}")
  if(err OR NOT root_type STREQUAL "OBJECT")
    string(REGEX REPLACE "[\n ]+" " " err "${err}")
    set(VITSIM_PROFILE_ERROR "${json_file}: not a JSON object (${err})" PARENT_SCOPE)
    return()
  endif()
  string(JSON core ERROR_VARIABLE err GET "${json}" core)
  if(err OR core STREQUAL "rv32")
    set(arch riscv)
    set(cpu "")
  elseif(core STREQUAL "cortex-m4" OR core STREQUAL "cortex-m7")
    set(arch arm)
    set(cpu ${core})
  else()
    set(VITSIM_PROFILE_ERROR "${json_file}: \"core\" is \"${core}\" (rv32, cortex-m4 or cortex-m7)" PARENT_SCOPE)
    return()
  endif()

  string(JSON code_mem ERROR_VARIABLE err GET "${json}" code_memory)
  if(err)
    set(VITSIM_PROFILE_ERROR "${json_file}: missing \"code_memory\" (${err})" PARENT_SCOPE)
    return()
  endif()
  string(JSON data_mem ERROR_VARIABLE err GET "${json}" data_memory)
  if(err)
    set(VITSIM_PROFILE_ERROR "${json_file}: missing \"data_memory\" (${err})" PARENT_SCOPE)
    return()
  endif()
  string(JSON count ERROR_VARIABLE err LENGTH "${json}" memories)
  if(err OR count EQUAL 0)
    set(VITSIM_PROFILE_ERROR "${json_file}: missing or empty \"memories\" array" PARENT_SCOPE)
    return()
  endif()

  set(memory_block "")
  set(extra_sections "")
  set(memory_names "")
  set(seen_code OFF)
  set(seen_data OFF)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON mem ERROR_VARIABLE err GET "${json}" memories ${i})
    string(JSON mname ERROR_VARIABLE err GET "${mem}" name)
    string(JSON base ERROR_VARIABLE err2 GET "${mem}" base)
    string(JSON size_text ERROR_VARIABLE err3 GET "${mem}" size)
    if(err OR err2 OR err3)
      set(VITSIM_PROFILE_ERROR "${json_file}: memories[${i}] needs \"name\", \"base\" and \"size\"" PARENT_SCOPE)
      return()
    endif()
    if(NOT mname MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
      set(VITSIM_PROFILE_ERROR "${json_file}: memories[${i}].name \"${mname}\" is not a valid section name" PARENT_SCOPE)
      return()
    endif()
    if(NOT base MATCHES "^0[xX][0-9a-fA-F]+$" AND NOT base MATCHES "^[0-9]+$")
      set(VITSIM_PROFILE_ERROR "${json_file}: memories[${i}].base \"${base}\" is not a number" PARENT_SCOPE)
      return()
    endif()
    vitsim_parse_size("${size_text}" size "${json_file}: memories[${i}] (${mname})")
    if(size STREQUAL "")
      set(VITSIM_PROFILE_ERROR "${VITSIM_PROFILE_ERROR}" PARENT_SCOPE)
      return()
    endif()
    math(EXPR size_hex "${size}" OUTPUT_FORMAT HEXADECIMAL)
    vitsim_json_bool("${mem}" writable ON writable)
    vitsim_json_bool("${mem}" executable ON executable)
    set(attrs "r")
    if(writable)
      string(APPEND attrs "w")
    endif()
    if(executable)
      string(APPEND attrs "x")
    endif()
    string(APPEND memory_block "\t${mname} (${attrs}) : ORIGIN = ${base}, LENGTH = ${size_hex}\n")
    list(APPEND memory_names ${mname})

    if(mname STREQUAL code_mem)
      set(seen_code ON)
      set(code_writable ${writable})
    endif()
    if(mname STREQUAL data_mem)
      set(seen_data ON)
      set(data_size ${size})
    endif()
    if(NOT mname STREQUAL code_mem AND NOT mname STREQUAL data_mem)
      # Data the program places with __attribute__((section(".<name>"))): loaded
      # by the ELF loader at its own address (no copy). Writable memories also
      # get .<name>.noinit for large uninitialised buffers.
      if(writable)
        string(APPEND extra_sections
          "\t.${mname}.noinit (NOLOAD) : {\n"
          "\t\t__${mname}_noinit_start = .;\n"
          "\t\t*(.${mname}.noinit .${mname}.noinit.*)\n"
          "\t\t__${mname}_noinit_end = .;\n"
          "\t} >${mname}\n")
      endif()
      string(APPEND extra_sections
        "\t.${mname} : {\n"
        "\t\t__${mname}_start = .;\n"
        "\t\t*(.${mname} .${mname}.*)\n"
        "\t\t__${mname}_end = .;\n"
        "\t} >${mname}\n")
    endif()
  endforeach()
  if(NOT seen_code)
    set(VITSIM_PROFILE_ERROR "${json_file}: code_memory \"${code_mem}\" is not in \"memories\"" PARENT_SCOPE)
    return()
  endif()
  if(NOT seen_data)
    set(VITSIM_PROFILE_ERROR "${json_file}: data_memory \"${data_mem}\" is not in \"memories\"" PARENT_SCOPE)
    return()
  endif()

  # Same memory for code and data (e.g. GAP9's L2): .data runs where it loads.
  if(code_mem STREQUAL data_mem)
    set(VITSIM_DATA_LMA "")
  else()
    set(VITSIM_DATA_LMA "AT>REGION_CODE")
  endif()
  set(VITSIM_CODE_MEMORY ${code_mem})
  vitsim_arch_sections(${arch})
  set(VITSIM_DATA_MEMORY ${data_mem})
  set(VITSIM_EXTRA_SECTIONS "${extra_sections}")
  configure_file(${VITSIM_SOURCE_DIR}/firmware/ld/sections.ld.in ${ld_dir}/${name}.sections.ld @ONLY)
  file(CONFIGURE OUTPUT ${ld_dir}/${name}.ld CONTENT
"/* Generated from ${json_file} by firmware/target/Profiles.cmake. */
MEMORY
{
${memory_block}}
REGION_ALIAS(\"REGION_CODE\", ${code_mem});
REGION_ALIAS(\"REGION_DATA\", ${data_mem});
INCLUDE ${name}.sections.ld
" @ONLY)

  vitsim_json_bool("${json}" has_m ON isa m)
  vitsim_json_bool("${json}" has_c ON isa c)
  vitsim_json_bool("${json}" has_x ON isa xvitsim)
  set(has_simd ${has_x})
  if(arch STREQUAL "arm")
    # Armv7E-M: multiply/divide and the DSP extension always; the "isa" object
    # describes a RISC-V core and does not apply.
    set(has_m ON)
    set(has_c OFF)
    set(has_x OFF)
    set(has_simd ON)
  endif()
  set(march rv32i)
  if(has_m)
    string(APPEND march m)
  endif()
  if(has_c)
    string(APPEND march c)
  endif()
  set(VITSIM_PROFILE_${name}_LD ${ld_dir}/${name}.ld PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_ARCH ${arch} PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_CPU "${cpu}" PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_MARCH ${march} PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_HAS_SIMD ${has_simd} PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_HAS_M ${has_m} PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_HAS_C ${has_c} PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_HAS_XVITSIM ${has_x} PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_MEMORIES ${memory_names} PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_CODE_WRITABLE ${code_writable} PARENT_SCOPE)
  set(VITSIM_PROFILE_${name}_DATA_BYTES ${data_size} PARENT_SCOPE)
  string(JSON cluster_type ERROR_VARIABLE err TYPE "${json}" cluster)
  if(NOT err AND cluster_type STREQUAL "OBJECT")
    set(VITSIM_PROFILE_${name}_HAS_CLUSTER ON PARENT_SCOPE)
  else()
    set(VITSIM_PROFILE_${name}_HAS_CLUSTER OFF PARENT_SCOPE)
  endif()

  # The profile's device addresses for the firmware (vitsim_profile.h): the matrix
  # engine's register block where the profile places it (docs/engine.md).
  set(device_lines "")
  string(JSON engine_base ERROR_VARIABLE err GET "${json}" cluster engine base)
  if(NOT err)
    if(NOT engine_base MATCHES "^0[xX][0-9a-fA-F]+$")
      set(VITSIM_PROFILE_ERROR "${json_file}: cluster.engine.base \"${engine_base}\" is not a hex address" PARENT_SCOPE)
      return()
    endif()
    string(APPEND device_lines "#define VITSIM_ENGINE_BASE ${engine_base}u /* cluster.engine.base */\n")
  endif()
  file(CONFIGURE OUTPUT ${ld_dir}/${name}/vitsim_profile.h CONTENT
"/* Generated from ${json_file} by firmware/target/Profiles.cmake: the devices this
 * profile places (a macro is absent when the profile has no such device). */
#ifndef VITSIM_PROFILE_H
#define VITSIM_PROFILE_H
${device_lines}#endif
" @ONLY)
  set(VITSIM_PROFILE_${name}_INCLUDE ${ld_dir}/${name} PARENT_SCOPE)

endfunction()
