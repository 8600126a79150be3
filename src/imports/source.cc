// Reading import files: CSV (RFC 4180) and JSON Lines.
#include "imports/source.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/strings.h"
#include "model/validation.h"
#include "nlohmann/json.hpp"

namespace crm::imports {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;
constexpr std::size_t kDigestBytes = 64 << 10;
constexpr int kMaxJsonDepth = 32;

std::string Hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

// How deep the brackets of a JSON text nest (outside strings).
int JsonDepth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// A JSON value as the text of a cell; false (with `problem`) for a nested object.
bool CellText(const nlohmann::json& v, std::string& out, std::string& problem) {
  if (v.is_string()) out = v.get<std::string>();
  else if (v.is_null()) out.clear();
  else if (v.is_boolean()) out = v.get<bool>() ? "true" : "false";
  else if (v.is_number()) out = v.dump();
  else if (v.is_array()) {
    std::vector<std::string> items;
    for (const auto& item : v) {
      std::string text;
      if (item.is_array() || item.is_object()) {
        problem = "a list holds a list or an object";
        return false;
      }
      if (!CellText(item, text, problem)) return false;
      items.push_back(std::move(text));
    }
    out = absl::StrJoin(items, "; ");
  } else {
    problem = "holds an object; give a text, a number, true/false or a list";
    return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Source>> Source::Open(const std::string& path, ImportFormat format, char delimiter) {
  std::unique_ptr<Source> s(new Source());
  // Opened without blocking (a FIFO would wait for a writer) and checked to be a regular file (a
  // directory opens, then fails to read) before anything is read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(absl::StrCat("path: cannot open '", path, "': ", std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat(
        "path: '", path, "' is not a regular file", S_ISDIR(st.st_mode) ? " (it is a directory)" : ""));
  }
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 || (s->file_ = ::fdopen(fd, "rb")) == nullptr) {
    ::close(fd);
    return absl::InternalError(absl::StrCat("path: cannot read '", path, "': ", std::strerror(errno)));
  }
  if (std::fseek(s->file_, 0, SEEK_END) != 0)
    return absl::InvalidArgumentError(absl::StrCat("path: '", path, "' is not a regular file"));
  const long size = std::ftell(s->file_);
  if (size < 0) return absl::InvalidArgumentError(absl::StrCat("path: '", path, "' is not a regular file"));
  s->size_ = static_cast<std::uint64_t>(size);
  std::rewind(s->file_);
  {
    std::vector<unsigned char> head(std::min<std::uint64_t>(s->size_, kDigestBytes));
    if (!head.empty() && std::fread(head.data(), 1, head.size(), s->file_) != head.size())
      return absl::DataLossError(absl::StrCat("path: cannot read '", path, "'"));
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, head.data(), head.size(), nullptr, 0);
    s->digest_ = Hex(digest, sizeof digest);
    std::rewind(s->file_);
  }
  if (format == ImportFormat::kAuto) format = FormatOfPath(path);
  s->format_ = format;
  s->buffer_.resize(kBufferBytes);
  // A UTF-8 byte-order mark is not part of the data.
  if (s->Peek() == 0xEF) {
    std::string bom;
    for (int i = 0; i < 3 && s->Peek() >= 0; ++i) bom.push_back(static_cast<char>(s->Get()));
    if (bom != "\xEF\xBB\xBF") {
      s->offset_ = 0;
      s->pos_ = 0;  // the first buffer holds the file's start: go back to it
    }
  }
  if (format == ImportFormat::kCsv) {
    // The delimiter: the one of , ; tab | that the header line has most of, outside quotes.
    if (delimiter == 0) {
      std::size_t counts[4] = {0, 0, 0, 0};
      constexpr char kCandidates[4] = {',', ';', '\t', '|'};
      bool quoted = false;
      for (std::size_t i = s->pos_; i < s->len_; ++i) {
        const char c = s->buffer_[i];
        if (c == '"') quoted = !quoted;
        if (!quoted && (c == '\n' || c == '\r')) break;
        for (int k = 0; k < 4; ++k)
          if (!quoted && c == kCandidates[k]) ++counts[k];
      }
      delimiter = ',';
      std::size_t best = 0;
      for (int k = 0; k < 4; ++k)
        if (counts[k] > best) best = counts[k], delimiter = kCandidates[k];
    }
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
      return absl::InvalidArgumentError("delimiter: a quote or a line end cannot separate fields");
    s->delimiter_ = delimiter;
    std::string raw, problem;
    auto got = s->ReadRecord(s->header_, raw, problem);
    if (!got.ok()) return got.status();
    if (!*got || raw.empty()) return absl::InvalidArgumentError(absl::StrCat("path: '", path, "' has no header row"));
    if (!problem.empty()) return absl::InvalidArgumentError(absl::StrCat("header: ", problem));
    for (std::string& h : s->header_) model::Trim(h);
  }
  s->data_start_ = s->offset_;
  return s;
}

Source::~Source() {
  if (file_ != nullptr) std::fclose(file_);
}

