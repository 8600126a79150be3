"""Customers through the Python package: every operation, lookup, list and field type."""
import datetime as dt
from decimal import Decimal

import pytest
from conftest import UTC, person

import crm


def test_create_get_and_typed_fields(db):
    with db.write(actor="ann") as txn:
        c = txn.create_customer(
            crm.Customer(
                given_name="Ada", family_name="Lovelace", emails=[crm.Email("ada@example.com", "work", True)],
                phones=["+44 20 7946 0000"], street="12 St James's Square", city="London", region="",
                postal_code="SW1Y 4JH", country="GB", stage=crm.LifecycleStage.CUSTOMER, owner="ann",
                tags=["vip", "math"], external_id="ext-1", email_opt_in=True,
                email_legal_basis=crm.LegalBasis.CONSENT, do_not_call=True,
            )
        )  # fmt: skip
    assert c.id > 0 and c.revision == 1
    got = db.customer(c.id)
    assert got is not c
    assert got.display_name == "Ada Lovelace"
    assert got.kind is crm.Kind.PERSON
    assert got.stage is crm.LifecycleStage.CUSTOMER
    assert got.email == "ada@example.com"
    assert got.emails == [crm.Email("ada@example.com", "work", True)]
    assert got.phone == "+44 20 7946 0000"
    assert got.tags == ["math", "vip"] or got.tags == ["vip", "math"]
    assert got.email_opt_in is True and got.do_not_call is True
    assert got.email_legal_basis is crm.LegalBasis.CONSENT
    assert isinstance(got.email_opt_in_at, dt.datetime) and got.email_opt_in_at.tzinfo is not None
    assert isinstance(got.created_at, dt.datetime) and got.created_at == got.updated_at
    assert got.archived is False and got.archived_at is None and got.last_interaction_at is None
    assert got.to_dict()["postal_code"] == "SW1Y 4JH"
    assert repr(got) == f"<Customer id={c.id} 'Ada Lovelace'>"


def test_get_with_default_and_not_found_is_a_key_error(db):
    assert db.get_customer(12345) is None
    assert db.get_customer(12345, default="none") == "none"
    with pytest.raises(crm.NotFoundError) as e:
        db.customer(12345)
    assert isinstance(e.value, KeyError) and e.value.code == crm.NotFoundError.code == -1
    assert "12345" in str(e.value)
    with pytest.raises(KeyError):
        db.customer_by_email("nobody@example.com")
    assert db.get_customer_by_email("nobody@example.com") is None
    assert db.get_customer_by_external_id("nope") is None


def test_lookups_by_email_external_id_and_phone(db):
    a = db.create_customer(person("Grace", "Hopper", "Grace.Hopper@Navy.mil", phones=["+1 (555) 010-0199"], external_id="g1"))
    assert db.customer_by_email("grace.hopper@navy.MIL").id == a.id
    assert db.customer_by_external_id("g1").id == a.id
    assert [c.id for c in db.customers_by_phone("5550100199")] == [a.id]
    assert [c.id for c in db.customers_by_phone("+1 555 010 0199")] == [a.id]
    assert list(db.customers_by_phone("+1 555 999 9999")) == []


def test_update_checks_the_revision(db):
    c = db.create_customer(person("Alan", "Turing", "alan@example.com"))
    mine, theirs = db.customer(c.id), db.customer(c.id)
    theirs.owner = "bob"
    db.update_customer(theirs)
    assert theirs.revision == 2
    mine.owner = "carol"
    with pytest.raises(crm.ConflictError):
        db.update_customer(mine)
    assert db.customer(c.id).owner == "bob"
    mine.revision = theirs.revision
    db.update_customer(mine)
    assert db.customer(c.id).owner == "carol"


def test_unique_email_and_external_id(db):
    db.create_customer(person("Ann", "One", "same@example.com", external_id="x"))
    with pytest.raises(crm.ExistsError) as e:
        db.create_customer(person("Ann", "Two", "SAME@example.com"))
    assert e.value.code == -2 and "email" in str(e.value)
    with pytest.raises(crm.ExistsError):
        db.create_customer(person("Ann", "Three", "other@example.com", external_id="x"))
    assert db.count_customers() == 1


def test_upsert_by_external_id(db):
    first = db.upsert_customer(person("Barbara", "Liskov", "bl@example.com", external_id="crm-7"))
    again = db.upsert_customer(person("Barbara", "Liskov", "bl@example.com", external_id="crm-7", owner="dan"))
    assert again.id == first.id
    assert db.customer(first.id).owner == "dan"
    assert db.count_customers() == 1


