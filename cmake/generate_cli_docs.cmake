# cmake -DTRUSTCTL=<binary> -DOUT=<dir> -P generate_cli_docs.cmake: the man page and completion scripts, each from
# `trustctl --generate KIND`. A failure stops the build.
foreach(pair "man;trustctl.1" "bash;trustctl.bash" "zsh;_trustctl")
  list(GET pair 0 kind)
  list(GET pair 1 file)
  execute_process(COMMAND ${TRUSTCTL} --generate ${kind} OUTPUT_FILE ${OUT}/${file} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "trustctl --generate ${kind} failed (${status})")
  endif()
endforeach()
# man pages are installed compressed (Debian policy 12.1); -n: no name or time stamp, so the package is reproducible.
execute_process(COMMAND gzip -n -9 -f ${OUT}/trustctl.1 RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gzip of the man page failed (${status})")
endif()
