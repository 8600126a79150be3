// Writing one import row of users: finding the user it updates by login, email or name, or
// creating it, with its team and manager found by name or made.
#include "absl/strings/str_cat.h"
#include "imports/jobs.h"
#include "imports/rows.h"
#include "users/users.h"

namespace crm::imports {
namespace {

// Keeps what a revert needs of user or team `id`: that the job made it, or the user before.
absl::Status RememberUser(model::Ctx& ctx, const ImportJob& job, UndoRecord record, std::uint64_t id,
                          std::uint64_t revision, const User* before) {
  auto held = GetUndo(ctx, job.id, 0, record, id);
  if (!held.ok()) return held.status();
  UndoEntry entry;
  if (held->has_value()) {
    entry = **held;
  } else {
    entry.record = record;
    entry.id = id;
    entry.created = before == nullptr;
    if (before != nullptr) entry.user_before = *before;
  }
  entry.revision = revision;
  return PutUndo(ctx, job.id, entry);
}

// The user an owner text names (login, or a unique name), or nullopt.
absl::StatusOr<std::optional<User>> UserNamed(const model::Ctx& ctx, const std::string& name) {
  auto found = users::ResolveOwner(ctx, name);
  if (found.ok()) return std::optional<User>(*std::move(found));
  if (!absl::IsNotFound(found.status())) return found.status();
  if (found.status().message().find("several users") != std::string_view::npos)
    return absl::InvalidArgumentError(absl::StrCat("manager: '", name, "' is the name of several users; give a login"));
  return std::optional<User>();
}

// The stored user the row is: by login, then email, then name.
absl::StatusOr<std::optional<User>> MatchUser(const model::Ctx& ctx, const User& u) {
  for (const auto& [key, find] : {std::pair{&u.login, &users::FindByLogin}, std::pair{&u.email, &users::FindByEmail}}) {
    if (key->empty()) continue;
    auto found = find(ctx, *key);
    if (found.ok()) return std::optional<User>(*std::move(found));
    if (!absl::IsNotFound(found.status()) && !absl::IsInvalidArgument(found.status())) return found.status();
  }
  if (u.name.empty()) return std::optional<User>();
  auto named = UserNamed(ctx, u.name);
  if (absl::IsInvalidArgument(named.status()))
    return absl::InvalidArgumentError(absl::StrCat("name: '", u.name, "' is the name of several users; give a login"));
  return named;
}

}  // namespace

absl::StatusOr<RowOutcome> ApplyUserRow(model::Ctx& ctx, const ImportJob& job, Built&& b) {
  RowOutcome outcome;
  User& u = b.user;
  UserId manager = 0;
  if (!b.manager.empty()) {
    auto found = UserNamed(ctx, b.manager);
    if (!found.ok()) return found.status();
    if (found->has_value()) {
      manager = (*found)->id;
    } else {
      auto made = users::Create(ctx, User{.name = b.manager});
      if (!made.ok()) return made.status();
      if (auto s = RememberUser(ctx, job, UndoRecord::kUser, made->id, made->revision, nullptr); !s.ok()) return s;
      ++outcome.organizations_created;
      manager = made->id;
    }
    u.manager = manager;
    AddField(b, "manager");
  }
  if (!b.team.empty()) {
    auto team = users::FindTeamByName(ctx, b.team);
    if (!team.ok() && absl::IsNotFound(team.status())) {
      team = users::CreateTeam(ctx, Team{.name = b.team, .region = b.team_region, .manager = manager});
      if (!team.ok()) return team.status();
      if (auto s = RememberUser(ctx, job, UndoRecord::kTeam, team->id, team->revision, nullptr); !s.ok()) return s;
      ++outcome.organizations_created;
    }
    if (!team.ok()) return team.status();
    u.team = team->id;
    AddField(b, "team");
  }
  auto stored = MatchUser(ctx, u);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    if (u.name.empty()) return absl::InvalidArgumentError("name: a new user needs a name");
    auto made = users::Create(ctx, u);
    if (!made.ok()) return made.status();
    if (auto s = RememberUser(ctx, job, UndoRecord::kUser, made->id, made->revision, nullptr); !s.ok()) return s;
    outcome.kind = RowOutcome::kCreated;
    outcome.customer = made->id;
    return outcome;
  }
  const User& before = **stored;
  User out = before;
  for (const std::string& f : b.patch.fields) {
    if (f == "name") out.name = u.name;
    else if (f == "login") out.login = u.login;
    else if (f == "email") out.email = u.email;
    else if (f == "active") out.active = u.active;
    else if (f == "team") out.team = u.team;
    else if (f == "manager") out.manager = u.manager;
  }
  outcome.customer = before.id;
  if (out == before) {
    outcome.kind = RowOutcome::kUnchanged;
    return outcome;
  }
  auto written = users::Update(ctx, out);
  if (!written.ok()) return written.status();
  if (auto s = RememberUser(ctx, job, UndoRecord::kUser, written->id, written->revision, &before); !s.ok()) return s;
  outcome.kind = RowOutcome::kUpdated;
  return outcome;
}

}  // namespace crm::imports
