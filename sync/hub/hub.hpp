#pragma once
// storehub: the sync hub and channel entry point. main() hands its arguments to run(), which returns
// the exit code: 0 after a clean stop, 1 when the hub could not start, 2 for bad usage or configuration.
namespace storeedge::sync::hub {

int run(int argc, char** argv);

}  // namespace storeedge::sync::hub
