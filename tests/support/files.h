// Small files for tests: writing and reading whole files.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace crm::testing {

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// An independent reading of a simple CSV file (quoted fields without line breaks, as the
// Datablist and Maven files are), not the engine's: a list of rows of fields, header first.
inline std::vector<std::vector<std::string>> SplitCsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) fields.emplace_back();
      else fields.back().push_back(c);
    }
    rows.push_back(fields);
  }
  return rows;
}

}  // namespace crm::testing
