# emu_embed_text(<target> <input file> <C++ namespace> <symbol>): compiles <input> into
# <target> as `const std::string_view <namespace>::<symbol>` (cmake/embed_text.cmake).
function(emu_embed_text target input namespace symbol)
  get_filename_component(name ${input} NAME)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cc)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DNAMESPACE=${namespace}
            -DSYMBOL=${symbol} -P ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
    COMMENT "Embedding ${name}")
  target_sources(${target} PRIVATE ${output})
endfunction()
