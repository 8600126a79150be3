# crm::phonenumber: Google's libphonenumber with the protobuf runtime its generated classes use,
# and RE2, on which libcrm runs the numbering plans of libphonenumber's metadata (src/text/numbering.cc).
# A CMake package of it when there is one (Conan's CMakeDeps writes libphonenumber::phonenumber);
# otherwise Debian's libphonenumber-dev, which ships neither a CMake package nor a pkg-config file.
if(NOT TARGET crm::phonenumber)
  find_package(libphonenumber CONFIG QUIET)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(CRM_RE2 REQUIRED IMPORTED_TARGET re2)  # Debian's libre2-dev; Conan's PkgConfigDeps
  add_library(crm::phonenumber INTERFACE IMPORTED)
  if(TARGET libphonenumber::phonenumber)
    set_target_properties(crm::phonenumber PROPERTIES INTERFACE_LINK_LIBRARIES
      "libphonenumber::phonenumber;PkgConfig::CRM_RE2")
  else()
    find_path(CRM_PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
    find_library(CRM_PHONENUMBER_LIBRARY phonenumber REQUIRED)
    pkg_check_modules(CRM_PROTOBUF REQUIRED IMPORTED_TARGET protobuf)
    set_target_properties(crm::phonenumber PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${CRM_PHONENUMBER_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${CRM_PHONENUMBER_LIBRARY};PkgConfig::CRM_PROTOBUF;PkgConfig::CRM_RE2")
  endif()
endif()
