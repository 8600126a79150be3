#include "users/users.h"

#include "absl/strings/str_cat.h"
#include "changes/changes.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"
#include "model/external.h"
#include "model/records.h"
#include "model/validation.h"
#include "sales/quotas.h"
#include "text/text.h"

namespace crm::users {
namespace {

constexpr char kUserSequence[] = "seq.user";
constexpr char kTeamSequence[] = "seq.team";
constexpr char kGeneration[] = "users_generation";  // one more for every write of a user or team
constexpr std::size_t kNameBytes = 128;
constexpr std::size_t kEmailBytes = 254;
// A manager chain longer than this is damage (every write keeps the chains free of cycles).
constexpr int kMaxChain = 100000;

using model::Invalid;

const model::RecordKind kUserKind{&model::Schema::users, codec::RecordType::kUser, "user"};
const model::RecordKind kTeamKind{&model::Schema::teams, codec::RecordType::kTeam, "team"};

absl::Status NeedTables(const Ctx& ctx) {
  if (ctx.schema.users != model::kAbsentTable) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "this file predates users and teams (opened read-only): open it writable once");
}

std::string NameKey(std::string_view folded_name, UserId id) {
  return codec::KeyBuilder().Str(folded_name).U64(id).Take();
}

// The id a unique lookup holds for `key`, or 0.
absl::StatusOr<std::uint64_t> Holder(const Ctx& ctx, storage::Table table, const std::string& key) {
  if (key.empty()) return std::uint64_t{0};
  return model::FindExternal(ctx, table, key);
}

absl::Status Free(const Ctx& ctx, storage::Table table, const std::string& key, std::uint64_t id,
                  std::string_view field, std::string_view value, std::string_view kind) {
  auto holder = Holder(ctx, table, key);
  if (!holder.ok()) return holder.status();
  if (*holder != 0 && *holder != id)
    return absl::AlreadyExistsError(
        absl::StrCat(Av(field), ": '", Av(value), "' is already used by ", Av(kind), " ", *holder));
  return absl::OkStatus();
}

template <class T>
absl::StatusOr<std::vector<T>> All(const Ctx& ctx, const model::RecordKind& kind) {
  std::vector<T> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.*kind.table, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 T record;
                                 const std::uint64_t id = key.size() == 8 ? codec::GetBigEndian64(key.data()) : 0;
                                 if (auto st = codec::Decode(value, kind.type, {kind.name, id}, record); !st.ok())
                                   return st;
                                 if (record.id != id)
                                   return absl::DataLossError(absl::StrCat(Av(kind.name), " ", id,
                                                                           ": stored record holds id ", record.id));
                                 out.push_back(std::move(record));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

absl::Status NormalizeUser(const Ctx& ctx, User& u) {
  model::Trim(u.name);
  model::Trim(u.login);
  model::Trim(u.email);
  if (auto s = model::CheckRequiredText("name", u.name, kNameBytes); !s.ok()) return s;
  if (auto s = model::CheckText("login", u.login, kNameBytes); !s.ok()) return s;
  if (auto s = model::CheckText("email", u.email, kEmailBytes); !s.ok()) return s;
  if (!u.email.empty())
    if (std::string problem = text::EmailProblem(u.email); !problem.empty()) return Invalid("email", problem);
  if (u.team != 0) {
    auto team = GetTeam(ctx, u.team);
    if (!team.ok())
      return absl::IsNotFound(team.status()) ? Invalid("team", absl::StrCat("team ", u.team, " does not exist"))
                                             : team.status();
  }
  if (u.manager == 0) return absl::OkStatus();
  if (u.manager == u.id) return Invalid("manager", "a user cannot be its own manager");
  // Up the chain from the new manager: reaching this user would close a cycle.
  UserId next = u.manager;
  for (int steps = 0; next != 0; ++steps) {
    if (steps > kMaxChain) return absl::DataLossError("the chain of managers of users is damaged (it loops)");
    auto m = Get(ctx, next);
    if (!m.ok())
      return absl::IsNotFound(m.status()) && next == u.manager
                 ? Invalid("manager", absl::StrCat("user ", u.manager, " does not exist"))
                 : m.status();
    if (u.id != 0 && m->manager == u.id)
      return Invalid("manager", absl::StrCat("user ", u.manager, " is managed by user ", u.id,
                                             " (directly or through others): that would be a cycle"));
    next = m->manager;
  }
  return absl::OkStatus();
}

// Moves the lookups of a user from `before` (nullptr: a new user) to `after` (nullptr: deleted).
absl::Status Reindex(Ctx& ctx, const User* before, const User* after) {
  const UserId id = after != nullptr ? after->id : before->id;
  const auto fold = [](const User* u, const std::string User::*f) {
    return u == nullptr ? std::string() : text::FoldCase(u->*f);
  };
  if (auto s = model::MoveExternal(ctx, ctx.schema.user_login, fold(before, &User::login), fold(after, &User::login), id);
      !s.ok())
    return s;
  if (auto s = model::MoveExternal(ctx, ctx.schema.user_email, fold(before, &User::email), fold(after, &User::email), id);
      !s.ok())
    return s;
  const std::string old_name = fold(before, &User::name), new_name = fold(after, &User::name);
  if (old_name == new_name && before != nullptr && after != nullptr) return absl::OkStatus();
  if (before != nullptr)
    if (auto s = ctx.txn.Del(ctx.schema.user_name, NameKey(old_name, id)); !s.ok()) return s.status();
  if (after == nullptr) return absl::OkStatus();
  const std::string key = NameKey(new_name, id);
  return ctx.txn.Put(ctx.schema.user_name, key, codec::IndexValue(key, 0));
}

absl::Status CheckUnique(const Ctx& ctx, const User& u) {
  if (auto s = Free(ctx, ctx.schema.user_login, text::FoldCase(u.login), u.id, "login", u.login, "user"); !s.ok())
    return s;
  return Free(ctx, ctx.schema.user_email, text::FoldCase(u.email), u.id, "email", u.email, "user");
}

absl::Status NormalizeTeam(const Ctx& ctx, Team& t) {
  model::Trim(t.name);
  model::Trim(t.region);
  if (auto s = model::CheckRequiredText("name", t.name, kNameBytes); !s.ok()) return s;
  if (auto s = model::CheckText("region", t.region, kNameBytes); !s.ok()) return s;
  if (t.manager != 0) {
    auto m = Get(ctx, t.manager);
    if (!m.ok())
      return absl::IsNotFound(m.status()) ? Invalid("manager", absl::StrCat("user ", t.manager, " does not exist"))
                                          : m.status();
  }
  return Free(ctx, ctx.schema.team_name, text::FoldCase(t.name), t.id, "name", t.name, "team");
}

absl::StatusOr<User> ByUnique(const Ctx& ctx, storage::Table table, std::string_view value, std::string_view what) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto id = Holder(ctx, table, text::FoldCase(value));
  if (!id.ok()) return id.status();
  if (*id == 0) return absl::NotFoundError(absl::StrCat("no user has the ", Av(what), " '", Av(value), "'"));
  return Get(ctx, *id);
}

}  // namespace

