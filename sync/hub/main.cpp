#include "platform/allocator.hpp"
#include "sync/hub/hub.hpp"

int main(int argc, char** argv) {
  storeedge::keep_freed_heap_for_reuse();  // platform/allocator.hpp
  return storeedge::sync::hub::run(argc, argv);
}
