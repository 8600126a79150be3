// The charts of an HTML report page (crm/sales.hpp, ReportChart): inline SVG, no script. Each mark
// (bar, column segment, funnel stage, heat-map cell, quota tick) carries data-label, data-series
// and data-value, and a <title> a pointer shows.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/strings.h"
#include "report/html.h"

namespace crm::report {
namespace {

constexpr double kWidth = 760;
constexpr std::size_t kMaxBars = 40;     // rows a bar or funnel chart draws
constexpr std::size_t kMaxColumns = 60;  // rows a column chart draws
constexpr std::size_t kMaxHeatRows = 60;
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                         "#76b7b2", "#edc948", "#b07aa1", "#9c755f"};

const char* Colour(std::size_t i) { return kPalette[i % std::size(kPalette)]; }

std::string F(double v) {  // a coordinate
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Up to two decimals, trailing zeros dropped.
std::string Trim(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// An axis label: 1.5k, 2M, 3.25B.
std::string Short(double v) {
  const double a = std::fabs(v);
  if (a >= 1e9) return Trim(v / 1e9) + "B";
  if (a >= 1e6) return Trim(v / 1e6) + "M";
  if (a >= 1e4) return Trim(v / 1e3) + "k";
  return Trim(v);
}

// At most `max` characters (code points), with an ellipsis when cut.
std::string Cut(const std::string& s, std::size_t max) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (++points > max) return s.substr(0, i) + "…";
  }
  return s;
}

std::size_t Points(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A linear scale over [lo, hi] with round ticks, always including 0.
struct Scale {
  double lo = 0, hi = 1, step = 0.2;
  Scale(double min, double max) {
    lo = std::min(0.0, min);
    hi = std::max(0.0, max);
    if (!(hi - lo > 0)) hi = lo + 1;
    const double raw = (hi - lo) / 5;
    const double e = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / e;
    step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
    lo = std::floor(lo / step) * step;
    hi = std::ceil(hi / step) * step;
  }
  double At(double v, double from, double length) const { return from + (v - lo) / (hi - lo) * length; }
  std::vector<double> Ticks() const {
    std::vector<double> out;
    for (int i = 0; i <= 40; ++i) {
      const double v = lo + step * i;
      if (v > hi + step / 2) break;
      out.push_back(std::fabs(v) < step / 1e6 ? 0 : v);
    }
    return out;
  }
};

std::string Label(const ReportTable& t, std::size_t row) {
  std::vector<std::string> parts;
  for (const std::string& name : t.chart.label)
    if (std::size_t c = t.ColumnIndex(name); c != SIZE_MAX)
      if (std::string s = t.CellText(row, c); !s.empty()) parts.push_back(std::move(s));
  return parts.empty() ? "(all)" : absl::StrJoin(parts, " · ");
}

// The value columns that exist.
std::vector<std::size_t> Series(const ReportTable& t) {
  std::vector<std::size_t> out;
  for (const std::string& name : t.chart.values)
    if (std::size_t c = t.ColumnIndex(name); c != SIZE_MAX && t.columns[c].type != ReportColumn::Type::kText) out.push_back(c);
  return out;
}

// The rows with at least one drawable value, at most `max` of them.
std::vector<std::size_t> Drawable(const ReportTable& t, const std::vector<std::size_t>& rows,
                                  const std::vector<std::size_t>& series, std::size_t max, std::size_t* total) {
  std::vector<std::size_t> out;
  for (std::size_t r : rows)
    if (std::any_of(series.begin(), series.end(), [&](std::size_t c) { return Value(t, r, c).has_value(); })) out.push_back(r);
  *total = out.size();
  if (out.size() > max) out.resize(max);
  return out;
}

// A mark's data attributes and its <title> (closed by the caller's element).
std::string Data(const ReportTable& t, std::size_t row, std::size_t column, const std::string& label) {
  return absl::StrCat(" data-label=\"", Escape(label), "\" data-series=\"", Escape(t.columns[column].name),
                      "\" data-value=\"", Raw(t, row, column), "\"><title>", Escape(label), " · ",
                      Escape(t.columns[column].name), ": ", Escape(t.CellText(row, column)), "</title>");
}

std::string Legend(const ReportTable& t, const std::vector<std::size_t>& series, double y, const std::string& marker) {
  std::string out;
  double x = 4;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const std::string& name = t.columns[series[i]].name;
    absl::StrAppend(&out, "<rect x=\"", F(x), "\" y=\"", F(y), "\" width=\"10\" height=\"10\" fill=\"", Colour(i),
                    "\"/><text x=\"", F(x + 14), "\" y=\"", F(y + 9), "\" font-size=\"11\">", Escape(name), "</text>");
    x += 24 + 6.5 * static_cast<double>(Points(name));
  }
  if (!marker.empty())
    absl::StrAppend(&out, "<line x1=\"", F(x), "\" y1=\"", F(y + 5), "\" x2=\"", F(x + 12), "\" y2=\"", F(y + 5),
                    "\" stroke=\"#222\" stroke-width=\"2\"/><text x=\"", F(x + 16), "\" y=\"", F(y + 9),
                    "\" font-size=\"11\">", Escape(marker), "</text>");
  return out;
}

std::string Open(const char* kind, double height, std::string_view caption, const std::string& title) {
  std::string out = absl::StrCat("<figure class=\"chart\" data-chart=\"", kind, "\">\n");
  if (!caption.empty()) absl::StrAppend(&out, "<figcaption>", Escape(caption), "</figcaption>\n");
  absl::StrAppend(&out, "<svg viewBox=\"0 0 ", F(kWidth), " ", F(height), "\" width=\"", F(kWidth), "\" height=\"",
                  F(height), "\" role=\"img\" aria-label=\"", Escape(title), "\">");
  return out;
}

std::string Close(std::size_t drawn, std::size_t total) {
  std::string out = "</svg>\n";
  if (total > drawn) absl::StrAppend(&out, "<p class=\"note\">The first ", drawn, " of ", total, " rows are drawn.</p>\n");
  return out + "</figure>\n";
}

double LabelWidth(const std::vector<std::string>& labels) {
  std::size_t longest = 4;
  for (const std::string& l : labels) longest = std::max(longest, std::min<std::size_t>(Points(l), 34));
  return std::clamp(6.5 * static_cast<double>(longest) + 14, 60.0, 250.0);
}

std::string Bars(const ReportTable& t, const std::vector<std::size_t>& rows, std::string_view caption) {
  const std::vector<std::size_t> series = Series(t);
  std::size_t total = 0;
  const std::vector<std::size_t> drawn = Drawable(t, rows, series, kMaxBars, &total);
  if (drawn.empty()) return {};
  double min = 0, max = 0;
  std::vector<std::string> labels;
  for (std::size_t r : drawn) {
    labels.push_back(Label(t, r));
    for (std::size_t c : series)
      if (auto v = Value(t, r, c)) min = std::min(min, *v), max = std::max(max, *v);
  }
  const Scale scale(min, max);
  const double left = LabelWidth(labels), plot = kWidth - left - 100, bar = 15, inner = 2, gap = 9;
  const double top = series.size() > 1 ? 26 : 8;
  const double group = static_cast<double>(series.size()) * (bar + inner) - inner;
  const double bottom = top + static_cast<double>(drawn.size()) * (group + gap);
  std::string out = Open("bars", bottom + 22, caption, t.title);
  if (series.size() > 1) out += Legend(t, series, 4, {});
  for (double tick : scale.Ticks()) {
    const double x = scale.At(tick, left, plot);
    absl::StrAppend(&out, "<line x1=\"", F(x), "\" y1=\"", F(top - 4), "\" x2=\"", F(x), "\" y2=\"", F(bottom),
                    "\" stroke=\"", tick == 0 ? "#888" : "#e4e4e4", "\"/><text x=\"", F(x), "\" y=\"", F(bottom + 14),
                    "\" font-size=\"10\" text-anchor=\"middle\">", Short(tick), "</text>");
  }
  const double zero = scale.At(0, left, plot);
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const double y0 = top + static_cast<double>(i) * (group + gap);
    absl::StrAppend(&out, "<text x=\"", F(left - 6), "\" y=\"", F(y0 + group / 2 + 4), "\" font-size=\"11\" text-anchor=\"end\">",
                    Escape(Cut(labels[i], 34)), "<title>", Escape(labels[i]), "</title></text>");
    for (std::size_t s = 0; s < series.size(); ++s) {
      const auto v = Value(t, drawn[i], series[s]);
      if (!v) continue;
      const double x = scale.At(*v, left, plot), y = y0 + static_cast<double>(s) * (bar + inner);
      absl::StrAppend(&out, "<rect class=\"bar\" x=\"", F(std::min(x, zero)), "\" y=\"", F(y), "\" width=\"",
                      F(std::max(std::fabs(x - zero), 0.5)), "\" height=\"", F(bar), "\" fill=\"", Colour(s), "\"",
                      Data(t, drawn[i], series[s], labels[i]), "</rect><text x=\"", F(std::max(x, zero) + 4), "\" y=\"",
                      F(y + bar - 3), "\" font-size=\"10\">", Escape(t.CellText(drawn[i], series[s])), "</text>");
    }
  }
  return out + Close(drawn.size(), total);
}

