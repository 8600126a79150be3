// Users and teams (crm/user.hpp): records kept by id, unique lookups by login, email and team
// name, a lookup of users by name, and the mapping from an owner text to a user.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "crm/user.hpp"
#include "model/schema.h"

namespace crm::users {

using model::Ctx;

absl::StatusOr<User> Get(const Ctx& ctx, UserId id);
absl::StatusOr<User> FindByLogin(const Ctx& ctx, std::string_view login);
absl::StatusOr<User> FindByEmail(const Ctx& ctx, std::string_view email);
absl::StatusOr<std::vector<User>> List(const Ctx& ctx, TeamId team);
absl::StatusOr<User> ResolveOwner(const Ctx& ctx, std::string_view owner);

absl::StatusOr<User> Create(Ctx& ctx, User u);
absl::StatusOr<User> Update(Ctx& ctx, User u);
absl::Status Delete(Ctx& ctx, UserId id);

absl::StatusOr<Team> GetTeam(const Ctx& ctx, TeamId id);
absl::StatusOr<Team> FindTeamByName(const Ctx& ctx, std::string_view name);
absl::StatusOr<std::vector<Team>> ListTeams(const Ctx& ctx);

absl::StatusOr<Team> CreateTeam(Ctx& ctx, Team t);
absl::StatusOr<Team> UpdateTeam(Ctx& ctx, Team t);
absl::Status DeleteTeam(Ctx& ctx, TeamId id);

// What a query reads through an owner text: the user it names and that user's team, region and
// manager. Loaded whole (users and teams are few) by queries that name such a field.
struct OwnerInfo {
  UserId user = 0;
  bool active = true;
  std::string team;     // the team's name; "" when in none
  std::string region;   // the team's region
  std::string manager;  // the manager's name
};

// The directory of the last users generation a store read: every write of a user or a team
// counts one more generation (the meta counter "users_generation", in its transaction), so a
// read transaction of the same generation copies it instead of reading every user again.
struct DirectoryCache {
  std::mutex mu;
  std::uint64_t generation = 0;
  std::shared_ptr<const Directory> directory;  // never searched itself: each transaction copies it
};

class Directory {
 public:
  static absl::StatusOr<Directory> Load(const Ctx& ctx);
  // Load, once per read transaction (its snapshot does not change), from the store's cache when
  // no user or team changed since it was read; each time in a write transaction.
  static absl::StatusOr<std::shared_ptr<const Directory>> Shared(const Ctx& ctx);
  // The user `owner` names, by the rule of crm/user.hpp; nullptr when none.
  const OwnerInfo* Find(std::string_view owner) const;

 private:
  absl::flat_hash_map<std::string, OwnerInfo> by_login_;  // folded login -> info
  absl::flat_hash_map<std::string, OwnerInfo> by_name_;   // folded name -> info (unique names only)
  mutable absl::flat_hash_map<std::string, const OwnerInfo*> memo_;  // owner text as written
};

}  // namespace crm::users
