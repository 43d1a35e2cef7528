# Writes a gzipped man page for one program from its own --help and each subcommand's --help.
#   cmake -DPROGRAM=path/to/binary -DNAME=installed-name -DSUMMARY="..." -DSUBCOMMANDS="a,b"
#         -DVERSION=x.y.z -DHELP2MAN=help2man -DINCLUDE=static.h2m -DWORK_DIR=dir
#         -DOUTPUT=name.1.gz -P manpage.cmake
# The program runs under its installed name (a symlink in WORK_DIR found through PATH), so the
# usage lines read "covid-alert-emulator serve ..." rather than a build path.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/bin)
file(CREATE_LINK ${PROGRAM} ${WORK_DIR}/bin/${NAME} SYMBOLIC)
set(ENV{PATH} "${WORK_DIR}/bin:$ENV{PATH}")

# roff: a backslash is \e, and a line starting with . or ' would be read as a request.
function(roff_literal text out)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(commands "[COMMANDS]\n")
string(REPLACE "," ";" SUBCOMMANDS "${SUBCOMMANDS}")
foreach(sub ${SUBCOMMANDS})
  execute_process(COMMAND ${NAME} ${sub} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc
                  WORKING_DIRECTORY ${WORK_DIR})
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NAME} ${sub} --help exited ${rc}")
  endif()
  roff_literal("${help}" help)
  string(APPEND commands ".SS \"${NAME} ${sub}\"\n.nf\n${help}.fi\n")
endforeach()
file(READ ${INCLUDE} static_sections)
file(WRITE ${WORK_DIR}/include.h2m "${commands}\n${static_sections}")

execute_process(
  COMMAND ${HELP2MAN} --no-info --no-discard-stderr --version-string=${VERSION}
          --name=${SUMMARY} --section=1 --include=${WORK_DIR}/include.h2m
          --output=${WORK_DIR}/${NAME}.1 ${NAME}
  WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man ${NAME} failed (${rc})")
endif()
# Debian policy: man pages gzip -9n (no name or time stamp, so the package is reproducible).
execute_process(COMMAND gzip -9nf ${WORK_DIR}/${NAME}.1 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${NAME}.1 failed")
endif()
file(RENAME ${WORK_DIR}/${NAME}.1.gz ${OUTPUT})