absl::StatusOr<User> Get(const Ctx& ctx, UserId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return model::Get<User>(ctx, kUserKind, id);
}

absl::StatusOr<User> FindByLogin(const Ctx& ctx, std::string_view login) {
  return ByUnique(ctx, ctx.schema.user_login, login, "login");
}

absl::StatusOr<User> FindByEmail(const Ctx& ctx, std::string_view email) {
  return ByUnique(ctx, ctx.schema.user_email, email, "email");
}

absl::StatusOr<std::vector<User>> List(const Ctx& ctx, TeamId team) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto all = All<User>(ctx, kUserKind);
  if (!all.ok() || team == 0) return all;
  std::vector<User> members;
  for (User& u : *all)
    if (u.team == team) members.push_back(std::move(u));
  return members;
}

absl::StatusOr<User> ResolveOwner(const Ctx& ctx, std::string_view owner) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto by_login = FindByLogin(ctx, owner);
  if (by_login.ok() || !absl::IsNotFound(by_login.status())) return by_login;
  const std::string folded = text::FoldCase(owner);
  std::vector<UserId> named;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.user_name, codec::KeyBuilder().Str(folded).Take(), {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 if (key.size() >= 8) named.push_back(codec::GetBigEndian64(key.data() + key.size() - 8));
                                 return named.size() < 2;
                               });
  if (!s.ok()) return s;
  if (named.empty())
    return absl::NotFoundError(absl::StrCat("owner '", Av(owner), "' names no user (it is kept as text)"));
  if (named.size() > 1)
    return absl::NotFoundError(absl::StrCat("owner '", Av(owner),
                                            "' is the name of several users and the login of none: it names no user"));
  return Get(ctx, named.front());
}

absl::StatusOr<User> Create(Ctx& ctx, User u) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  u.id = 0;
  if (auto s = NormalizeUser(ctx, u); !s.ok()) return s;
  if (auto s = CheckUnique(ctx, u); !s.ok()) return s;
  auto id = model::NextId(ctx, kUserSequence);
  if (!id.ok()) return id.status();
  u.id = *id;
  if (auto s = model::StampNew(u, ctx); !s.ok()) return s;
  absl::Status s = model::Put(ctx, kUserKind, u, /*fresh=*/true);
  if (s.ok()) s = model::AddToCounter(ctx, kGeneration, 1);
  if (s.ok()) s = Reindex(ctx, nullptr, &u);
  if (s.ok()) s = changes::Record(ctx, EntityType::kUser, u.id, ChangeOp::kCreate, {}, changes::Flatten(u));
  if (!s.ok()) return s;
  return u;
}