std::string Columns(const ReportTable& t, const std::vector<std::size_t>& rows, std::string_view caption) {
  const std::vector<std::size_t> series = Series(t);
  const std::size_t marker = t.chart.marker.empty() ? SIZE_MAX : t.ColumnIndex(t.chart.marker);
  std::vector<std::size_t> with_marker = series;
  if (marker != SIZE_MAX) with_marker.push_back(marker);
  std::size_t total = 0;
  const std::vector<std::size_t> drawn = Drawable(t, rows, with_marker, kMaxColumns, &total);
  if (drawn.empty()) return {};
  double max = 0;
  for (std::size_t r : drawn) {
    double stack = 0;
    for (std::size_t c : series) stack += std::max(0.0, Value(t, r, c).value_or(0));
    max = std::max({max, stack, marker == SIZE_MAX ? 0.0 : Value(t, r, marker).value_or(0)});
  }
  const Scale scale(0, max);
  const bool turn = drawn.size() > 12;
  const double left = 64, top = 30, plot_h = 240, plot_w = kWidth - left - 12;
  const double base = top + plot_h, band = plot_w / static_cast<double>(drawn.size());
  const double width = std::min(band * 0.7, 48.0);
  std::string out = Open("columns", base + (turn ? 62 : 26), caption, t.title);
  const bool marked = marker != SIZE_MAX && std::any_of(drawn.begin(), drawn.end(), [&](std::size_t r) { return Value(t, r, marker).has_value(); });
  out += Legend(t, series, 4, marked ? t.columns[marker].name : std::string());
  const auto y = [&](double v) { return base - (scale.At(v, 0, plot_h)); };
  for (double tick : scale.Ticks()) {
    absl::StrAppend(&out, "<line x1=\"", F(left), "\" y1=\"", F(y(tick)), "\" x2=\"", F(kWidth - 12), "\" y2=\"", F(y(tick)),
                    "\" stroke=\"", tick == 0 ? "#888" : "#e4e4e4", "\"/><text x=\"", F(left - 6), "\" y=\"", F(y(tick) + 4),
                    "\" font-size=\"10\" text-anchor=\"end\">", Short(tick), "</text>");
  }
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const std::size_t r = drawn[i];
    const std::string label = Label(t, r);
    const double x = left + band * static_cast<double>(i) + (band - width) / 2;
    double acc = 0;
    for (std::size_t s = 0; s < series.size(); ++s) {
      const auto v = Value(t, r, series[s]);
      if (!v || *v <= 0) continue;
      absl::StrAppend(&out, "<rect class=\"segment\" x=\"", F(x), "\" y=\"", F(y(acc + *v)), "\" width=\"", F(width),
                      "\" height=\"", F(y(acc) - y(acc + *v)), "\" fill=\"", Colour(s), "\"", Data(t, r, series[s], label), "</rect>");
      acc += *v;
    }
    if (marker != SIZE_MAX)
      if (const auto m = Value(t, r, marker))
        absl::StrAppend(&out, "<line class=\"marker\" x1=\"", F(x - 4), "\" y1=\"", F(y(*m)), "\" x2=\"", F(x + width + 4),
                        "\" y2=\"", F(y(*m)), "\" stroke=\"#222\" stroke-width=\"2\"", Data(t, r, marker, label), "</line>");
    const double cx = x + width / 2;
    if (turn)
      absl::StrAppend(&out, "<text x=\"", F(cx), "\" y=\"", F(base + 12), "\" font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-45 ",
                      F(cx), " ", F(base + 12), ")\">", Escape(Cut(label, 16)), "</text>");
    else
      absl::StrAppend(&out, "<text x=\"", F(cx), "\" y=\"", F(base + 15), "\" font-size=\"10\" text-anchor=\"middle\">",
                      Escape(Cut(label, 16)), "</text>");
  }
  return out + Close(drawn.size(), total);
}

