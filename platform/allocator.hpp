#pragma once
// How the long-running programs (storeedged, storehub) and the benchmarks that stand in for them
// configure the C allocator, once, at the start of main.
//
// glibc gives the top of its heap back to the kernel whenever more than 128 KiB of it is free and
// takes it back on the next allocation. A sale allocates and frees a few hundred KiB (statements,
// JSON documents, SQLite's page buffers), so every sale paid a brk() shrink, a brk() grow and a page
// fault per 4 KiB touched again; on a virtualised till each of those is a trap to the hypervisor with
// a TLB flush, and together they cost more than the sale's SQL (sale_bench on tmpfs: 0.30-0.43 ms
// per sale, 0.14 ms with the threshold raised). Keeping up to 16 MiB of freed heap for reuse makes
// the steady state allocate from memory the process already has; peak RSS is unchanged, since only
// memory the process already used is kept.
//
// Blocks of 128 KiB or more come from their own mmap() by default and are unmapped when freed, so
// every push body, its decompressed copy and every large JSON document (hundreds of KiB to a few MiB
// per sync batch) paid an mmap, a munmap and a page fault per 4 KiB (storehub in drain_bench: 7% of
// its CPU in page faults). Blocks under 16 MiB come from the heap and are reused.
namespace storeedge {

inline constexpr int kHeapTrimThresholdBytes = 16 << 20;
inline constexpr int kMmapThresholdBytes = 16 << 20;

// mallopt(M_TRIM_THRESHOLD, kHeapTrimThresholdBytes) and mallopt(M_MMAP_THRESHOLD,
// kMmapThresholdBytes). Returns false if the allocator refused either.
bool keep_freed_heap_for_reuse();

}  // namespace storeedge
