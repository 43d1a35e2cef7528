# Turns a JSON file into a C++ source holding it as a string (no runtime file lookup).
#   -DINPUT=file.json -DOUTPUT=file.cc [-DNAMESPACE=emu] [-DSYMBOL=kDefaultConfigJson]
if(NOT NAMESPACE)
  set(NAMESPACE emu)
endif()
if(NOT SYMBOL)
  set(SYMBOL kDefaultConfigJson)
endif()
file(READ ${INPUT} CONTENT)
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\n")
file(APPEND ${OUTPUT} "namespace ${NAMESPACE} { extern const char* const ${SYMBOL};\n")
file(APPEND ${OUTPUT} "const char* const ${SYMBOL} = R\"EMUJSON(${CONTENT})EMUJSON\"; }\n")
