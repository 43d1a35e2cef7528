# Turns a text file (JavaScript, CSS, HTML) into a C++ source defining it as a string_view, so
# that the programs serve or inline it without looking for files at run time.
#   cmake -DINPUT=file -DOUTPUT=file.cc -DNAMESPACE=emu::web -DSYMBOL=kDygraphsJs -P embed_text.cmake
# A trailing "//# sourceMappingURL=..." line is dropped: the map is not embedded, and a page
# that works offline must not point at files it does not have.
file(READ ${INPUT} CONTENT)
string(REGEX REPLACE "\n//# sourceMappingURL=[^\n]*" "\n" CONTENT "${CONTENT}")
set(DELIMITER "EMUTEXT")
string(FIND "${CONTENT}" ")${DELIMITER}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains )${DELIMITER}\", the raw string's delimiter")
endif()
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n")
# A literal past the 65,536 characters the standard asks compilers to support: GCC and clang take
# it, and clang's -Woverlength-strings warning about it is silenced here only.
file(APPEND ${OUTPUT} "#pragma GCC diagnostic push\n#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n")
file(APPEND ${OUTPUT} "namespace ${NAMESPACE} { extern const std::string_view ${SYMBOL};\n")
file(APPEND ${OUTPUT} "const std::string_view ${SYMBOL} = R\"${DELIMITER}(${CONTENT})${DELIMITER}\"; }\n")
file(APPEND ${OUTPUT} "#pragma GCC diagnostic pop\n")