def test_archive_restore_and_delete(db):
    c = db.create_customer(person("Ken", "Thompson", "ken@example.com"))
    archived = db.archive_customer(c.id)
    assert archived.archived and archived.archived_at is not None
    assert db.count_customers() == 0 and db.count_customers(include_archived=True) == 1
    assert list(db.customers()) == []
    assert [x.id for x in db.customers(include_archived=True)] == [c.id]
    assert db.restore_customer(c.id).archived is False
    db.log_interaction(crm.Interaction(customer=c.id, kind=crm.InteractionKind.NOTE, subject="hi"))
    with pytest.raises(crm.DependentsError, match="interactions"):
        db.delete_customer(c.id)
    assert db.get_customer(c.id) is not None
    db.delete_customer(c.id, cascade=True)
    assert db.get_customer(c.id) is None
    assert list(db.timeline(c.id)) == []


def test_lists_and_counts(db):
    org = db.create_customer(
        crm.Customer(kind=crm.Kind.ORGANIZATION, display_name="Analytical Engines Ltd", stage=crm.LifecycleStage.OTHER)
    )
    with db.write() as txn:
        for i in range(30):
            c = person("José" if i % 3 == 0 else "Maria", f"Álvarez{i}", f"p{i}@example.com",
                       tags=["even" if i % 2 == 0 else "odd"], owner=f"rep{i % 3}", country="DE" if i < 7 else "",
                       stage=crm.LifecycleStage.LEAD if i < 10 else crm.LifecycleStage.CUSTOMER)  # fmt: skip
            if i < 4:
                c.memberships = [crm.Membership(org.id, "engineer")]
            txn.create_customer(c)
    assert db.count_customers() == 31
    assert db.count_customers(tag="even") == 15
    assert db.count_customers(owner="rep1") == 10
    assert db.count_customers(stage=crm.LifecycleStage.LEAD) == 10
    assert db.count_customers(stage="customer") == 20
    assert db.count_customers(country="de") == 7
    assert [c.family_name for c in db.customers(country="De", page_size=2)][-1] == "Álvarez6"
    members = list(db.customers(organization=org.id))
    assert len(members) == 4 and members[0].memberships == [crm.Membership(org.id, "engineer")]
    names = [c.given_name for c in db.customers(name_prefix="jose alv")]
    assert names == ["José"] * 10
    assert db.count_customers(name_prefix="ALVAREZ1") == 11  # Álvarez1, Álvarez10..19
    with pytest.raises(crm.InvalidError) as e:
        db.customers(tag="a", owner="b")
    assert "not several" in str(e.value)


def test_not_contacted_since(db):
    a = db.create_customer(person("Old", "Contact", "old@example.com"))
    b = db.create_customer(person("New", "Contact", "new@example.com"))
    long_ago = dt.datetime(2020, 1, 1, tzinfo=UTC)
    db.log_interaction(crm.Interaction(customer=a.id, kind=crm.InteractionKind.CALL, occurred_at=long_ago))
    db.log_interaction(crm.Interaction(customer=b.id, kind=crm.InteractionKind.CALL, occurred_at=dt.datetime.now(UTC)))
    stale = [c.id for c in db.customers(not_contacted_since=dt.datetime(2024, 1, 1, tzinfo=UTC))]
    assert a.id in stale and b.id not in stale
    assert db.customer(a.id).last_interaction_at == long_ago


def test_paging_tokens_continue_in_a_later_transaction(db):
    with db.write() as txn:
        for i in range(25):
            txn.create_customer(person("Page", f"Person{i:02d}", f"page{i}@example.com"))
    seen = []
    token = None
    while True:
        with db.read() as txn:
            listing = txn.customers(page_size=10, page_token=token)
            page = [next(listing, None) for _ in range(10)]
            page = [c for c in page if c is not None]
            seen += [c.id for c in page]
            token = listing.page_token
        if token is None:
            break
    assert len(seen) == 25 and len(set(seen)) == 25


