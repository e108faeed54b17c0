# Install layout and the Debian packages (CPack DEB): `cmake --install build` or `cmake --build build --target
# package`. Two packages: trustctl (the tool, its man page, bash and zsh completion, the JSON schemas and the example
# sites) and trustctl-sim (vos-sim, for labs and change rehearsals). Depends comes from the shared libraries the
# binaries link (dpkg-shlibdeps), never from a hand-kept list.

include(GNUInstallDirs)

# The man page and completion scripts are generated from the command line's own definitions by the binary just
# built (cli/commands/cli_docs.hpp), so they cannot drift from --help.
set(TRUSTCTL_GENERATED ${CMAKE_BINARY_DIR}/generated)
add_custom_command(
  OUTPUT ${TRUSTCTL_GENERATED}/trustctl.1.gz ${TRUSTCTL_GENERATED}/trustctl.bash ${TRUSTCTL_GENERATED}/_trustctl
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TRUSTCTL_GENERATED}
  COMMAND ${CMAKE_COMMAND} -DTRUSTCTL=$<TARGET_FILE:trustctl> -DOUT=${TRUSTCTL_GENERATED}
          -P ${CMAKE_SOURCE_DIR}/cmake/generate_cli_docs.cmake
  DEPENDS trustctl ${CMAKE_SOURCE_DIR}/cmake/generate_cli_docs.cmake
  COMMENT "Generating the man page and shell completion from the command definitions")
add_custom_target(cli_docs ALL DEPENDS ${TRUSTCTL_GENERATED}/trustctl.1.gz ${TRUSTCTL_GENERATED}/trustctl.bash
                                      ${TRUSTCTL_GENERATED}/_trustctl)

install(TARGETS trustctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT trustctl)
install(FILES ${TRUSTCTL_GENERATED}/trustctl.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT trustctl)
# bash-completion loads completions/<command> on demand; zsh looks in vendor-completions.
install(FILES ${TRUSTCTL_GENERATED}/trustctl.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME trustctl COMPONENT trustctl)
install(FILES ${TRUSTCTL_GENERATED}/_trustctl DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions
        COMPONENT trustctl)
# Schemas and examples side by side, so an example's `#:schema ../schemas/site.schema.json` resolves where installed.
install(DIRECTORY schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/trustctl/schemas COMPONENT trustctl
        FILES_MATCHING PATTERN "*.json")
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/trustctl/examples COMPONENT trustctl)
install(FILES docs/appliances.md docs/site-format.md README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT trustctl)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME trustctl)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "trustctl maintainers <trustctl@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "declarative certificate trust for Cisco contact-center (VOS) appliances")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # trustctl_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # the build's debug information stays in the build tree, not in the package
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_TRUSTCTL_PACKAGE_NAME trustctl)
set(CPACK_DEBIAN_TRUSTCTL_PACKAGE_RECOMMENDS "graphviz, bash-completion")
set(CPACK_DEBIAN_SIM_PACKAGE_NAME trustctl-sim)
# One quoted argument each (three would make a CMake list, and the control file's lines would start with " ;"); a
# backslash at a line's end continues the string.
set(CPACK_COMPONENT_TRUSTCTL_DESCRIPTION "plans, applies and verifies certificate trust on Cisco contact-center \
appliances\nA site file describes the trust each cluster must have; trustctl reads every node over SSH and HTTPS,\n\
plans what must change, applies it in a safe order with every step journaled, and verifies the result.")
set(CPACK_COMPONENT_SIM_DESCRIPTION "vos-sim: simulated Cisco VOS appliances for trustctl labs and rehearsals\nA real \
SSH server with the admin CLI, HTTPS and the service ports of each node of a site file.")
set(CPACK_COMPONENTS_ALL trustctl)
if(TARGET vos-sim)
  install(TARGETS vos-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT sim)
  list(APPEND CPACK_COMPONENTS_ALL sim)
endif()
include(CPack)
