# Writes OUT (a header with CSUMSIM_GIT_REV) from `git describe` of SRC, at
# every build, rewriting it only when the revision changed. Outside a git
# checkout the revision is "unknown". Only `csumsim --version` prints it:
# reports carry CSUMSIM_VERSION alone, so their bytes do not change per commit.
execute_process(COMMAND git -C "${SRC}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE rev OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR rev STREQUAL "")
  set(rev "unknown")
endif()
set(text "#define CSUMSIM_GIT_REV \"${rev}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
