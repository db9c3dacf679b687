#pragma once
// A fresh directory under the test's temporary directory ($TMPDIR), removed with everything in
// it when the object goes away.
#include <filesystem>
#include <string_view>

namespace storeedge::test {

class TempDir {
 public:
  explicit TempDir(std::string_view label = "test");
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace storeedge::test
