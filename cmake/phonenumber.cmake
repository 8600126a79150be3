# crm::phonenumber: Google's libphonenumber with the protobuf runtime its generated classes use.
# A CMake package of it when there is one (Conan's CMakeDeps writes libphonenumber::phonenumber);
# otherwise Debian's libphonenumber-dev, which ships neither a CMake package nor a pkg-config file.
if(NOT TARGET crm::phonenumber)
  find_package(libphonenumber CONFIG QUIET)
  add_library(crm::phonenumber INTERFACE IMPORTED)
  if(TARGET libphonenumber::phonenumber)
    set_target_properties(crm::phonenumber PROPERTIES INTERFACE_LINK_LIBRARIES libphonenumber::phonenumber)
  else()
    find_package(PkgConfig REQUIRED)
    find_path(CRM_PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
    find_library(CRM_PHONENUMBER_LIBRARY phonenumber REQUIRED)
    pkg_check_modules(CRM_PROTOBUF REQUIRED IMPORTED_TARGET protobuf)
    set_target_properties(crm::phonenumber PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${CRM_PHONENUMBER_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${CRM_PHONENUMBER_LIBRARY};PkgConfig::CRM_PROTOBUF")
  endif()
endif()
