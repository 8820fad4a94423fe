# keel_plugin(NAME SOURCES... [OUTPUT_DIR DIR] [NO_INSTALL])
# Builds a plugin shared object against the SDK header only. -Wl,--no-undefined
# proves it links nothing of keel; hidden visibility leaves exactly one
# exported symbol, the entry point.
function(keel_plugin name)
  cmake_parse_arguments(KP "NO_INSTALL" "OUTPUT_DIR" "" ${ARGN})
  set(target keel_plugin_${name})
  add_library(${target} MODULE ${KP_UNPARSED_ARGUMENTS})
  if(NOT KP_OUTPUT_DIR)
    set(KP_OUTPUT_DIR ${KEEL_PLUGIN_OUTPUT_DIR})
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${KP_OUTPUT_DIR}
    C_VISIBILITY_PRESET hidden)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/sdk/include)
  target_compile_options(${target} PRIVATE ${KEEL_WARNINGS})
  if(NOT KEEL_SANITIZE)
    # Sanitizer runtimes live in the executable, so their symbols are
    # undefined in the plugin by design.
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
  endif()
  if(NOT KP_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION ${KEEL_PLUGIN_SUBDIR})
  endif()
endfunction()