std::string FunnelChart(const ReportTable& t, const std::vector<std::size_t>& rows, std::string_view caption) {
  std::vector<std::size_t> series = Series(t);
  if (series.empty()) return {};
  series.resize(1);
  std::size_t total = 0;
  const std::vector<std::size_t> drawn = Drawable(t, rows, series, kMaxBars, &total);
  if (drawn.empty()) return {};
  std::vector<std::string> labels;
  double max = 0;
  for (std::size_t r : drawn) {
    labels.push_back(Label(t, r));
    max = std::max(max, Value(t, r, series[0]).value_or(0));
  }
  const double first = Value(t, drawn[0], series[0]).value_or(0);
  const double left = LabelWidth(labels), plot = kWidth - left - 170, height = 26, gap = 6;
  std::string out = Open("funnel", 8 + static_cast<double>(drawn.size()) * (height + gap), caption, t.title);
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const double v = std::max(0.0, Value(t, drawn[i], series[0]).value_or(0));
    const double w = max > 0 ? std::max(v / max * plot, 1.0) : 1.0, y = 4 + static_cast<double>(i) * (height + gap);
    std::string text = t.CellText(drawn[i], series[0]);
    if (first > 0 && i > 0) absl::StrAppend(&text, " (", Trim(100 * v / first), " % of the first)");
    absl::StrAppend(&out, "<text x=\"", F(left - 6), "\" y=\"", F(y + height / 2 + 4), "\" font-size=\"11\" text-anchor=\"end\">",
                    Escape(Cut(labels[i], 34)), "<title>", Escape(labels[i]), "</title></text><rect class=\"stage\" x=\"",
                    F(left + (plot - w) / 2), "\" y=\"", F(y), "\" width=\"", F(w), "\" height=\"", F(height),
                    "\" rx=\"3\" fill=\"", Colour(0), "\"", Data(t, drawn[i], series[0], labels[i]), "</rect><text x=\"",
                    F(left + plot + 8), "\" y=\"", F(y + height / 2 + 4), "\" font-size=\"11\">", Escape(text), "</text>");
  }
  return out + Close(drawn.size(), total);
}

