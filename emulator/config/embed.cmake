# Turns defaults.json into a C++ source holding it as a string (no runtime file lookup).
file(READ ${INPUT} CONTENT)
file(WRITE ${OUTPUT} "// Generated from config/defaults.json; do not edit.\n")
file(APPEND ${OUTPUT} "namespace emu { extern const char* const kDefaultConfigJson;\n")
file(APPEND ${OUTPUT} "const char* const kDefaultConfigJson = R\"EMUJSON(${CONTENT})EMUJSON\"; }\n")