absl::StatusOr<User> Update(Ctx& ctx, User u) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto before = model::LoadForUpdate(ctx, kUserKind, u);
  if (!before.ok()) return before.status();
  if (auto s = NormalizeUser(ctx, u); !s.ok()) return s;
  if (auto s = CheckUnique(ctx, u); !s.ok()) return s;
  model::StampChanged(u, *before, ctx.now);
  absl::Status s = model::Put(ctx, kUserKind, u);
  if (s.ok()) s = model::AddToCounter(ctx, kGeneration, 1);
  if (s.ok()) s = Reindex(ctx, &*before, &u);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kUser, u.id, ChangeOp::kUpdate, changes::Flatten(*before),
                        changes::Flatten(u));
  if (!s.ok()) return s;
  return u;
}

absl::Status Delete(Ctx& ctx, UserId id) {
  auto u = Get(ctx, id);
  if (!u.ok()) return u.status();
  auto users = All<User>(ctx, kUserKind);
  if (!users.ok()) return users.status();
  for (const User& other : *users)
    if (other.manager == id)
      return HasDependentsError(absl::StrCat("user ", id, " manages user ", other.id, " (", other.name,
                                             "): give that user another manager first, or deactivate this one"));
  auto teams = All<Team>(ctx, kTeamKind);
  if (!teams.ok()) return teams.status();
  for (const Team& t : *teams)
    if (t.manager == id)
      return HasDependentsError(absl::StrCat("user ", id, " manages team ", t.id, " (", t.name,
                                             "): give the team another manager first, or deactivate this user"));
  absl::Status s = ctx.txn.Del(ctx.schema.users, codec::EncodeU64(id)).status();
  if (s.ok()) s = model::AddToCounter(ctx, kGeneration, 1);
  if (s.ok()) s = sales::DropQuotasOf(ctx, id, 0);  // a user's targets go with it
  if (s.ok()) s = Reindex(ctx, &*u, nullptr);
  if (s.ok()) s = changes::Record(ctx, EntityType::kUser, id, ChangeOp::kDelete, changes::Flatten(*u), {});
  return s;
}

absl::StatusOr<Team> GetTeam(const Ctx& ctx, TeamId id) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return model::Get<Team>(ctx, kTeamKind, id);
}

absl::StatusOr<Team> FindTeamByName(const Ctx& ctx, std::string_view name) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto id = Holder(ctx, ctx.schema.team_name, text::FoldCase(name));
  if (!id.ok()) return id.status();
  if (*id == 0) return absl::NotFoundError(absl::StrCat("no team is named '", Av(name), "'"));
  return GetTeam(ctx, *id);
}

absl::StatusOr<std::vector<Team>> ListTeams(const Ctx& ctx) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return All<Team>(ctx, kTeamKind);
}

absl::StatusOr<Team> CreateTeam(Ctx& ctx, Team t) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  t.id = 0;
  if (auto s = NormalizeTeam(ctx, t); !s.ok()) return s;
  auto id = model::NextId(ctx, kTeamSequence);
  if (!id.ok()) return id.status();
  t.id = *id;
  if (auto s = model::StampNew(t, ctx); !s.ok()) return s;
  absl::Status s = model::Put(ctx, kTeamKind, t, /*fresh=*/true);
  if (s.ok()) s = model::AddToCounter(ctx, kGeneration, 1);
  if (s.ok()) s = model::MoveExternal(ctx, ctx.schema.team_name, {}, text::FoldCase(t.name), t.id);
  if (s.ok()) s = changes::Record(ctx, EntityType::kTeam, t.id, ChangeOp::kCreate, {}, changes::Flatten(t));
  if (!s.ok()) return s;
  return t;
}

absl::StatusOr<Team> UpdateTeam(Ctx& ctx, Team t) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  auto before = model::LoadForUpdate(ctx, kTeamKind, t);
  if (!before.ok()) return before.status();
  if (auto s = NormalizeTeam(ctx, t); !s.ok()) return s;
  model::StampChanged(t, *before, ctx.now);
  absl::Status s = model::Put(ctx, kTeamKind, t);
  if (s.ok()) s = model::AddToCounter(ctx, kGeneration, 1);
  if (s.ok())
    s = model::MoveExternal(ctx, ctx.schema.team_name, text::FoldCase(before->name), text::FoldCase(t.name), t.id);
  if (s.ok())
    s = changes::Record(ctx, EntityType::kTeam, t.id, ChangeOp::kUpdate, changes::Flatten(*before),
                        changes::Flatten(t));
  if (!s.ok()) return s;
  return t;
}