def test_custom_fields_of_every_type(db):
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    c = person("Custom", "Fields", "cf@example.com")
    c.custom["plan"] = "gold"
    c.custom["seats"] = 12
    c.custom["mrr"] = crm.Money("99.90", "EUR")
    c.custom["renews"] = when
    c.custom["trial"] = False
    c.custom["epoch"] = dt.datetime(1970, 1, 1, tzinfo=UTC)
    db.create_customer(c)
    got = db.customer(c.id).custom
    assert dict(got) == {
        "plan": "gold", "seats": 12, "mrr": crm.Money("99.90", "EUR"), "renews": when, "trial": False,
        "epoch": dt.datetime(1970, 1, 1, tzinfo=UTC),
    }  # fmt: skip
    assert isinstance(got["trial"], bool) and isinstance(got["mrr"].amount, Decimal)
    stored = db.customer(c.id)
    del stored.custom["plan"]
    with pytest.raises(KeyError):
        del stored.custom["plan"]
    with pytest.raises(KeyError):
        stored.custom["plan"]
    with pytest.raises(crm.InvalidError):
        stored.custom["ratio"] = 0.5
    stored.custom = {"only": 1}
    db.update_customer(stored)
    assert dict(db.customer(c.id).custom) == {"only": 1}


def test_money_is_exact(db):
    assert crm.Money("12.5", "EUR").amount == Decimal("12.50")
    assert crm.Money(1250, "JPY").minor_units == 1250
    assert crm.Money("1.234", "KWD").minor_units == 1234
    assert crm.Money.from_minor(1999, "USD") == crm.Money("19.99", "USD")
    assert crm.currency_digits("JPY") == 0
    with pytest.raises(crm.InvalidError, match="more decimals"):
        crm.Money("0.001", "EUR")
    with pytest.raises(crm.InvalidError, match="not a known ISO 4217"):
        crm.Money("1", "EURO")
    with pytest.raises(crm.InvalidError, match="Decimal"):
        crm.Money(0.1, "EUR")
    with pytest.raises(ValueError):
        crm.Money("abc", "EUR")


def test_bad_input_names_the_field_and_changes_nothing(db):
    with pytest.raises(crm.InvalidError) as e:
        db.create_customer(person("Bad", "Email", "not-an-email"))
    assert isinstance(e.value, ValueError) and "email" in str(e.value)
    assert db.count_customers() == 0 and db.last_change_seq() >= 0
    with pytest.raises(crm.InvalidError, match="stage"):
        crm.Customer(stage=99)
    with pytest.raises(crm.InvalidError, match="stage"):
        crm.Customer(stage="nonsense")
    with pytest.raises(crm.InvalidError, match="naive"):
        crm.Customer(email_opt_in_at=dt.datetime(2024, 1, 1))
    with pytest.raises(crm.InvalidError, match="UTF-8"):
        crm.Customer(given_name="bad \udcff surrogate")
    with pytest.raises(crm.InvalidError, match="control character"):
        db.create_customer(crm.Customer(given_name="nul\x00byte"))
    with pytest.raises(TypeError):
        crm.Customer(nickname="x")
    with pytest.raises(AttributeError, match="read-only"):
        crm.Customer(id=4)
    c = crm.Customer()
    with pytest.raises(AttributeError, match="read-only"):
        c.archived_at = dt.datetime.now(UTC)
    with pytest.raises(crm.InvalidError):
        db.customer(-1)
    with pytest.raises(crm.InvalidError):
        db.customer("1")


def test_replacing_a_list_is_all_or_nothing():
    c = crm.Customer(emails=["a@example.com"], tags=["t"])
    with pytest.raises(crm.InvalidError):
        c.emails = ["b@example.com", 42]
    assert c.emails == [crm.Email("a@example.com", "", True)] or c.email == "a@example.com"
    c.add_email("c@example.com", "home")
    c.add_phone("+33 1 23 45 67 89", "office", primary=True)
    c.add_tag("u")
    c.add_membership(7, "cfo")
    assert [e.address for e in c.emails] == ["a@example.com", "c@example.com"]
    assert c.phone == "+33 1 23 45 67 89"
    assert sorted(c.tags) == ["t", "u"] and c.memberships == [crm.Membership(7, "cfo")]
    c.tags = []
    assert c.tags == []


def test_constructor_arguments_of_every_shape():
    c = crm.Customer(
        emails=("josé@exämple.com", crm.Email("b@example.com", "home", True)),
        phones=[crm.Phone("+1 555 0100", "desk", True), "+1 555 0101"],
        tags=("t1", "tü"),
        memberships=[(3, "cfo"), 4],
    )
    assert [e.address for e in c.emails] == ["josé@exämple.com", "b@example.com"]
    assert c.email == "b@example.com" and c.phone == "+1 555 0100"
    assert sorted(c.tags) == ["t1", "tü"]
    assert c.memberships == [crm.Membership(3, "cfo"), crm.Membership(4, "")]
    with pytest.raises(crm.InvalidError, match="UTF-8"):
        crm.Customer(emails=["bad\udcff@example.com"])
    with pytest.raises(crm.InvalidError, match="UTF-8"):
        crm.Customer(tags=["bad\udcff"])
    with pytest.raises(crm.InvalidError):
        crm.Customer(emails="one@example.com")  # a str is not a list of them
    with pytest.raises(crm.InvalidError):
        crm.Customer(tags=[7])
    with pytest.raises(AttributeError, match="read-only"):
        crm.Customer(email="x@example.com")
    assert crm.Customer(display_name=None).display_name == ""


