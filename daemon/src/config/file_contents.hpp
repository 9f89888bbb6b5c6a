#pragma once
// Reads a whole file, reporting why it could not (errno text), for config and secret files.

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/result.hpp"

namespace payd::config {

// The file's bytes, or a reason such as "No such file or directory".
// Refuses files larger than max_bytes so a mistaken path (a device, a log) cannot exhaust memory.
Result<std::string, std::string> read_file_contents(const std::filesystem::path& path,
                                                    std::size_t max_bytes);

}  // namespace payd::config
