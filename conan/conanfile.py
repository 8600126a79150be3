"""Conan recipe for libcrm, built from this source tree with its own CMake build.

Consumers get the same targets as from a plain install: find_package(crm CONFIG) gives
crm::crm (the C++ API, static) and crm::crm_c (the C ABI, shared). The package ships libcrm's
own crmConfig.cmake, so Conan's generated config is switched off for it.
"""
import os

from conan import ConanFile
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy
from conan.tools.gnu import PkgConfigDeps


class CrmConan(ConanFile):
    name = "crm"
    version = "0.23.0"
    description = "Embeddable CRM engine: customers, interactions and a sales pipeline on LMDB"
    topics = ("crm", "lmdb", "embedded-database")
    settings = "os", "compiler", "build_type", "arch"
    package_type = "library"

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..")
        for pattern in ("CMakeLists.txt", "include/*", "src/*", "capi/*", "cmake/*", "examples/*"):
            copy(self, pattern, src=root, dst=self.export_sources_folder)

    def requirements(self):
        self.requires("lmdb/0.9.32")
        self.requires("boost/1.83.0", transitive_headers=True)
        self.requires("abseil/20230802.1", transitive_headers=True)
        self.requires("utf8proc/2.9.0")
        self.requires("libphonenumber/8.13.35")
        self.requires("libsodium/1.0.19")
        self.requires("re2/20230301")
        self.requires("nlohmann_json/3.11.3")

    def layout(self):
        cmake_layout(self)

    def generate(self):
        CMakeDeps(self).generate()
        # libcrm finds LMDB, utf8proc, libsodium and RE2 through pkg-config.
        PkgConfigDeps(self).generate()
        tc = CMakeToolchain(self)
        tc.cache_variables["CRM_BUILD_TESTS"] = False
        tc.cache_variables["CRM_BUILD_BENCH"] = False
        tc.cache_variables["CRM_BUILD_EXAMPLES"] = False
        tc.cache_variables["CMAKE_PREFIX_PATH"] = self.generators_folder.replace("\\", "/")
        tc.generate()

    def build(self):
        os.environ["PKG_CONFIG_PATH"] = self.generators_folder
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        CMake(self).install()

    def package_info(self):
        self.cpp_info.set_property("cmake_find_mode", "none")  # use the package's crmConfig.cmake
        self.cpp_info.builddirs.append(os.path.join("lib", "cmake", "crm"))
        self.cpp_info.libs = ["crm"]
