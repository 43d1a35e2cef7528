# `cmake --install` rules and the Debian package (CPack), for people who want the programs
# without building them: `./dev package` writes build/covid-alert-emulator_<version>_<arch>.deb.
#
# Installed layout (prefix /usr in the .deb, /usr/local by default for `cmake --install`):
#   bin/covid-alert-emulator, bin/covid-alert-loadgen     the two programs, stripped
#   share/covid-alert-emulator/config/defaults.json       the defaults (also embedded)
#   share/covid-alert-emulator/scenarios/                 the shipped scenarios
#   share/covid-alert-emulator/payloads/                  the seed's test payloads
#   share/man/man1/covid-alert-{emulator,loadgen}.1.gz     from --help (help2man)
#   share/doc/covid-alert-emulator/                       README.md, ci.md
#   lib/python3/dist-packages/covid_alert_emulator/       the pytest fixture (python/)
# The programs need nothing from this tree at run time: the default config is compiled in and
# scenarios are plain files.
include(GNUInstallDirs)

set(EMU_PACKAGE_NAME covid-alert-emulator)
set(EMU_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/${EMU_PACKAGE_NAME})
set(EMU_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/${EMU_PACKAGE_NAME})
# Debian's directory for Python modules of any 3.x; a prefix other than /usr needs PYTHONPATH
# (or `pip install python/`).
set(EMU_INSTALL_PYTHONDIR lib/python3/dist-packages CACHE STRING
    "Where the covid_alert_emulator Python package is installed, relative to the prefix")

# The in-tree names (build/emulator/emulator, build/loadgen/loadgen) stay as they are; installed,
# they carry the project's name so that they do not clash with other programs in bin/.
function(emu_install_program target installed_name)
  install(PROGRAMS $<TARGET_FILE:${target}> DESTINATION ${CMAKE_INSTALL_BINDIR}
          RENAME ${installed_name})
  # install(PROGRAMS) is not stripped by --strip / CPACK_STRIP_FILES (only install(TARGETS) is),
  # and the RelWithDebInfo binaries are ~140 MiB of which ~10 are code.
  install(CODE "
    if(CMAKE_INSTALL_DO_STRIP)
      execute_process(COMMAND \"${CMAKE_STRIP}\"
        \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/${installed_name}\"
        RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR \"strip ${installed_name} failed\")
      endif()
    endif()")
endfunction()
emu_install_program(emulator covid-alert-emulator)
emu_install_program(loadgen covid-alert-loadgen)

install(FILES ${PROJECT_SOURCE_DIR}/emulator/config/defaults.json DESTINATION ${EMU_SHARE_DIR}/config)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${EMU_SHARE_DIR}/scenarios)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tests/data/payloads/ DESTINATION ${EMU_SHARE_DIR}/payloads)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/ci.md
        DESTINATION ${EMU_DOC_DIR})

# The Python package, with the metadata pip would write, so that pytest finds the fixture
# through its entry point (group pytest11) without a conftest.py.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/covid_alert_emulator
        DESTINATION ${EMU_INSTALL_PYTHONDIR}
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
set(EMU_DIST_INFO ${CMAKE_CURRENT_BINARY_DIR}/python-dist-info/covid_alert_emulator-${PROJECT_VERSION}.dist-info)
foreach(file METADATA entry_points.txt top_level.txt)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/python/${file}.in ${EMU_DIST_INFO}/${file} @ONLY)
endforeach()
install(DIRECTORY ${EMU_DIST_INFO} DESTINATION ${EMU_INSTALL_PYTHONDIR})

# Man pages from the programs' own --help (and each subcommand's), so they cannot drift.
find_program(HELP2MAN_EXECUTABLE help2man)
if(HELP2MAN_EXECUTABLE)
  set(EMU_MAN_DIR ${CMAKE_CURRENT_BINARY_DIR}/man)
  # subcommands: comma-separated (a list would be split into separate arguments of COMMAND).
  function(emu_man_page target installed_name summary subcommands)
    set(page ${EMU_MAN_DIR}/${installed_name}.1.gz)
    add_custom_command(
      OUTPUT ${page}
      COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${target}> -DNAME=${installed_name}
              "-DSUMMARY=${summary}" "-DSUBCOMMANDS=${subcommands}" -DVERSION=${PROJECT_VERSION}
              -DHELP2MAN=${HELP2MAN_EXECUTABLE}
              -DINCLUDE=${PROJECT_SOURCE_DIR}/cmake/man/${installed_name}.h2m
              -DWORK_DIR=${EMU_MAN_DIR}/${installed_name} -DOUTPUT=${page}
              -P ${PROJECT_SOURCE_DIR}/cmake/manpage.cmake
      DEPENDS ${target} ${PROJECT_SOURCE_DIR}/cmake/manpage.cmake
              ${PROJECT_SOURCE_DIR}/cmake/man/${installed_name}.h2m
      COMMENT "Man page ${installed_name}(1) from --help")
    add_custom_target(man_${target} ALL DEPENDS ${page})
    install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  endfunction()
  emu_man_page(emulator covid-alert-emulator
    "local emulator of the COVID Alert metrics pipeline" "serve,config,etl")
  emu_man_page(loadgen covid-alert-loadgen
    "load generator and scenario runner for the COVID Alert metrics pipeline" "run,merge")
else()
  message(STATUS "help2man not found: no man pages (./dev installs it)")
endif()

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${EMU_PACKAGE_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "COVID Alert emulator maintainers <covid-alert-emulator@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "local emulator and load tester of the COVID Alert metrics pipeline")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"The serverless pipeline behind the COVID Alert app's metrics (API Gateway, Lambda,
DynamoDB and Streams, SQS, S3, CloudWatch alarms, the nightly ETL) on one port,
with AWS's limits and the seed's quirks, in real or virtual time.
covid-alert-emulator serves it over HTTP for integration tests (boto3, the AWS
CLI); covid-alert-loadgen runs scenarios and gates on their expectations. The
Python module covid_alert_emulator gives pytest a fresh emulator per test.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends comes from the libraries the binaries link (dpkg-shlibdeps), never written by hand.
# Building needs libjs-dygraphs as well (./dev installs it): its script is compiled into both
# programs (emulator/dashboard/CMakeLists.txt), so the package does not depend on it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The fixture's own needs; the programs run without them.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3, python3-boto3, python3-pytest")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "awscli")
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
