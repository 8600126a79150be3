"""Users and teams: the people who own customers, deals and interactions, and the teams they sell in.

Records keep their owner as text. An owner text names a user when it equals the user's login, or
else the name of exactly one user (both case-insensitive): ``owner_user`` says which, and filters,
sorts and groupings read ``team``, ``team.region``, ``owner.manager``, ``owner.active`` and
``owner.user`` through it. An owner that names no user stays text, with no team.
"""
from __future__ import annotations

from typing import Any, Optional, TypeVar

from ._fields import Record, _Bool, _encode, _Int, _Ref, _Text, _Time
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, write_plain, write_record
from .errors import check

T = TypeVar("T")


class User(Record):
    """A user of the host application: a name, a login and an email (each unique when set), an
    active flag, a team and a manager (another user; never a cycle).

    ``crm.User(name="Ann Lee", login="ann", team=east.id)``
    """

    __slots__ = ()
    _CTYPE = "crm_user"
    _NEW = lib.crm_user_new
    _FREE = lib.crm_user_free
    _CLONE = lib.crm_user_clone
    _TEXT = lib.crm_user_text
    _SET_TEXT = lib.crm_user_set_text
    _INT = lib.crm_user_int
    _SET_INT = lib.crm_user_set_int

    id = _Int(201, "The user's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When the user was created (UTC); kept on create in import mode only.")
    updated_at = _Time(204, "When the user last changed (UTC).")
    active = _Bool(205, "Whether the user is active (an inactive user keeps what it owns).")
    team = _Ref(206, "The id of the user's team, or None.")
    manager = _Ref(207, "The id of the user's manager, or None.")
    name = _Text(101, "How the user is shown, and matched as an owner when no login matches (required).")
    login = _Text(102, "The user's login: unique, case-insensitively; an owner text equal to it names the user.")
    email = _Text(103, "The user's email address: unique when set.")
    _FIELDS = ("id", "revision", "created_at", "updated_at", "name", "login", "email", "active", "team", "manager")

    def __repr__(self) -> str:
        return f"<User id={self.id} {self.name!r} login={self.login!r}>"


class Team(Record):
    """A sales team: a unique name, a region (an office, a territory) and a manager (a user)."""

    __slots__ = ()
    _CTYPE = "crm_team"
    _NEW = lib.crm_team_new
    _FREE = lib.crm_team_free
    _CLONE = lib.crm_team_clone
    _TEXT = lib.crm_team_text
    _SET_TEXT = lib.crm_team_set_text
    _INT = lib.crm_team_int
    _SET_INT = lib.crm_team_set_int

    id = _Int(201, "The team's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When the team was created (UTC).")
    updated_at = _Time(204, "When the team last changed (UTC).")
    manager = _Ref(205, "The id of the team's manager (a user), or None.")
    name = _Text(101, "The team's name: unique, case-insensitively (required).")
    region = _Text(102, "The team's sales region or office.")
    _FIELDS = ("id", "revision", "created_at", "updated_at", "name", "region", "manager")

    def __repr__(self) -> str:
        return f"<Team id={self.id} {self.name!r} region={self.region!r}>"


def _listed(cls: Any, get: Any, size: Any, at: Any, free: Any, clone: Any, *args: Any) -> Any:
    """A read of a C list of records (crm_user_list, crm_team_list) into records of `cls`."""

    def read(txn: Any) -> list:
        out = ffi.new(f"{cls._CTYPE}_list**")
        check(get(out, txn, *args))
        try:
            records = []
            for i in range(size(out[0])):
                copy = ffi.new(cls._OUT)
                check(clone(copy, at(out[0], i)))
                records.append(cls._own(copy[0]))
            return records
        finally:
            free(out[0])

    return read


