// Reading an import file row by row: CSV (RFC 4180), JSON Lines and vCard, with the byte offset and
// line of every row, so an import can stop after any row and resume there.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/import.hpp"

namespace crm::imports {

// One row: its cells by column (CSV: the header's order; JSON Lines: the keys as found).
struct Row {
  std::uint64_t number = 0;  // data rows from 1
  std::uint64_t line = 0;    // the file's line where the row starts (from 1)
  std::uint64_t end = 0;     // the offset just past the row and its line end
  std::vector<std::pair<std::string, std::string>> cells;  // column, value
  std::string original;      // the row's text, without its line end
  std::string problem;       // set when the row cannot be read (the row then fails)
};

// Rows longer than this are refused, and end the file's reading (nothing after them can be
// told apart from them reliably).
inline constexpr std::size_t kMaxRowBytes = 4 << 20;

class Source {
 public:
  // Opens `path`; reads the header of a CSV file (detecting its delimiter when `delimiter` is 0)
  // and then starts at `offset` (0: the first row), numbering rows from `rows_before` + 1 and
  // lines from `line` (0: as counted from the start).
  static absl::StatusOr<std::unique_ptr<Source>> Open(const std::string& path, ImportFormat format, char delimiter);
  ~Source();

  ImportFormat format() const { return format_; }
  char delimiter() const { return delimiter_; }
  const std::vector<std::string>& header() const { return header_; }
  std::uint64_t size() const { return size_; }
  // Where the first data row starts.
  std::uint64_t data_start() const { return data_start_; }
  // The hex BLAKE2b digest of the file's first 64 KiB (what a resume checks it still reads).
  const std::string& digest() const { return digest_; }

  // Moves to `offset` (a row's start, as Row::end gave it), row `rows_before` + 1.
  absl::Status Seek(std::uint64_t offset, std::uint64_t rows_before);
  // The next row into `row`; false at the end of the file. An error only when the file cannot
  // be read (a row that cannot be parsed comes back with `problem` set).
  absl::StatusOr<bool> Next(Row& row);
  std::uint64_t offset() const { return offset_; }

 private:
  Source() = default;
  // The next byte, or -1 at the end.
  int Get();
  int Peek();
  absl::StatusOr<bool> NextCsv(Row& row);
  absl::StatusOr<bool> NextJson(Row& row);
  // One card as a row whose columns are field names (vcard.cc).
  absl::StatusOr<bool> NextVCard(Row& row);
  // Reads one CSV record into `fields` (and its text into `raw`); false at the end.
  absl::StatusOr<bool> ReadRecord(std::vector<std::string>& fields, std::string& raw, std::string& problem);

  std::FILE* file_ = nullptr;
  ImportFormat format_ = ImportFormat::kCsv;
  char delimiter_ = ',';
  std::vector<std::string> header_;
  std::uint64_t size_ = 0;
  std::uint64_t data_start_ = 0;
  std::string digest_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, len_ = 0;
  std::uint64_t offset_ = 0;  // of the next byte Get returns
  std::uint64_t line_ = 1;    // of that byte
  std::uint64_t rows_ = 0;    // rows handed out so far
  bool failed_ = false;       // a row was too long: the rest of the file is not read
};

// The format a file's name says (any case): .jsonl / .ndjson JSON Lines, .vcf / .vcard vCard,
// anything else CSV. Imports and exports both read the name so.
ImportFormat FormatOfPath(std::string_view path);

// Quotes one CSV field when it needs it (a delimiter, quote, CR or LF inside, or space at an
// end).
std::string CsvField(std::string_view value, char delimiter = ',');

}  // namespace crm::imports
