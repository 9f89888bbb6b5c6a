#include "config/file_contents.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace payd::config {
namespace {

// Closes a POSIX descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

}  // namespace

// open(2)/read(2) rather than std::ifstream: ifstream hides errno, and operators need the reason.
Result<std::string, std::string> read_file_contents(const std::filesystem::path& path,
                                                    std::size_t max_bytes) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return fail(errno_text(errno));

  std::string contents;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(file.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_text(errno));
    }
    if (n == 0) break;
    contents.append(buffer.data(), static_cast<std::size_t>(n));
    if (contents.size() > max_bytes) {
      return fail("file is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  return contents;
}

}  // namespace payd::config
