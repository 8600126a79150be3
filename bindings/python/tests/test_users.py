"""Users and teams through the package: records, lookups, refusals, the owner mapping and the
query fields read through it, checked against plain Python over the same deals."""
import collections
from decimal import Decimal

import pytest

import crm


@pytest.fixture
def db(tmp_path):
    with crm.open(tmp_path / "crm.db", sync=False) as d:
        yield d


def test_users_and_teams_round_trip(db):
    east = db.create_team(crm.Team(name=" East ", region="Atlantic"))
    assert east.id > 0 and east.name == "East" and east.manager is None
    boss = db.create_user(crm.User(name="Dana Boss", login="dana", email="Dana@Example.com", team=east.id))
    ann = db.create_user(crm.User(name="Ann Lee", login="ann", team=east.id, manager=boss.id))
    assert ann.active is True and ann.manager == boss.id and ann.revision == 1
    assert db.user(ann.id) == ann
    assert db.user_by_login("ANN").id == ann.id
    assert db.user_by_email("dana@example.COM").id == boss.id
    assert db.user_by_login("nobody") is None and db.get_user(999) is None
    with pytest.raises(crm.NotFoundError):
        db.user(999)
    assert db.team_by_name("east").id == east.id and db.team(east.id).region == "Atlantic"
    assert [u.id for u in db.users()] == [boss.id, ann.id]
    assert [u.login for u in db.users(team=east.id)] == ["dana", "ann"]
    assert [t.name for t in db.teams()] == ["East"]
    east.manager = boss.id
    east = db.update_team(east)
    assert east.revision == 2 and db.team(east.id).manager == boss.id
    ann.active = False
    ann = db.update_user(ann)
    assert db.user(ann.id).active is False
    assert ann.to_dict()["login"] == "ann"
    assert [c.entity for c in db.changes()][1:3] == [crm.Entity.TEAM, crm.Entity.USER]  # after the default pipeline
    assert [c.fields[0].after for c in db.field_history(crm.Entity.USER, ann.id, "active")] == ["true", "false"]
    assert db.verify().ok


def test_refusals_name_what_is_wrong(db):
    east = db.create_team(crm.Team(name="East"))
    ann = db.create_user(crm.User(name="Ann", login="ann", team=east.id))
    with pytest.raises(crm.InvalidError, match="name"):
        db.create_user(crm.User(login="x"))
    with pytest.raises(crm.ExistsError, match="login"):
        db.create_user(crm.User(name="Twin", login="ANN"))
    with pytest.raises(crm.ExistsError):
        db.create_team(crm.Team(name="east"))
    with pytest.raises(crm.InvalidError, match="team 42 does not exist"):
        db.create_user(crm.User(name="Lost", team=42))
    bob = db.create_user(crm.User(name="Bob", manager=ann.id))
    ann.manager = bob.id
    with pytest.raises(crm.InvalidError, match="cycle"):
        db.update_user(ann)
    with pytest.raises(crm.DependentsError):
        db.delete_team(east.id)
    with pytest.raises(crm.DependentsError, match="manages user"):
        db.delete_user(db.user_by_login("ann").id)
    with pytest.raises(AttributeError, match="read-only"):
        crm.User(name="x").id = 3
    with pytest.raises(crm.InvalidError):
        crm.User(name="x", team=-1)
    db.delete_user(bob.id)
    db.delete_user(ann.id)
    db.delete_team(east.id)
    assert db.users() == [] and db.teams() == []


def test_owner_texts_name_users_and_queries_read_their_teams(db):
    east = db.create_team(crm.Team(name="East", region="Atlantic"))
    west = db.create_team(crm.Team(name="West", region="Pacific"))
    boss = db.create_user(crm.User(name="Dana Boss", login="dana", team=east.id))
    db.create_user(crm.User(name="Ann Lee", login="ann", team=east.id, manager=boss.id))
    db.create_user(crm.User(name="Bob Stone", login="bob", team=west.id))
    db.create_user(crm.User(name="Sam Smith", login="sam1"))
    db.create_user(crm.User(name="Sam Smith", login="sam2"))
    assert db.owner_user("Ann Lee").login == "ann" and db.owner_user("BOB").name == "Bob Stone"
    assert db.owner_user("Sam Smith") is None and db.owner_user("nobody") is None

    deals = [("ann", "100.00"), ("Ann Lee", "250.50"), ("bob", "75.25"), ("Sam Smith", "9.99"), ("zed", "1.00"),
             ("", "5.00")]  # fmt: skip
    team_of = {"ann": "East", "ann lee": "East", "bob": "West"}
    with db.write() as txn:
        for owner, amount in deals:
            o = txn.create_opportunity(crm.Opportunity(title="Deal", owner=owner, amount=crm.Money(amount, "EUR")))
            txn.win_opportunity(o.id)
    want = collections.defaultdict(Decimal)
    for owner, amount in deals:
        want[team_of.get(owner.lower())] += Decimal(amount)
    rows = db.aggregate("opportunity", "status = 'won'", group_by="team", measures="sum(amount)")
    assert {r.keys[0]: Decimal(r.values[0]) / 100 for r in rows} == dict(want)
    assert db.count("opportunity", "team.region = 'Atlantic'") == 2
    assert db.count("opportunity", "owner.manager = 'Dana Boss'") == 2
    assert db.count("opportunity", "team is empty") == 3
    assert db.count("opportunity", team="west") == 1
    names = [o.owner for o in db.search_opportunities(order_by="team", descending=True)]
    assert names[0] == "bob" and set(names[1:3]) == {"ann", "Ann Lee"}
    with pytest.raises(crm.InvalidError, match="owner"):
        db.declare_index("opportunity", "team")


def test_users_export_managers_first_and_import_back(db, tmp_path):
    sales = db.create_team(crm.Team(name="Sales", region="North"))
    ann = db.create_user(crm.User(name="Ann Lee", login="ann", team=sales.id))
    boss = db.create_user(crm.User(name="Dana Boss", email="dana@example.com"))
    ann.manager = boss.id
    db.update_user(ann)
    path = tmp_path / "users.jsonl"
    assert db.export(path, records="users") == 2
    assert path.read_text().index("Dana Boss") < path.read_text().index("Ann Lee")
    with pytest.raises(crm.InvalidError, match="users are exported whole"):
        db.export(tmp_path / "x.csv", records="users", where="name = 'x'")
    with crm.open(tmp_path / "other.crm", sync=False) as other:
        assert other.import_file(path, records="users").counts.created == 3  # two users and their team
        back = {u.name: u for u in other.users()}
        assert back["Ann Lee"].login == "ann" and back["Ann Lee"].manager == back["Dana Boss"].id
        assert other.team(back["Ann Lee"].team).region == "North"
