# The baseline variants' tests (core/single.c, core/journal.c, core/bitmap.c),
# included from tests/core/CMakeLists.txt.
foreach(t single journal bitmap layout)
  csum_test(test_core_baselines_${t}
            SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_baselines_${t}.c
                    ${CMAKE_CURRENT_LIST_DIR}/test_baselines_util.c
            LIBS csum_core)
endforeach()
# dm-integrity (core/dmi_*.c)
csum_test(test_core_dmi_format SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dmi_format.c LIBS csum_core)
csum_test(test_core_dmi_modes
          SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dmi_modes.c
                  ${CMAKE_CURRENT_LIST_DIR}/test_baselines_util.c
          LIBS csum_core)
# dm-integrity against the kernel's capture (bench/dm-integrity/)
csum_test(test_core_dmi_kernel
          SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dmi_kernel.c
                  ${CMAKE_CURRENT_LIST_DIR}/test_baselines_util.c
          LIBS csum_core PkgConfig::LZMA)
