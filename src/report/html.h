// Reports drawn as HTML (crm/sales.hpp, ReportsToHtml): the page and its tables (page.cc), and the
// inline SVG charts (charts.cc).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/sales.hpp"

namespace crm::report {

// `text` with &, <, >, " and ' as character references: safe in text and in quoted attributes.
std::string Escape(std::string_view text);

// A drawable value of cell (row, column): a finite number, money in major units of the row's
// currency; nullopt when the cell has no value, is text, or is not finite.
std::optional<double> Value(const ReportTable& t, std::size_t row, std::size_t column);
// The cell's raw value for data-value: an integer as it is (money in minor units), a real as
// "%.17g", "" without a value.
std::string Raw(const ReportTable& t, std::size_t row, std::size_t column);

// The chart (one <figure>) of `rows` (indexes into t.rows), as t.chart says; `caption` names the
// split's values ("" when there is no split). Empty when the kind is kNone or nothing is drawable.
std::string Chart(const ReportTable& t, const std::vector<std::size_t>& rows, std::string_view caption);

}  // namespace crm::report