def test_copy_is_independent_and_equality_is_by_value():
    import copy

    a = crm.Customer(given_name="Orig", custom={"n": 1})
    b = copy.copy(a)
    assert a == b and a is not b
    b.custom["n"] = 2
    assert a != b
    b.custom["n"] = 1
    assert a == b
    assert a != crm.Interaction() and a != "Orig"
    with pytest.raises(TypeError):
        hash(a)
    b.given_name = "Changed"
    assert a.given_name == "Orig" and b.given_name == "Changed"
    assert copy.deepcopy(a).given_name == "Orig"


def test_unicode_and_large_texts_round_trip(db):
    names = ["Zoë Saldaña", "Søren Kierkegaard", "李小龙", "Μαρία Κάλλας", "محمد علي", "👩‍💻 Coder"]
    with db.write() as txn:
        ids = [txn.create_customer(crm.Customer(display_name=n)).id for n in names]
    assert [db.customer(i).display_name for i in ids] == names
    body = "Résumé — " + "x" * 60000 + " ✓\nline two"
    i = db.log_interaction(crm.Interaction(customer=ids[0], kind=crm.InteractionKind.EMAIL, subject="长", body=body))
    got = db.interaction(i.id)
    assert got.body == body and got.subject == "长"
    with pytest.raises(crm.InvalidError, match="body"):
        db.log_interaction(crm.Interaction(customer=ids[0], kind=crm.InteractionKind.NOTE, body="y" * 70000))


def test_b2b_fields_domains_and_hierarchy(db):
    group = db.create_customer(crm.Customer(kind=crm.Kind.ORGANIZATION, display_name="Group"))
    acme = db.create_customer(crm.Customer(
        kind=crm.Kind.ORGANIZATION, display_name="Acme", industry="technology", website="https://www.Acme.com/about",
        domains=["acme.co.uk"], annual_revenue=crm.Money("1100040000", "USD"), employees=2822,
        account_type=crm.AccountType.CUSTOMER, parent=group.id))  # fmt: skip
    assert acme.domains == ["acme.com", "acme.co.uk"] and acme.parent == group.id
    assert acme.annual_revenue == crm.Money("1100040000", "USD") and acme.account_type == crm.AccountType.CUSTOMER
    ann = db.create_customer(crm.Customer(given_name="Ann", job_title="CFO", department="Finance"))
    assert (ann.job_title, ann.department, ann.parent, ann.annual_revenue) == ("CFO", "Finance", None, None)
    assert [c.id for c in db.customers_by_domain("bob@ACME.co.uk")] == [acme.id]
    assert db.count("customer", parent=group.id, account_type="customer", employees=2822) == 1
    group.parent = acme.id
    with pytest.raises(crm.InvalidError, match="is a subsidiary of this organization"):
        db.update_customer(group)
    with pytest.raises(crm.InvalidError, match="industry: is a field of organizations"):
        db.create_customer(crm.Customer(given_name="Bo", industry="retail"))
    with pytest.raises(crm.DependentsError, match="subsidiaries"):
        db.delete_customer(group.id)


def test_phones_read_in_the_region(tmp_path):
    with crm.open(tmp_path / "phones.db", sync=False, phone_region="DE") as db:
        c = db.create_customer(crm.Customer(given_name="Pat", family_name="Phone",
                                            phones=["030 1234567", crm.Phone("0151 23456789", "mobile", True), "12345"]))
        office, mobile, odd = c.phones
        assert office == crm.Phone("030 1234567")  # compared as (number, label, primary)
        assert (office.e164, office.type, office.valid) == ("+49301234567", crm.PhoneType.FIXED_LINE, True)
        assert (mobile.e164, mobile.type, mobile.label) == ("+4915123456789", crm.PhoneType.MOBILE, "mobile")
        assert (odd.e164, odd.type, odd.valid) == ("", crm.PhoneType.UNKNOWN, False)
        assert [x.id for x in db.customers_by_phone("+49 (0)30 123 45 67")] == [c.id]
        assert db.count("customer", phone="+49 30 1234567") == 1
    with pytest.raises(crm.InvalidError, match="phone_region"):
        crm.open(tmp_path / "other.db", phone_region="Germany")
