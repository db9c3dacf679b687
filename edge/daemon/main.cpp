#include "edge/daemon/daemon.hpp"
#include "platform/allocator.hpp"

int main(int argc, char** argv) {
  storeedge::keep_freed_heap_for_reuse();  // platform/allocator.hpp
  return storeedge::daemon::run(argc, argv);
}
