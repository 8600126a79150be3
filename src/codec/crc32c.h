// CRC-32C (Castagnoli), the checksum stored with every record value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crm::codec {

// Extends `crc` (0 to start) over `n` bytes. Uses the SSE4.2 instruction when the CPU has it.
std::uint32_t Crc32c(const void* data, std::size_t n, std::uint32_t crc = 0);

}  // namespace crm::codec
