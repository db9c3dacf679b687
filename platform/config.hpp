#pragma once
// Reading a TOML configuration file with validation. Every error names the file, the key and the reason:
//   "/etc/storeedge/edge.toml: http.port: must be between 0 and 65535, got 70000"
// Keys are dotted paths ("http.port"). A key that no reader asked for is reported by
// check_unknown_keys(), so a typo ("htpp.port") is an error instead of a silently ignored setting.
//
// Not thread-safe; read a file once at start (and again on reload) into a plain struct.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/error.hpp"

namespace storeedge {

class ConfigFile {
 public:
  static Result<ConfigFile> load(const std::filesystem::path& path);
  // `source` names the text in errors (a path, or "<test>").
  static Result<ConfigFile> parse(std::string_view text, std::string source);

  ConfigFile(ConfigFile&&) noexcept;
  ConfigFile& operator=(ConfigFile&&) noexcept;
  ~ConfigFile();

  Result<std::string> string(std::string_view key, std::string fallback);
  Result<std::int64_t> integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                               std::int64_t max);
  Result<bool> boolean(std::string_view key, bool fallback);
  // An array of strings; missing -> empty.
  Result<std::vector<std::string>> strings(std::string_view key);
  // A string that must be one of `allowed`.
  Result<std::string> choice(std::string_view key, std::string fallback,
                             const std::vector<std::string>& allowed);

  // Fails naming the first key present in the file that no reader asked for.
  Status check_unknown_keys() const;
  const std::string& source() const { return source_; }

 private:
  struct Impl;
  ConfigFile(std::unique_ptr<Impl> impl, std::string source);
  Error key_error(std::string_view key, std::string reason) const;

  std::unique_ptr<Impl> impl_;
  std::string source_;
};

}  // namespace storeedge
