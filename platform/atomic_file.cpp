#include "platform/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace storeedge {
namespace {

Status write_all(int fd, std::string_view content, const std::string& what) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_error("writing " + what, errno));
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

Status write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return fail(errno_error("creating temporary file beside " + path.string(), errno));

  auto cleanup = [&](Error e) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return fail(std::move(e).with_context("replacing " + path.string()));
  };
  if (::fchmod(fd, mode) != 0) return cleanup(errno_error("chmod " + tmpl, errno));
  if (auto s = write_all(fd, content, tmpl); !s) return cleanup(s.error());
  if (::fsync(fd) != 0) return cleanup(errno_error("fsync " + tmpl, errno));
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    return fail(errno_error("closing " + tmpl, err).with_context("replacing " + path.string()));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    return fail(errno_error("renaming " + tmpl + " to " + path.string(), err));
  }
  return fsync_directory(dir);
}

Status fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(errno_error("opening directory " + dir.string(), errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return fail(errno_error("fsync of directory " + dir.string(), err));
  return {};
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(errno_error("opening " + path.string(), errno));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return fail(Errc::io, "reading " + path.string() + " failed");
  return out.str();
}

}  // namespace storeedge
