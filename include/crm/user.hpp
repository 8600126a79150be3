// Users and teams: the people who own customers, deals and interactions, and the teams they sell
// in (since 0.5).
//
// Records keep their owner as text (Customer::owner, Opportunity::owner, Interaction::owner).
// An owner text names a user when it equals the user's login, or else the name of exactly one
// user (both compared case-insensitively); ResolveOwner says which user, and the query engine
// reads the owner's team, its region and the owner's manager through it ("team", "team.region",
// "owner.manager", "owner.active"). An owner text that names no user is kept and answered as
// text: it has no team. Renaming a user, or changing a login, changes which records it owns by
// that rule; records themselves are never rewritten.
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

using UserId = std::uint64_t;
using TeamId = std::uint64_t;

struct Team {
  // Managed by the store (see Customer).
  TeamId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  std::string name = {};    // required; unique, case-insensitively
  std::string region = {};  // a sales region or office ("Central"); optional
  UserId manager = 0;   // the team's manager, a user; 0: none

  friend bool operator==(const Team&, const Team&) = default;
};

struct User {
  // Managed by the store (see Customer).
  UserId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  std::string name = {};   // required: how the user is shown (and matched as an owner)
  std::string login = {};  // unique when not empty, case-insensitively
  std::string email = {};  // normalised (as a customer's); unique when not empty
  bool active = true;  // an inactive user keeps what it owns
  TeamId team = 0;     // 0: in no team
  UserId manager = 0;  // 0: none; never the user itself or one it manages, directly or not

  friend bool operator==(const User&, const User&) = default;
};

// Reads of users and teams: members of every transaction.
class UserReads {
 public:
  absl::StatusOr<User> GetUser(UserId id) const;
  // NotFound when no user has that login (or email).
  absl::StatusOr<User> FindUserByLogin(std::string_view login) const;
  absl::StatusOr<User> FindUserByEmail(std::string_view email) const;
  // Every user in id order; with `team` not 0, the members of that team.
  absl::StatusOr<std::vector<User>> ListUsers(TeamId team = 0) const;
  // The user an owner text names (see above); NotFound when it names none (kept as text), and
  // also when it is a name several users share and no user's login.
  absl::StatusOr<User> ResolveOwner(std::string_view owner) const;

  absl::StatusOr<Team> GetTeam(TeamId id) const;
  absl::StatusOr<Team> FindTeamByName(std::string_view name) const;
  absl::StatusOr<std::vector<Team>> ListTeams() const;

 protected:
  UserReads() = default;
};

// Writes of users and teams: members of WriteTxn.
class UserWrites {
 public:
  // The team and the manager must exist; AlreadyExists when the login or email is taken.
  absl::StatusOr<User> CreateUser(const User& user);
  // Revision checked. A manager that would make a cycle (a user managing, through others, its own
  // manager) is refused.
  absl::StatusOr<User> UpdateUser(const User& user);
  // Refused (CRM_EDEPENDENTS) while the user manages a team or another user; what the user owns
  // keeps its owner text. Deactivating (active = false) is the usual way out.
  absl::Status DeleteUser(UserId id);

  absl::StatusOr<Team> CreateTeam(const Team& team);
  absl::StatusOr<Team> UpdateTeam(const Team& team);  // revision checked
  // Refused while users are in the team.
  absl::Status DeleteTeam(TeamId id);

 protected:
  UserWrites() = default;
};

}  // namespace crm
