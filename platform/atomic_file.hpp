#pragma once
// Replacing a small file (configuration, keys, runtime address) so that readers and crashes see either
// the old content or the new, never a mix: write a temp file in the same directory, fsync it, rename
// it over the target, fsync the directory so the rename itself is durable.
#include <filesystem>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "platform/error.hpp"

namespace storeedge {

Status write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode = 0644);

Result<std::string> read_file(const std::filesystem::path& path);

// fsync(2) of a directory, so that a rename or create inside it survives a power cut.
Status fsync_directory(const std::filesystem::path& dir);

}  // namespace storeedge
