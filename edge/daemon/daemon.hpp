#pragma once
// storeedged: the edge daemon. main() hands its arguments to run(), which returns the exit code:
// 0 after a clean stop, 1 when the daemon could not start (database, lock, port), 2 for bad usage
// or configuration.
namespace storeedge::daemon {

int run(int argc, char** argv);

}  // namespace storeedge::daemon
