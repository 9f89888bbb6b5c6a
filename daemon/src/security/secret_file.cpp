#include "security/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace payd::security {
namespace {

// Closes the descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// std::strerror is not thread-safe; the error category's message is.
std::string errno_text() {
  return std::error_code(errno, std::generic_category()).message();
}

std::string mode_text(mode_t mode) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%04o", static_cast<unsigned>(mode & 07777U));
  return buf.data();
}

Result<std::string> read_file(const std::string& path, bool owner_only) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    return fail("cannot open key file " + path + ": " + errno_text());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return fail("cannot stat key file " + path + ": " + errno_text());
  }
  if (!S_ISREG(st.st_mode)) return fail("key file " + path + " is not a regular file");
  if (owner_only && (st.st_mode & 077U) != 0) {
    return fail("key file " + path + " has mode " + mode_text(st.st_mode) +
                ": group and others must have no access (chmod 600 or 400)");
  }
  if (st.st_size <= 0) return fail("key file " + path + " is empty");
  if (static_cast<std::size_t>(st.st_size) > kMaxSecretFileBytes) {
    return fail("key file " + path + " is larger than " + std::to_string(kMaxSecretFileBytes) +
                " bytes");
  }
  std::string out(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read key file " + path + ": " + errno_text());
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  if (out.empty()) return fail("key file " + path + " is empty");
  return out;
}

}  // namespace

Result<std::string> read_secret_file(const std::string& path) {
  return read_file(path, true);
}

Result<std::string> read_public_file(const std::string& path) {
  return read_file(path, false);
}

Result<std::string> credential_path(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos) {
    return fail("credential name \"" + std::string(name) + "\" is not a plain file name");
  }
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");  // NOLINT(concurrency-mt-unsafe)
  if (dir == nullptr || *dir == '\0') {
    return fail("credential " + std::string(name) +
                ": CREDENTIALS_DIRECTORY is not set (is the unit using LoadCredential=?)");
  }
  return std::string(dir) + "/" + std::string(name);
}

std::string_view trim_trailing_space(std::string_view text) noexcept {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace payd::security
