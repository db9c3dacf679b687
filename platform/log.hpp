#pragma once
// Structured logging: every line is "event key=value key=value" at a level, so technicians can grep
// and journald can filter by priority. Backed by spdlog; under systemd the lines go to the journal
// with their priority, otherwise to stderr.
//
//   log::info("sale_committed", {{"order", id}, {"lines", std::to_string(n)}});
//
// Thread-safe. init() and set_level() may be called at any time (SIGHUP reload changes the level).
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "platform/error.hpp"

namespace storeedge::log {

enum class Level { debug, info, warn, error };

Result<Level> parse_level(std::string_view name);
std::string_view to_string(Level level);

enum class Sink { automatic, stderr_only, journal };

struct Options {
  std::string program = "storeedge";
  Level level = Level::info;
  // automatic: the journal when stderr is connected to it (JOURNAL_STREAM, as systemd documents),
  // otherwise stderr.
  Sink sink = Sink::automatic;
};

void init(const Options& options);
void set_level(Level level);
Level level();
// True when init() chose the journal.
bool to_journal();

using Field = std::pair<std::string_view, std::string_view>;

void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});
inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::debug, event, fields);
}
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::info, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::warn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::error, event, fields);
}

// "event key=value key2="value with spaces"" — exposed for tests and for the CLI.
std::string format_line(std::string_view event, std::initializer_list<Field> fields);

}  // namespace storeedge::log
