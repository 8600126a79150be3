// A new file that imports and exports write: created owner-only and exclusively (never over an
// existing file or through a symlink), written in chunks, synced, and removed when not finished.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace crm::imports {

class OutFile {
 public:
  OutFile() = default;
  ~OutFile();  // removes the file unless Finish succeeded
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;

  // AlreadyExists when there is a file at `path`.
  absl::Status Create(const std::string& path);
  // Appends `text` (written out once enough is gathered).
  absl::Status Write(std::string_view text);
  // Writes what is left, syncs and closes.
  absl::Status Finish();
  std::uint64_t bytes() const { return bytes_; }

 private:
  absl::Status Flush();
  int fd_ = -1;
  std::string path_;
  std::string pending_;
  std::uint64_t bytes_ = 0;
  bool done_ = false;
};

}  // namespace crm::imports