absl::Status DeleteTeam(Ctx& ctx, TeamId id) {
  auto t = GetTeam(ctx, id);
  if (!t.ok()) return t.status();
  auto users = All<User>(ctx, kUserKind);
  if (!users.ok()) return users.status();
  std::size_t members = 0;
  for (const User& u : *users) members += u.team == id ? 1 : 0;
  if (members != 0)
    return HasDependentsError(absl::StrCat("team ", id, " (", t->name, ") still has ", members,
                                           members == 1 ? " member" : " members"));
  absl::Status s = ctx.txn.Del(ctx.schema.teams, codec::EncodeU64(id)).status();
  if (s.ok()) s = model::AddToCounter(ctx, kGeneration, 1);
  if (s.ok()) s = sales::DropQuotasOf(ctx, 0, id);
  if (s.ok()) s = model::MoveExternal(ctx, ctx.schema.team_name, text::FoldCase(t->name), {}, id);
  if (s.ok()) s = changes::Record(ctx, EntityType::kTeam, id, ChangeOp::kDelete, changes::Flatten(*t), {});
  return s;
}

absl::StatusOr<Directory> Directory::Load(const Ctx& ctx) {
  Directory d;
  if (ctx.schema.users == model::kAbsentTable) return d;  // an earlier file read-only: no users
  auto teams = All<Team>(ctx, kTeamKind);
  if (!teams.ok()) return teams.status();
  auto users = All<User>(ctx, kUserKind);
  if (!users.ok()) return users.status();
  absl::flat_hash_map<TeamId, const Team*> team_of;
  for (const Team& t : *teams) team_of[t.id] = &t;
  absl::flat_hash_map<UserId, const User*> user_of;
  for (const User& u : *users) user_of[u.id] = &u;
  std::vector<std::string> folded;  // each user's name, folded once
  folded.reserve(users->size());
  absl::flat_hash_map<std::string, int> name_count;
  for (const User& u : *users) ++name_count[folded.emplace_back(text::FoldCase(u.name))];
  for (std::size_t i = 0; i < users->size(); ++i) {
    const User& u = (*users)[i];
    OwnerInfo info;
    info.user = u.id;
    info.active = u.active;
    if (auto t = team_of.find(u.team); t != team_of.end()) {
      info.team = t->second->name;
      info.region = t->second->region;
    }
    if (auto m = user_of.find(u.manager); m != user_of.end()) info.manager = m->second->name;
    if (!u.login.empty()) d.by_login_[text::FoldCase(u.login)] = info;
    if (name_count[folded[i]] == 1) d.by_name_[std::move(folded[i])] = std::move(info);
  }
  return d;
}

absl::StatusOr<std::shared_ptr<const Directory>> Directory::Shared(const Ctx& ctx) {
  if (ctx.owners != nullptr && *ctx.owners != nullptr) return *ctx.owners;
  // Files of schema 12 on count their users' generations; earlier ones may be written by a
  // release that does not.
  DirectoryCache* cache = ctx.schema.version >= 12 ? ctx.directories : nullptr;
  std::uint64_t generation = 0;
  if (cache != nullptr) {
    auto g = model::ReadCounter(ctx, kGeneration);
    if (!g.ok()) return g.status();
    generation = *g;
    std::lock_guard<std::mutex> lock(cache->mu);
    if (cache->directory != nullptr && cache->generation == generation) {
      auto copy = std::make_shared<const Directory>(*cache->directory);
      if (ctx.owners != nullptr) *ctx.owners = copy;
      return copy;
    }
  }
  auto loaded = Load(ctx);
  if (!loaded.ok()) return loaded.status();
  auto shared = std::make_shared<const Directory>(*std::move(loaded));
  if (cache != nullptr) {
    std::lock_guard<std::mutex> lock(cache->mu);
    cache->generation = generation;
    cache->directory = std::make_shared<const Directory>(*shared);
  }
  if (ctx.owners != nullptr) *ctx.owners = shared;
  return shared;
}

const OwnerInfo* Directory::Find(std::string_view owner) const {
  if (owner.empty()) return nullptr;
  if (auto it = memo_.find(Av(owner)); it != memo_.end()) return it->second;
  const std::string folded = text::FoldCase(owner);
  const OwnerInfo* found = nullptr;
  if (auto it = by_login_.find(folded); it != by_login_.end()) {
    found = &it->second;
  } else if (auto n = by_name_.find(folded); n != by_name_.end()) {
    found = &n->second;
  }
  memo_.emplace(std::string(owner), found);
  return found;
}

}  // namespace crm::users
