#include "platform/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

namespace storeedge::log {
namespace {

std::mutex g_mutex;
std::shared_ptr<spdlog::logger> g_logger;  // guarded by g_mutex for replacement; spdlog is thread-safe
bool g_journal = false;

spdlog::level::level_enum to_spd(Level l) {
  switch (l) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

// systemd sets JOURNAL_STREAM="dev:ino" of the stream it connected to stderr; if our stderr is
// still that stream we are logging into the journal (sd_journal_stream_fd(3), systemd.exec(5)).
bool stderr_is_journal() {
  const char* js = std::getenv("JOURNAL_STREAM");
  if (js == nullptr) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(js, "%llu:%llu", &dev, &ino) != 2) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') return true;
  }
  return false;
}

std::shared_ptr<spdlog::logger> logger() {
  std::lock_guard lock(g_mutex);
  if (!g_logger) {
    g_logger =
        std::make_shared<spdlog::logger>("storeedge", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    g_logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %n: %v");
  }
  return g_logger;
}

}  // namespace

Result<Level> parse_level(std::string_view name) {
  if (name == "debug") return Level::debug;
  if (name == "info") return Level::info;
  if (name == "warn") return Level::warn;
  if (name == "error") return Level::error;
  return fail(Errc::invalid_argument,
              "unknown log level \"" + std::string(name) + "\" (expected debug, info, warn or error)");
}

std::string_view to_string(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

void init(const Options& options) {
  const bool journal =
      options.sink == Sink::journal || (options.sink == Sink::automatic && stderr_is_journal());
  std::shared_ptr<spdlog::logger> next;
  if (journal) {
    next = std::make_shared<spdlog::logger>(
        options.program, std::make_shared<spdlog::sinks::systemd_sink_mt>(options.program));
    next->set_pattern("%v");  // the journal stamps time, unit and priority itself
  } else {
    next =
        std::make_shared<spdlog::logger>(options.program, std::make_shared<spdlog::sinks::stderr_sink_mt>());
    next->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n: %v");
  }
  next->set_level(to_spd(options.level));
  next->flush_on(spdlog::level::debug);
  std::lock_guard lock(g_mutex);
  g_logger = std::move(next);
  g_journal = journal;
}

void set_level(Level l) {
  logger()->set_level(to_spd(l));
}

Level level() {
  switch (logger()->level()) {
    case spdlog::level::trace:
    case spdlog::level::debug: return Level::debug;
    case spdlog::level::info: return Level::info;
    case spdlog::level::warn: return Level::warn;
    default: return Level::error;
  }
}

bool to_journal() {
  std::lock_guard lock(g_mutex);
  return g_journal;
}

std::string format_line(std::string_view event, std::initializer_list<Field> fields) {
  std::string line(event);
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    if (needs_quotes(v)) {
      line += '"';
      for (char c : v) {
        if (c == '"' || c == '\\') line += '\\';
        if (c == '\n') {
          line += "\\n";
          continue;
        }
        line += c;
      }
      line += '"';
    } else {
      line += v;
    }
  }
  return line;
}

void write(Level l, std::string_view event, std::initializer_list<Field> fields) {
  auto lg = logger();
  if (!lg->should_log(to_spd(l))) return;
  lg->log(to_spd(l), "{}", format_line(event, fields));
}

}  // namespace storeedge::log