// A shade from pale (0) to deep blue (1).
std::string Shade(double k) {
  k = std::clamp(k, 0.0, 1.0);
  const auto mix = [k](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * k)); };
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(0xee, 0x08), mix(0xf3, 0x30), mix(0xfb, 0x6b));
  return buf;
}

std::string HeatMap(const ReportTable& t, const std::vector<std::size_t>& rows, std::string_view caption) {
  const std::vector<std::size_t> series = Series(t);
  std::size_t total = 0;
  const std::vector<std::size_t> drawn = Drawable(t, rows, series, kMaxHeatRows, &total);
  if (drawn.empty()) return {};
  std::vector<std::string> labels;
  double min = 0, max = 0;
  for (std::size_t r : drawn) {
    labels.push_back(Label(t, r));
    for (std::size_t c : series)
      if (auto v = Value(t, r, c)) min = std::min(min, *v), max = std::max(max, *v);
  }
  const bool shares = min >= 0 && max <= 1;  // drawn as percentages on [0, 1]
  if (shares) max = 1;
  const double left = LabelWidth(labels), cell_h = 24;
  const double cell_w = std::clamp((kWidth - left - 8) / static_cast<double>(series.size()), 4.0, 56.0);
  const bool text = cell_w >= 30;
  std::string out = Open("heat_map", 22 + static_cast<double>(drawn.size()) * cell_h + 4, caption, t.title);
  for (std::size_t s = 0; s < series.size(); ++s)
    if (text || s % 6 == 0)
      absl::StrAppend(&out, "<text x=\"", F(left + (static_cast<double>(s) + 0.5) * cell_w), "\" y=\"14\" font-size=\"10\" text-anchor=\"middle\">",
                      Escape(t.columns[series[s]].name), "</text>");
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const double y = 20 + static_cast<double>(i) * cell_h;
    absl::StrAppend(&out, "<text x=\"", F(left - 6), "\" y=\"", F(y + cell_h / 2 + 4), "\" font-size=\"11\" text-anchor=\"end\">",
                    Escape(Cut(labels[i], 34)), "<title>", Escape(labels[i]), "</title></text>");
    for (std::size_t s = 0; s < series.size(); ++s) {
      const auto v = Value(t, drawn[i], series[s]);
      if (!v) continue;
      const double k = max > min ? (*v - std::min(min, 0.0)) / (max - std::min(min, 0.0)) : 0;
      const double x = left + static_cast<double>(s) * cell_w;
      absl::StrAppend(&out, "<rect class=\"cell\" x=\"", F(x), "\" y=\"", F(y), "\" width=\"", F(cell_w - 1), "\" height=\"",
                      F(cell_h - 1), "\" fill=\"", Shade(k), "\"", Data(t, drawn[i], series[s], labels[i]), "</rect>");
      if (text)
        absl::StrAppend(&out, "<text x=\"", F(x + cell_w / 2), "\" y=\"", F(y + cell_h / 2 + 4),
                        "\" font-size=\"10\" text-anchor=\"middle\" style=\"fill:", k > 0.55 ? "#fff" : "#1a1a1a", "\">",
                        shares ? Trim(std::round(1000 * *v) / 10) + "%" : Short(*v), "</text>");
    }
  }
  return out + Close(drawn.size(), total);
}

}  // namespace

std::string Chart(const ReportTable& t, const std::vector<std::size_t>& rows, std::string_view caption) {
  switch (t.chart.kind) {
    case ReportChart::Kind::kBars: return Bars(t, rows, caption);
    case ReportChart::Kind::kColumns: return Columns(t, rows, caption);
    case ReportChart::Kind::kFunnel: return FunnelChart(t, rows, caption);
    case ReportChart::Kind::kHeatMap: return HeatMap(t, rows, caption);
    case ReportChart::Kind::kNone: break;
  }
  return {};
}

}  // namespace crm::report