int Source::Peek() {
  if (pos_ == len_) {
    len_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
    pos_ = 0;
    if (len_ == 0) return -1;
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

int Source::Get() {
  const int c = Peek();
  if (c < 0) return c;
  ++pos_;
  ++offset_;
  if (c == '\n') ++line_;
  return c;
}

absl::Status Source::Seek(std::uint64_t offset, std::uint64_t rows_before) {
  if (offset < data_start_ || offset > size_)
    return absl::DataLossError(absl::StrCat("offset ", offset, " lies outside the rows of the file"));
  // From the start again, so that lines are counted and row errors name the right one.
  std::rewind(file_);
  pos_ = len_ = 0;
  offset_ = 0;
  line_ = 1;
  while (offset_ < offset) {
    if (Get() < 0) return absl::DataLossError("the file ends before the row to resume from");
  }
  rows_ = rows_before;
  return absl::OkStatus();
}

absl::StatusOr<bool> Source::ReadRecord(std::vector<std::string>& fields, std::string& raw, std::string& problem) {
  fields.clear();
  raw.clear();
  if (Peek() < 0) return false;
  std::string field;
  bool in_quotes = false, after_quote = false;
  for (;;) {
    const int c = Get();
    if (c < 0) {
      if (std::ferror(file_)) return absl::DataLossError("cannot read the file");
      if (in_quotes) problem = "a quoted field is not closed before the end of the file";
      fields.push_back(std::move(field));
      return true;
    }
    if (in_quotes) {
      if (c == '"') {
        if (Peek() == '"') {
          Get();
          raw.push_back('"');
          field.push_back('"');
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        field.push_back(static_cast<char>(c));
      }
    } else if (c == delimiter_) {
      fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && Peek() == '\n') Get();
      fields.push_back(std::move(field));
      return true;
    } else if (c == '"' && field.empty() && !after_quote) {
      in_quotes = true;
    } else {
      field.push_back(static_cast<char>(c));  // a stray quote is kept as text
    }
    raw.push_back(static_cast<char>(c));
    if (raw.size() > kMaxRowBytes) {
      failed_ = true;
      problem = absl::StrCat("the row is longer than ", kMaxRowBytes >> 20,
                             " MiB (an unclosed quote?); the rest of the file is not read");
      fields.push_back(std::move(field));
      return true;
    }
  }
}

absl::StatusOr<bool> Source::Next(Row& row) {
  if (failed_) return false;
  if (format_ == ImportFormat::kVCard) return NextVCard(row);
  return format_ == ImportFormat::kCsv ? NextCsv(row) : NextJson(row);
}

absl::StatusOr<bool> Source::NextCsv(Row& row) {
  std::vector<std::string> fields;
  for (;;) {
    row.line = line_;
    row.problem.clear();
    auto got = ReadRecord(fields, row.original, row.problem);
    if (!got.ok() || !*got) return got;
    if (row.original.empty() && fields.size() == 1) continue;  // a blank line is no row
    break;
  }
  row.number = ++rows_;
  row.end = offset_;
  row.cells.clear();
  if (row.problem.empty() && fields.size() != header_.size())
    row.problem = absl::StrCat("the row has ", fields.size(), " fields; the header has ", header_.size());
  const std::size_t n = std::min(fields.size(), header_.size());
  row.cells.reserve(n);
  for (std::size_t i = 0; i < n; ++i) row.cells.emplace_back(header_[i], std::move(fields[i]));
  return true;
}

absl::StatusOr<bool> Source::NextJson(Row& row) {
  for (;;) {
    row.line = line_;
    row.problem.clear();
    row.original.clear();
    if (Peek() < 0) return false;
    for (int c = Get(); c >= 0 && c != '\n'; c = Get()) {
      row.original.push_back(static_cast<char>(c));
      if (row.original.size() > kMaxRowBytes) {
        failed_ = true;
        row.problem = absl::StrCat("the line is longer than ", kMaxRowBytes >> 20, " MiB; the rest of the file is not read");
        break;
      }
    }
    if (std::ferror(file_)) return absl::DataLossError("cannot read the file");
    if (!row.original.empty() && row.original.back() == '\r') row.original.pop_back();
    if (row.problem.empty() && row.original.find_first_not_of(" \t") == std::string::npos) continue;
    break;
  }
  row.number = ++rows_;
  row.end = offset_;
  row.cells.clear();
  if (!row.problem.empty()) return true;
  if (JsonDepth(row.original) > kMaxJsonDepth) {
    row.problem = absl::StrCat("nested deeper than ", kMaxJsonDepth, " levels");
    return true;
  }
  const nlohmann::json doc = nlohmann::json::parse(row.original, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    row.problem = "not valid JSON (or not UTF-8)";
    return true;
  }
  if (!doc.is_object()) {
    row.problem = "not a JSON object";
    return true;
  }
  for (const auto& [key, value] : doc.items()) {
    std::string text, problem;
    if (!CellText(value, text, problem)) {
      row.problem = absl::StrCat(key, ": ", problem);
      return true;
    }
    row.cells.emplace_back(key, std::move(text));
  }
  return true;
}

ImportFormat FormatOfPath(std::string_view path) {
  const auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           std::equal(suffix.rbegin(), suffix.rend(), path.rbegin(),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
  };
  return ends(".jsonl") || ends(".ndjson") ? ImportFormat::kJsonLines
         : ends(".vcf") || ends(".vcard")  ? ImportFormat::kVCard
                                           : ImportFormat::kCsv;
}

std::string CsvField(std::string_view value, char delimiter) {
  const bool quote = value.find_first_of(std::string{'"', '\r', '\n', delimiter}) != std::string_view::npos ||
                     (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace crm::imports
