// New files of imports and exports.
#include "imports/outfile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace crm::imports {

OutFile::~OutFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty() && !done_) ::unlink(path_.c_str());
}

absl::Status OutFile::Create(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(absl::StrCat("path: '", path, "' exists already"));
    return absl::InvalidArgumentError(absl::StrCat("path: cannot create '", path, "': ", std::strerror(errno)));
  }
  path_ = path;
  return absl::OkStatus();
}

absl::Status OutFile::Write(std::string_view text) {
  pending_.append(text);
  bytes_ += text.size();
  return pending_.size() >= (1 << 20) ? Flush() : absl::OkStatus();
}

absl::Status OutFile::Flush() {
  std::size_t written = 0;
  while (written < pending_.size()) {
    const ssize_t n = ::write(fd_, pending_.data() + written, pending_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return absl::ResourceExhaustedError(absl::StrCat("path: cannot write '", path_, "': ", std::strerror(errno)));
    written += static_cast<std::size_t>(n);
  }
  pending_.clear();
  return absl::OkStatus();
}

absl::Status OutFile::Finish() {
  if (auto s = Flush(); !s.ok()) return s;
  if (::fsync(fd_) != 0) return absl::InternalError(absl::StrCat("path: cannot sync '", path_, "': ", std::strerror(errno)));
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return absl::InternalError(absl::StrCat("path: cannot close '", path_, "'"));
  done_ = true;
  return absl::OkStatus();
}

}  // namespace crm::imports
