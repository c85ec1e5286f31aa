# packaging.cmake - what lets other projects find an installed Postbox:
#   pkg-config:  <libdir>/pkgconfig/postbox.pc
#   CMake:       <libdir>/cmake/Postbox/PostboxConfig.cmake (+ version file,
#                targets Postbox::postbox, Postbox::postbox_static and,
#                when installed, the imported program Postbox::pbrun)
# Both are relocatable: they locate the prefix from where they lie, so
# `cmake --install build --prefix DIR` works for any DIR (tests/install).
include(CMakePackageConfigHelpers)

set(PB_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Postbox)

# postbox.pc: prefix relative to ${pcfiledir} (pkg-config and pkgconf both
# define it), unless a directory was given as an absolute path.
file(RELATIVE_PATH pb_pc_up ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
set(PB_PC_PREFIX "\${pcfiledir}/${pb_pc_up}")
string(REGEX REPLACE "/$" "" PB_PC_PREFIX "${PB_PC_PREFIX}")
foreach(d LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${d}}")
    set(PB_PC_${d} "${CMAKE_INSTALL_${d}}")
  else()
    set(PB_PC_${d} "\${prefix}/${CMAKE_INSTALL_${d}}")
  endif()
endforeach()
set(PB_PC_LIBS_PRIVATE "")
foreach(lib ${PB_LIBS_PRIVATE})
  set(PB_PC_LIBS_PRIVATE "${PB_PC_LIBS_PRIVATE} ${lib}")
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/postbox.pc.in
               ${PROJECT_BINARY_DIR}/postbox.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/postbox.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The CMake package.
install(EXPORT PostboxTargets NAMESPACE Postbox::
        DESTINATION ${PB_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/PostboxConfig.cmake.in
  ${PROJECT_BINARY_DIR}/PostboxConfig.cmake
  INSTALL_DESTINATION ${PB_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_INCLUDEDIR)
# 0.x: a new minor version may change the API, so only the same minor
# version (any patch level at or above the one asked for) is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/PostboxConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/PostboxConfig.cmake
              ${PROJECT_BINARY_DIR}/PostboxConfigVersion.cmake
        DESTINATION ${PB_CMAKEDIR})
