// Exchange rates (crm/sales.hpp): dated rates of a currency into another, and the conversion the
// sales reports make into a reporting currency.
//
//   exchange_rates   Str(from) Str(to) I64(effective) -> U64(rate x 10^9)   (since schema 12)
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/sales.hpp"
#include "model/schema.h"

namespace crm::sales {

absl::StatusOr<ExchangeRate> SetExchangeRate(model::Ctx& ctx, ExchangeRate r);
absl::Status DeleteExchangeRate(model::Ctx& ctx, std::string_view from, std::string_view to, Timestamp effective);
// Every rate, or those of `from` and / or `to` when not empty; by from, to, effective.
absl::StatusOr<std::vector<ExchangeRate>> ListExchangeRates(const model::Ctx& ctx, std::string_view from,
                                                            std::string_view to);

// The rates into one currency, read once for a report.
class Converter {
 public:
  // InvalidArgument when `to` is not a known currency code.
  static absl::StatusOr<Converter> Load(const model::Ctx& ctx, std::string_view to);
  // `m` in the target currency at the rate in effect at `at`, rounded half away from zero to its
  // minor unit. An amount without a currency stays as it is; one already in the target currency
  // too. FailedPrecondition naming the pair and the day when no rate is in effect then.
  absl::StatusOr<Money> Convert(const Money& m, Timestamp at) const;
  const std::string& currency() const { return to_; }

 private:
  std::string to_;
  std::map<std::string, std::map<Timestamp, std::int64_t>> rates_;  // from -> effective -> rate x 10^9
};

}  // namespace crm::sales
