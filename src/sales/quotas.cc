// Quotas (sales/quotas.h).
#include "sales/quotas.h"

#include <boost/serialization/nvp.hpp>
#include <boost/serialization/version.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"
#include "model/serialize.h"
#include "model/validation.h"
#include "storage/lmdb.h"
#include "users/users.h"

namespace boost::serialization {
template <class Archive>
void serialize(Archive& ar, crm::Quota& q, unsigned) {
  ar& make_nvp("user", q.user);
  ar& make_nvp("team", q.team);
  ar& make_nvp("period", q.period);
  ar& make_nvp("target", q.target);
  ar& make_nvp("updated_at", q.updated_at);
  ar& make_nvp("actor", q.actor);
}
}  // namespace boost::serialization
BOOST_CLASS_VERSION(crm::Quota, 0)

namespace crm::sales {
namespace {

using model::Invalid;

constexpr std::uint8_t kUser = 1, kTeam = 2;

std::string HolderPrefix(UserId user, TeamId team) {
  return codec::KeyBuilder().U8(user != 0 ? kUser : kTeam).U64(user != 0 ? user : team).Take();
}

std::string KeyOf(const Quota& q) { return HolderPrefix(q.user, q.team) + codec::KeyBuilder().Str(q.period).Take(); }

absl::Status CheckTables(const model::Ctx& ctx) {
  if (ctx.schema.quotas == model::kAbsentTable)
    return absl::FailedPreconditionError("quotas: this file predates them (schema 11); open it writable to upgrade it");
  return absl::OkStatus();
}

absl::StatusOr<Quota> Decoded(std::string_view key, std::string_view value) {
  Quota q;
  if (auto s = codec::Decode(value, codec::RecordType::kQuota, {"quota", 0}, q); !s.ok()) return s;
  if (KeyOf(q) != key) return absl::DataLossError("quota: the stored record does not match its key");
  return q;
}

}  // namespace

std::optional<std::string> QuotaPeriod(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (int i = 0; i < 4; ++i)
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[static_cast<std::size_t>(i)]))) return std::nullopt;
  if (text[0] == '0' && text.substr(0, 4) == "0000") return std::nullopt;
  if (text[5] == 'Q' || text[5] == 'q') {
    if (text[6] < '1' || text[6] > '4') return std::nullopt;
    return absl::StrCat(Av(text.substr(0, 5)), "Q", Av(text.substr(6)));
  }
  if (!absl::ascii_isdigit(static_cast<unsigned char>(text[5])) || !absl::ascii_isdigit(static_cast<unsigned char>(text[6])))
    return std::nullopt;
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  if (month < 1 || month > 12) return std::nullopt;
  return std::string(text);
}

absl::Status CheckQuota(const model::Ctx& ctx, std::string_view key, std::string_view value) {
  auto q = Decoded(key, value);
  if (!q.ok()) return q.status();
  const absl::Status holder = q->user != 0 ? users::Get(ctx, q->user).status() : users::GetTeam(ctx, q->team).status();
  if (absl::IsNotFound(holder))
    return absl::DataLossError(absl::StrCat("quota ", q->period, " of ", q->user != 0 ? "user " : "team ",
                                            q->user != 0 ? q->user : q->team, ", which does not exist"));
  return holder;
}

absl::StatusOr<Quota> SetQuota(model::Ctx& ctx, Quota q) {
  if (auto s = CheckTables(ctx); !s.ok()) return s;
  if ((q.user == 0) == (q.team == 0)) return Invalid("user", "give exactly one of user and team");
  if (q.user != 0) {
    if (auto u = users::Get(ctx, q.user); !u.ok()) return u.status();
  } else if (auto t = users::GetTeam(ctx, q.team); !t.ok()) {
    return t.status();
  }
  auto period = QuotaPeriod(q.period);
  if (!period) return Invalid("period", absl::StrCat("'", q.period, "' is not a month (2017-03) or a quarter (2017-Q2)"));
  q.period = *period;
  if (!IsKnownCurrency(q.target.currency))
    return Invalid("target.currency", absl::StrCat("'", q.target.currency, "' is not a known ISO 4217 code"));
  if (q.target.minor_units <= 0) return Invalid("target", "must be more than 0");
  q.updated_at = ctx.now;
  q.actor = std::string(ctx.actor);
  std::string value;
  codec::Encode(codec::RecordType::kQuota, q, value);
  if (auto s = ctx.txn.Put(ctx.schema.quotas, KeyOf(q), value); !s.ok()) return s;
  return q;
}

absl::Status DeleteQuota(model::Ctx& ctx, UserId user, TeamId team, std::string_view period) {
  if (auto s = CheckTables(ctx); !s.ok()) return s;
  if ((user == 0) == (team == 0)) return Invalid("user", "give exactly one of user and team");
  auto canonical = QuotaPeriod(period);
  if (!canonical) return Invalid("period", absl::StrCat("'", Av(period), "' is not a month (2017-03) or a quarter (2017-Q2)"));
  const std::string key = KeyOf(Quota{user, team, *canonical, {}, 0, {}});
  std::string_view value;
  auto found = ctx.txn.Get(ctx.schema.quotas, key, &value);  // before writing: a refusal leaves the txn usable
  if (!found.ok()) return found.status();
  if (*found) return ctx.txn.Del(ctx.schema.quotas, key).status();
  return absl::NotFoundError(absl::StrCat(user != 0 ? "user " : "team ", user != 0 ? user : team, " has no quota for ",
                                          *canonical));
}

absl::Status DropQuotasOf(model::Ctx& ctx, UserId user, TeamId team) {
  if (ctx.schema.quotas == model::kAbsentTable) return absl::OkStatus();
  std::vector<std::string> keys;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.quotas, HolderPrefix(user, team), {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 keys.emplace_back(key);
                                 return true;
                               });
  for (const std::string& k : keys)
    if (s.ok()) s = ctx.txn.Del(ctx.schema.quotas, k).status();
  return s;
}

absl::StatusOr<std::vector<Quota>> ListQuotas(const model::Ctx& ctx, UserId user, TeamId team) {
  std::vector<Quota> out;
  if (ctx.schema.quotas == model::kAbsentTable) return out;  // a read-only earlier file: none
  if (user != 0 && team != 0) return Invalid("user", "give at most one of user and team");
  const std::string prefix = user == 0 && team == 0 ? std::string() : HolderPrefix(user, team);
  absl::Status failed;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.quotas, prefix, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 auto q = Decoded(key, value);
                                 if (!q.ok()) return q.status();
                                 out.push_back(*std::move(q));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

}  // namespace crm::sales
