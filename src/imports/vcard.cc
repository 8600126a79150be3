// vCard (RFC 2426 3.0, RFC 6350 4.0, and the 2.1 that phones still write): reading cards as
// import rows, and writing customers as vCard 4.0.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "imports/source.h"
#include "imports/vcard.h"
#include "common/strings.h"
#include "model/validation.h"

namespace crm::imports {
namespace {

struct Property {
  std::string name;                 // upper case, without its group ("item1.")
  std::vector<std::string> params;  // as written, upper case
  std::string value;                // raw (escapes and encodings still in)
};

bool HasParam(const Property& p, std::string_view want) {
  for (const std::string& param : p.params)
    if (param == want || absl::EndsWith(param, absl::StrCat("=", Av(want))) || absl::StrContains(param, absl::StrCat(",", Av(want))))
      return true;
  return false;
}

// "=C3=91" -> the bytes; soft line breaks were joined while reading.
std::string QuotedPrintable(std::string_view in) {
  const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out.push_back(in[i]);
    } else if (i + 2 < in.size() && hex(in[i + 1]) && hex(in[i + 2])) {
      out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    }  // else a stray '=' (a soft break at the very end): dropped
  }
  return out;
}

// ISO-8859-1 bytes as UTF-8.
std::string Latin1(std::string_view in) {
  std::string out;
  for (unsigned char c : in) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// The components of a structured value (N, ADR, ORG), split at unescaped ';', each unescaped.
std::vector<std::string> Components(std::string_view value, char separator = ';') {
  std::vector<std::string> out(1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size()) {
      const char n = value[++i];
      out.back().push_back(n == 'n' || n == 'N' ? '\n' : n);
    } else if (c == separator) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  for (std::string& s : out) model::Trim(s);
  return out;
}

std::string Text(std::string_view value) { return Components(value, '\0').front(); }

Property Parse(const std::string& line) {
  Property p;
  // The name and parameters end at the first ':' outside a quoted parameter value.
  std::size_t colon = std::string::npos;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == ':' && !quoted) {
      colon = i;
      break;
    }
  }
  const std::string head = absl::AsciiStrToUpper(line.substr(0, colon));
  p.value = colon == std::string::npos ? "" : line.substr(colon + 1);
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= head.size(); ++i) {
    if (i == head.size() || head[i] == ';') {
      parts.push_back(head.substr(start, i - start));
      start = i + 1;
    }
  }
  p.name = parts.empty() ? "" : parts.front();
  if (const auto dot = p.name.rfind('.'); dot != std::string::npos) p.name.erase(0, dot + 1);
  for (std::size_t i = 1; i < parts.size(); ++i) p.params.push_back(parts[i]);
  return p;
}

// The property's value as text: decoded (quoted-printable, Latin-1) and unescaped.
std::string Decoded(const Property& p, bool structured) {
  std::string v = p.value;
  if (HasParam(p, "QUOTED-PRINTABLE")) v = QuotedPrintable(v);
  if (HasParam(p, "ISO-8859-1")) v = Latin1(v);
  return structured ? v : Text(v);
}

}  // namespace

