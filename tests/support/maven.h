// The Maven "CRM + Sales Opportunities" files (tests/data/maven) read by the tests themselves, not
// by the engine: dates to microseconds counted by hand, dollars to cents, and the pipeline they
// are imported into.
#pragma once

#include <cstdint>
#include <string>

#include "crm/pipeline.hpp"
#include "crm/types.hpp"

namespace crm::testing {

// Microseconds at 00:00 UTC of an ISO date (days counted by hand, not by the engine's parser).
inline Timestamp Midnight(const std::string& iso) {
  int y = std::stoi(iso.substr(0, 4)), m = std::stoi(iso.substr(5, 2)), d = std::stoi(iso.substr(8, 2));
  y -= m <= 2;
  const int era = y / 400, yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return (era * 146097LL + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468) * 86'400'000'000LL;
}

// Cents of a Maven close_value ("1054", whole dollars).
inline std::int64_t Cents(const std::string& v) { return v.empty() ? 0 : std::stoll(v) * 100; }

// The pipeline sales_pipeline.csv's deal_stage names.
inline Pipeline MavenStages() {
  Pipeline p;
  p.name = "MavenTech";
  p.stages = {{0, "Prospecting", 10, StageOutcome::kOpen},
              {0, "Engaging", 50, StageOutcome::kOpen},
              {0, "Won", 100, StageOutcome::kWon},
              {0, "Lost", 0, StageOutcome::kLost}};
  return p;
}

}  // namespace crm::testing
