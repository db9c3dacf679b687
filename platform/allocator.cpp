#include "platform/allocator.hpp"

#include <malloc.h>

namespace storeedge {

bool keep_freed_heap_for_reuse() {
  // Setting the trim threshold also fixes glibc's mmap threshold at its 128 KiB default (it no longer
  // adapts), so it is raised explicitly.
  return mallopt(M_TRIM_THRESHOLD, kHeapTrimThresholdBytes) == 1 &&
         mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes) == 1;
}

}  // namespace storeedge
