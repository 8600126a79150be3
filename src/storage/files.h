// What libcrm checks of an LMDB data file before LMDB maps it, and where the mapping lies once it
// has: the defences against damaged and truncated files that LMDB itself does not have.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace crm::storage::files {

// Reads and checks both meta pages of the open file `fd`, then its size: NotADatabase when
// neither is an LMDB meta page, DataLoss when one is damaged, names a table root past the last
// page, or claims pages the file does not have (a truncated file, whose map LMDB would read
// past the end of the file).
absl::Status CheckMeta(int fd, const std::string& path);

// The mapping of the file `ino`, whose absolute path is `path`, in this process with `length`
// bytes: its start, or null.
const char* FindMapping(ino_t ino, const std::string& path, std::size_t length);

}  // namespace crm::storage::files
