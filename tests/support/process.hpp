#pragma once
// Starting the real storeedge programs from tests: spawn with arguments, capture stdout and stderr
// to files, wait with a deadline, signal, and kill on destruction so a failing test never leaves a
// daemon behind.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace storeedge::test {

// The directory holding our binaries: $STOREEDGE_BIN_DIR, set by CTest for every test.
std::filesystem::path bin_dir();

class Process {
 public:
  // Starts `program` (a path) with `args`; output goes to `log_prefix`.out / .err.
  Process(const std::filesystem::path& program, std::vector<std::string> args,
          const std::filesystem::path& log_prefix);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // The exit code (or 128+signal) if the process ended within `timeout`, else nullopt.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  bool running();
  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::filesystem::path out_, err_;
};

// Runs a program to completion (deadline 30 s) and returns exit code and captured output.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult run_program(const std::filesystem::path& program, std::vector<std::string> args,
                      const std::filesystem::path& log_prefix);

// Polls `condition` every 10 ms until it is true or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace storeedge::test