class UserReads(Ops):
    """Reads of users and teams: methods of every transaction and of the database."""

    def user(self, id: int) -> User:
        """The user with this id; NotFoundError when none."""
        return self._get(lib.crm_user_get, User, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_user(self, id: int, default: T | None = None) -> User | T | None:
        """The user with this id, or `default`."""
        return self._get_or(default, lib.crm_user_get, User, check_id(id, "id"))  # type: ignore[no-any-return]

    def user_by_login(self, login: str, default: Any = None) -> Optional[User]:
        """The user with this login (case-insensitive), or `default`."""
        raw = _encode(login, "login")
        return self._get_or(default, lib.crm_user_find_by_login, User, raw, len(raw))  # type: ignore[no-any-return]

    def user_by_email(self, email: str, default: Any = None) -> Optional[User]:
        """The user with this email address (case-insensitive), or `default`."""
        raw = _encode(email, "email")
        return self._get_or(default, lib.crm_user_find_by_email, User, raw, len(raw))  # type: ignore[no-any-return]

    def owner_user(self, owner: str, default: Any = None) -> Optional[User]:
        """The user an owner text names (its login, or else the name of exactly one user), or
        `default` when it names none and is kept as text."""
        raw = _encode(owner, "owner")
        return self._get_or(default, lib.crm_user_resolve_owner, User, raw, len(raw))  # type: ignore[no-any-return]

    def users(self, team: int | None = None) -> list[User]:
        """Every user in id order, or the members of one team (by id)."""
        return self._with_read(_listed(User, lib.crm_user_list_get, lib.crm_user_list_size, lib.crm_user_list_at,
                                       lib.crm_user_list_free, lib.crm_user_clone, check_id(team or 0, "team")))  # fmt: skip

    def team(self, id: int) -> Team:
        """The team with this id; NotFoundError when none."""
        return self._get(lib.crm_team_get, Team, check_id(id, "id"))  # type: ignore[no-any-return]

    def team_by_name(self, name: str, default: Any = None) -> Optional[Team]:
        """The team with this name (case-insensitive), or `default`."""
        raw = _encode(name, "name")
        return self._get_or(default, lib.crm_team_find_by_name, Team, raw, len(raw))  # type: ignore[no-any-return]

    def teams(self) -> list[Team]:
        """Every team in id order."""
        return self._with_read(_listed(Team, lib.crm_team_list_get, lib.crm_team_list_size, lib.crm_team_list_at,
                                       lib.crm_team_list_free, lib.crm_team_clone))  # fmt: skip


_CREATE_USER = write_record(lib.crm_user_create)
_UPDATE_USER = write_record(lib.crm_user_update)
_DELETE_USER = write_plain(lib.crm_user_delete)
_CREATE_TEAM = write_record(lib.crm_team_create)
_UPDATE_TEAM = write_record(lib.crm_team_update)
_DELETE_TEAM = write_plain(lib.crm_team_delete)


class UserWrites(Ops):
    """Writes of users and teams: methods of a write transaction and of the database."""

    def create_user(self, user: User, actor: str | None = None) -> User:
        """Creates a user (its team and manager must exist; ExistsError for a login or email in
        use); returns it with its id."""
        return self._in_write(_CREATE_USER, actor, check_record(user, User, "user"))  # type: ignore[no-any-return]

    def update_user(self, user: User, actor: str | None = None) -> User:
        """Stores a changed user (revision checked; a manager that would close a cycle is refused)."""
        return self._in_write(_UPDATE_USER, actor, check_record(user, User, "user"))  # type: ignore[no-any-return]

    def delete_user(self, id: int, actor: str | None = None) -> None:
        """Deletes a user; DependentsError while it manages a team or a user (deactivate it
        instead: ``user.active = False``). What it owns keeps its owner text."""
        self._in_write(_DELETE_USER, actor, check_id(id, "id"))

    def create_team(self, team: Team, actor: str | None = None) -> Team:
        """Creates a team (ExistsError for a name in use); returns it with its id."""
        return self._in_write(_CREATE_TEAM, actor, check_record(team, Team, "team"))  # type: ignore[no-any-return]

    def update_team(self, team: Team, actor: str | None = None) -> Team:
        """Stores a changed team (revision checked)."""
        return self._in_write(_UPDATE_TEAM, actor, check_record(team, Team, "team"))  # type: ignore[no-any-return]

    def delete_team(self, id: int, actor: str | None = None) -> None:
        """Deletes a team; DependentsError while users are in it."""
        self._in_write(_DELETE_TEAM, actor, check_id(id, "id"))
