#pragma once
// storectl: the field technician's CLI. main() hands its arguments to run(), which returns the exit
// code: 0 ok, 1 a command failed, 2 bad usage, 3 the daemon is not running (as systemctl status).
namespace storeedge::cli {

int run(int argc, char** argv);

}  // namespace storeedge::cli
