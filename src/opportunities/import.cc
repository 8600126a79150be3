#include "opportunities/import.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "model/validation.h"

namespace crm::opportunities {

using model::Field;
using model::Invalid;

absl::Status ApplyImport(const model::Ctx& ctx, Opportunity& o, const Pipeline& p, const Opportunity& given) {
  for (const auto& [name, t] : {std::pair<const char*, Timestamp>{"created_at", given.created_at},
                                {"updated_at", given.updated_at}, {"closed_at", given.closed_at}})
    if (auto s = model::CheckTime(name, t); !s.ok()) return s;
  std::vector<StageChange> history = given.history;
  const Timestamp created = given.created_at != 0 ? given.created_at
                            : !history.empty()    ? history.front().at
                                                  : ctx.now;
  if (history.empty()) history.push_back(StageChange{0, o.stage, created, {}, {}, -1});
  for (std::size_t i = 0; i < history.size(); ++i) {
    StageChange& h = history[i];
    if (auto s = model::CheckTime(Field("history", i, "at"), h.at); !s.ok()) return s;
    if (h.at == 0) return Invalid(Field("history", i, "at"), "an imported stage entry needs its time");
    if (i > 0 && h.at < history[i - 1].at)
      return Invalid(Field("history", i, "at"), "is before the entry before it (entries go oldest first)");
    if (h.at < created) return Invalid(Field("history", i, "at"), "is before the deal's created_at");
    const StageId expected_from = i == 0 ? 0 : history[i - 1].to;
    if (h.from != expected_from)
      return Invalid(Field("history", i, "from"),
                     i == 0 ? std::string("the first entry enters the deal's first stage: from must be 0")
                            : absl::StrCat("must be stage ", expected_from, ", where the entry before it went"));
    const Stage* to = p.FindStage(h.to);
    if (to == nullptr) return Invalid(Field("history", i, "to"), absl::StrCat("pipeline ", p.id, " has no stage ", h.to));
    if (h.actor.empty()) h.actor = std::string(ctx.actor);
    if (auto s = model::CheckText(Field("history", i, "actor"), h.actor, 128); !s.ok()) return s;
    if (h.amount.currency.empty()) h.amount = h.amount.minor_units == 0 ? o.amount : Money{h.amount.minor_units, o.amount.currency};
    if (!h.amount.currency.empty() && !IsKnownCurrency(h.amount.currency))
      return Invalid(Field("history", i, "amount.currency"), "is not a known ISO 4217 code");
    if (h.probability < 0 || h.probability > 100) h.probability = to->probability;
  }
  if (history.back().to != o.stage)
    return Invalid("history", absl::StrCat("ends in stage ", history.back().to, ", not in the deal's stage ", o.stage));
  const Stage* stage = p.FindStage(o.stage);
  if (stage->outcome == StageOutcome::kOpen) {
    if (given.closed_at != 0) return Invalid("closed_at", "an open deal has no closing time");
    o.closed_at = 0;
    o.lost_reason.clear();
  } else {
    o.closed_at = given.closed_at != 0 ? given.closed_at : history.back().at;
    if (o.closed_at < created) return Invalid("closed_at", "is before created_at");
    o.lost_reason = stage->outcome == StageOutcome::kLost ? given.lost_reason : std::string();
    model::Trim(o.lost_reason);
    if (auto s = model::CheckText("lost_reason", o.lost_reason, 1024, true); !s.ok()) return s;
  }
  o.history = std::move(history);
  o.created_at = created;
  o.updated_at = given.updated_at != 0 ? given.updated_at
                                       : std::max({created, o.history.back().at, o.closed_at});
  if (o.updated_at < created) return Invalid("updated_at", "is before created_at");
  o.revision = 1;
  return absl::OkStatus();
}

}  // namespace crm::opportunities
