# The kernel sources and public include directory, usable from any CMake project:
# the host build (kernels/CMakeLists.txt) and the cross-compiled firmware project
# (include(${VITSIM_SOURCE_DIR}/kernels/sources.cmake)). The sources also need
# firmware/include (vitsim/custom.h) on the include path, and VS_SIMD=1 or 0.
set(VITSIM_KERNEL_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_quant.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_gemm.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_linear.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_patch_embed.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_layernorm.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_softmax.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_gelu.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_eltwise.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_attention.c
  ${CMAKE_CURRENT_LIST_DIR}/src/vs_mhsa.c)
set(VITSIM_KERNEL_INCLUDE_DIR ${CMAKE_CURRENT_LIST_DIR}/include)
# Host-only helpers (floating point): never part of the firmware.
set(VITSIM_KERNEL_HOST_SOURCES ${CMAKE_CURRENT_LIST_DIR}/host/vs_host_params.c)
