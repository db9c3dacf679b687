#include "platform/allocator.hpp"

#include <malloc.h>

namespace storeedge {

bool keep_freed_heap_for_reuse() {
  return mallopt(M_TRIM_THRESHOLD, kHeapTrimThresholdBytes) == 1;
}

}  // namespace storeedge