absl::StatusOr<bool> Source::NextVCard(Row& row) {
  row.cells.clear();
  row.problem.clear();
  row.original.clear();
  // Logical lines: folded lines joined (a line starting with a space or tab continues the one
  // before), and quoted-printable soft breaks ("=" at a line's end) joined.
  std::vector<std::string> lines;
  bool in_card = false, any = false;
  std::string line;
  const auto read_line = [&](std::string& out) -> bool {
    out.clear();
    if (Peek() < 0) return false;
    for (int c = Get(); c >= 0 && c != '\n'; c = Get()) {
      out.push_back(static_cast<char>(c));
      if (out.size() > kMaxRowBytes) break;
    }
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return true;
  };
  std::string raw;
  while (read_line(raw)) {
    if (!in_card) {
      if (raw.find_first_not_of(" \t") == std::string::npos) continue;
      row.line = line_ - 1;
      if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(raw), "BEGIN:VCARD")) {
        row.number = ++rows_;
        row.end = offset_;
        row.original = raw;
        row.problem = "a line outside BEGIN:VCARD ... END:VCARD";
        return true;
      }
      in_card = true;
      any = true;
      row.original = raw;
      continue;
    }
    absl::StrAppend(&row.original, "\r\n", raw);
    if (row.original.size() > kMaxRowBytes) {
      failed_ = true;
      row.number = ++rows_;
      row.end = offset_;
      row.problem = absl::StrCat("the card is longer than ", kMaxRowBytes >> 20, " MiB; the rest of the file is not read");
      return true;
    }
    if (!raw.empty() && (raw[0] == ' ' || raw[0] == '\t') && !lines.empty()) {
      lines.back().append(raw, 1, std::string::npos);
      continue;
    }
    if (!lines.empty() && !lines.back().empty() && lines.back().back() == '=' &&
        absl::StrContains(absl::AsciiStrToUpper(lines.back().substr(0, lines.back().find(':'))), "QUOTED-PRINTABLE")) {
      lines.back().pop_back();
      lines.back() += raw;
      continue;
    }
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(raw), "END:VCARD")) {
      in_card = false;
      break;
    }
    lines.push_back(raw);
  }
  if (!any) return false;
  row.number = ++rows_;
  row.end = offset_;
  if (in_card) {
    row.problem = "the card has no END:VCARD";
    return true;
  }
  std::vector<std::string> emails, phones, tags;
  std::string fn, family, given, org, title, uid, kind;
  std::vector<std::string> adr;
  for (const std::string& l : lines) {
    const Property p = Parse(l);
    if (HasParam(p, "BASE64") || HasParam(p, "B")) continue;  // photos, keys, sounds
    if (p.name == "FN") fn = Decoded(p, false);
    else if (p.name == "N") {
      const auto n = Components(Decoded(p, true));
      family = n.size() > 0 ? n[0] : "";
      given = n.size() > 1 ? n[1] : "";
    } else if (p.name == "EMAIL") {
      if (std::string e = Decoded(p, false); !e.empty()) emails.push_back(std::move(e));
    } else if (p.name == "TEL") {
      std::string t = Decoded(p, false);
      if (absl::StartsWithIgnoreCase(t, "tel:")) {  // a URI: its parameters follow ';'
        t.erase(0, 4);
        std::string ext;
        if (const auto at = absl::AsciiStrToLower(t).find(";ext="); at != std::string::npos) {
          ext = t.substr(at + 5, t.find(';', at + 5) - (at + 5));
        }
        t = t.substr(0, t.find(';'));
        if (!ext.empty()) absl::StrAppend(&t, " x", ext);
      }
      if (!t.empty()) phones.push_back(std::move(t));
    } else if (p.name == "ORG") {
      org = Components(Decoded(p, true)).front();
    } else if (p.name == "TITLE") {
      title = Decoded(p, false);
    } else if (p.name == "ADR" && adr.empty()) {
      adr = Components(Decoded(p, true));
    } else if (p.name == "UID") {
      uid = Decoded(p, false);
    } else if (p.name == "CATEGORIES") {
      for (std::string& t : Components(Decoded(p, true), ',')) tags.push_back(std::move(t));
    } else if (p.name == "KIND") {
      kind = absl::AsciiStrToLower(Decoded(p, false));
    }
  }
  const bool organization = kind == "org" || kind == "organization";
  if (fn.empty() && given.empty() && family.empty() && !(organization && !org.empty())) {
    row.problem = "the card has no name (FN or N)";
    return true;
  }
  const auto cell = [&](const char* field, std::string value) {
    if (!value.empty()) row.cells.emplace_back(field, std::move(value));
  };
  if (organization) {
    cell("kind", "organization");
    cell("display_name", fn.empty() ? org : fn);
  } else {
    cell("display_name", fn);
    cell("given_name", given);
    cell("family_name", family);
    cell("organization", org);
    cell("job_title", title);
  }
  cell("email", absl::StrJoin(emails, "; "));
  cell("phone", absl::StrJoin(phones, "; "));
  cell("tags", absl::StrJoin(tags, "; "));
  cell("external_id", uid);
  if (adr.size() >= 3) {
    std::string street = adr[2];
    if (adr.size() > 1 && !adr[1].empty()) street = street.empty() ? adr[1] : street + "\n" + adr[1];
    cell("address.street", street);
    if (adr.size() > 3) cell("address.city", adr[3]);
    if (adr.size() > 4) cell("address.region", adr[4]);
    if (adr.size() > 5) cell("address.postal_code", adr[5]);
    if (adr.size() > 6) cell("address.country", adr[6]);
  }
  return true;
}

namespace {

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ',' || c == ';') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c != '\r') out.push_back(c);
  }
  return out;
}

// A content line folded at 75 octets, never inside a UTF-8 sequence.
void Line(std::string& out, const std::string& line) {
  std::size_t at = 0, width = 75;
  while (line.size() - at > width) {
    std::size_t cut = at + width;
    while (cut > at && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == at) cut = at + width;  // not UTF-8 after all: cut anywhere rather than loop
    absl::StrAppend(&out, line.substr(at, cut - at), "\r\n ");
    at = cut;
    width = 74;
  }
  absl::StrAppend(&out, line.substr(at), "\r\n");
}

}  // namespace

std::string VCardOf(const Customer& c, std::string_view organization) {
  std::string out;
  const bool org = c.kind == CustomerKind::kOrganization;
  Line(out, "BEGIN:VCARD");
  Line(out, "VERSION:4.0");
  Line(out, org ? "KIND:org" : "KIND:individual");
  Line(out, "FN:" + Escape(c.display_name));
  if (!org) Line(out, absl::StrCat("N:", Escape(c.family_name), ";", Escape(c.given_name), ";;;"));
  if (org) Line(out, "ORG:" + Escape(c.display_name));
  else if (!organization.empty()) Line(out, "ORG:" + Escape(organization));
  if (!c.job_title.empty()) Line(out, "TITLE:" + Escape(c.job_title));
  for (const Email& e : c.emails) Line(out, absl::StrCat("EMAIL", e.primary ? ";PREF=1" : "", ":", Escape(e.address)));
  for (const Phone& p : c.phones)
    Line(out, absl::StrCat("TEL;VALUE=text", p.primary ? ";PREF=1" : "", ":", Escape(p.number)));
  const PostalAddress& a = c.address;
  if (!(a == PostalAddress{})) {
    std::string street = a.street, extended;
    if (const auto nl = street.find('\n'); nl != std::string::npos) {
      extended = street.substr(nl + 1);
      street.resize(nl);
    }
    Line(out, absl::StrCat("ADR:;", Escape(extended), ";", Escape(street), ";", Escape(a.city), ";", Escape(a.region), ";",
                           Escape(a.postal_code), ";", Escape(a.country)));
  }
  if (!c.tags.empty()) {
    std::vector<std::string> tags;
    for (const std::string& t : c.tags) tags.push_back(Escape(t));
    Line(out, "CATEGORIES:" + absl::StrJoin(tags, ","));
  }
  if (!c.external_id.empty()) Line(out, "UID:" + Escape(c.external_id));
  if (c.updated_at != 0)
    Line(out, "REV:" + absl::FormatTime("%Y%m%dT%H%M%SZ", absl::FromUnixMicros(c.updated_at), absl::UTCTimeZone()));
  Line(out, "END:VCARD");
  return out;
}

}  // namespace crm::imports
