#include "platform/config.hpp"

#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace storeedge {

struct ConfigFile::Impl {
  toml::table table;
  std::set<std::string, std::less<>> asked;
};

ConfigFile::ConfigFile(std::unique_ptr<Impl> impl, std::string source)
    : impl_(std::move(impl)), source_(std::move(source)) {}
ConfigFile::ConfigFile(ConfigFile&&) noexcept = default;
ConfigFile& ConfigFile::operator=(ConfigFile&&) noexcept = default;
ConfigFile::~ConfigFile() = default;

Result<ConfigFile> ConfigFile::parse(std::string_view text, std::string source) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->table = toml::parse(text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    std::ostringstream msg;
    msg << source << ":" << where.line << ":" << where.column << ": " << e.description();
    return fail(Errc::config, msg.str());
  }
  return ConfigFile(std::move(impl), std::move(source));
}

Result<ConfigFile> ConfigFile::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(Errc::config, path.string() + ": configuration file not found or not a regular file");
  }
  try {
    auto impl = std::make_unique<Impl>();
    impl->table = toml::parse_file(path.string());
    return ConfigFile(std::move(impl), path.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    std::ostringstream msg;
    msg << path.string() << ":" << where.line << ":" << where.column << ": " << e.description();
    return fail(Errc::config, msg.str());
  }
}

Error ConfigFile::key_error(std::string_view key, std::string reason) const {
  return Error(Errc::config, source_ + ": " + std::string(key) + ": " + std::move(reason));
}

Result<std::string> ConfigFile::string(std::string_view key, std::string fallback) {
  impl_->asked.emplace(key);
  auto node = impl_->table.at_path(key);
  if (!node) return fallback;
  if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
  return fail(key_error(key, "must be a string"));
}

Result<std::int64_t> ConfigFile::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                                         std::int64_t max) {
  impl_->asked.emplace(key);
  auto node = impl_->table.at_path(key);
  if (!node) return fallback;
  if (!node.is_integer()) return fail(key_error(key, "must be an integer"));
  const auto v = *node.value<std::int64_t>();
  if (v < min || v > max) {
    return fail(key_error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                   ", got " + std::to_string(v)));
  }
  return v;
}

Result<bool> ConfigFile::boolean(std::string_view key, bool fallback) {
  impl_->asked.emplace(key);
  auto node = impl_->table.at_path(key);
  if (!node) return fallback;
  if (!node.is_boolean()) return fail(key_error(key, "must be true or false"));
  return *node.value<bool>();
}

Result<std::vector<std::string>> ConfigFile::strings(std::string_view key) {
  impl_->asked.emplace(key);
  auto node = impl_->table.at_path(key);
  std::vector<std::string> out;
  if (!node) return out;
  const auto* array = node.as_array();
  if (array == nullptr) return fail(key_error(key, "must be an array of strings"));
  for (const auto& item : *array) {
    const auto* text = item.as_string();
    if (text == nullptr) return fail(key_error(key, "must be an array of strings"));
    out.push_back(text->get());
  }
  return out;
}

Result<std::string> ConfigFile::choice(std::string_view key, std::string fallback,
                                       const std::vector<std::string>& allowed) {
  auto v = string(key, std::move(fallback));
  if (!v) return v;
  for (const auto& a : allowed) {
    if (a == *v) return v;
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return fail(key_error(key, "must be one of " + list + ", got \"" + *v + "\""));
}

namespace {
// Depth-first list of leaf keys ("http.port") in file order.
void collect_keys(const toml::table& table, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, node] : table) {
    std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      collect_keys(*sub, path, out);
    } else {
      out.push_back(std::move(path));
    }
  }
}
}  // namespace

Status ConfigFile::check_unknown_keys() const {
  std::vector<std::string> keys;
  collect_keys(impl_->table, "", keys);
  for (const auto& k : keys) {
    if (!impl_->asked.contains(k)) return fail(key_error(k, "unknown key (see docs/configuration.md)"));
  }
  return {};
}

}  // namespace storeedge
