"""Customers: the record, its lookups and lists, and the writes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ._fields import (
    Record,
    _Bool,
    _ContactPoints,
    _customer_list,
    _encode,
    _Amount,
    _Enum,
    _Field,
    _Int,
    _Ref,
    _INT_P,
    _LIST_EMAILS,
    _LIST_MEMBERSHIPS,
    _LIST_PHONES,
    _NULL,
    _string,
    _pairs,
    _replace_list,
    _CHAR_PP,
    _Tags,
    _Text,
    _text,
    _Time,
)
from ._native import ffi, lib
from ._ops import (Ops, check_id, check_record, one_of, paging, text_arg, write_get, write_patch, write_plain,
                   write_record)
from .custom import _Custom
from .errors import EINVALID, InvalidError, check
from .values import AccountType, Kind, LegalBasis, LifecycleStage, PhoneType, TimeLike, enum_arg, to_micros


if TYPE_CHECKING:
    from .listing import Listing

T = TypeVar("T")


class Email(NamedTuple):
    """One email address of a customer."""

    address: str
    label: str = ""
    primary: bool = False


class _PhoneFields(NamedTuple):
    number: str
    label: str = ""
    primary: bool = False


class Phone(_PhoneFields):
    """One phone number of a customer: ``Phone(number, label, primary)``, compared as that tuple.

    ``e164``, ``type`` and ``valid`` say what the store read from the number when it was written
    (through libphonenumber, with the database's ``phone_region`` for a number without a country
    code): its E.164 form ("+493012345678", "" unless valid), its PhoneType, and whether it is a
    dialable number. A number not yet written, or one that is not valid, has "", UNKNOWN, False."""

    e164: str
    type: PhoneType
    valid: bool

    def __new__(cls, number: str, label: str = "", primary: bool = False, *, e164: str = "",
                type: PhoneType = PhoneType.UNKNOWN, valid: bool = False) -> "Phone":  # noqa: A002
        self = super().__new__(cls, number, label, primary)
        self.e164, self.type, self.valid = e164, PhoneType(type), bool(valid)
        return self


class Membership(NamedTuple):
    """A person's membership of an organization (another customer), with a role."""

    organization: int
    role: str = ""


class _Memberships(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[Membership]:
        if obj is None:
            return self  # type: ignore[return-value]
        org, role, n = ffi.new("uint64_t*"), ffi.new("const char**"), ffi.new("size_t*")
        items = []
        with obj._lock:
            for i in range(lib.crm_customer_membership_count(obj._h)):
                check(lib.crm_customer_membership(obj._h, i, org, role, n))
                items.append(Membership(org[0], _text(role[0], n[0])))
        return items

    def __set__(self, obj: Any, value: Any) -> None:
        def add(item: Any) -> int:
            try:
                m = Membership(item) if isinstance(item, int) else Membership(*item)
            except TypeError as e:
                raise InvalidError(EINVALID, f"memberships: each is a Membership(organization, role): {e}") from None
            raw = _encode(m.role, "memberships.role")
            return lib.crm_customer_add_membership(obj._h, m.organization, raw, len(raw))

        _replace_list(obj, "memberships", _customer_list(_LIST_MEMBERSHIPS), _pairs(value, "memberships"), add)




_EMAILS = _ContactPoints(
    lib.crm_customer_email_count, lib.crm_customer_email, lib.crm_customer_add_email, _LIST_EMAILS, Email,
    "The email addresses, as Email(address, label, primary); assign a list of Email or str.",
)
class _Phones(_ContactPoints[Phone]):
    """Phones, each with what the store read from it (e164, type, valid)."""

    def __get__(self, obj: Any, owner: Any = None) -> list[Phone]:
        if obj is None:
            return self  # type: ignore[return-value]
        plain = super().__get__(obj, owner)
        e164, n, kind, valid = ffi.new("const char**"), ffi.new("size_t*"), ffi.new("int*"), ffi.new("int*")
        out = []
        with obj._lock:
            for i, p in enumerate(plain):
                check(lib.crm_customer_phone_parsed(obj._h, i, e164, n, kind, valid))
                out.append(Phone(p.number, p.label, p.primary, e164=_text(e164[0], n[0]), type=PhoneType(kind[0]),
                                 valid=bool(valid[0])))
        return out


_PHONES = _Phones(
    lib.crm_customer_phone_count, lib.crm_customer_phone, lib.crm_customer_add_phone, _LIST_PHONES, Phone,
    "The phone numbers, as Phone(number, label, primary) with what the store read from each (e164, type, valid); "
    "assign a list of Phone or str.",
)


class Customer(Record):
    """A person or an organization.

    Build one with keyword arguments, e.g.
    ``crm.Customer(given_name="Ada", family_name="Lovelace", emails=["ada@example.com"])``,
    then create it in a write transaction. ``id``, ``created_at`` and the other store-managed
    fields are read-only.
    """

    __slots__ = ()
    _CTYPE = "crm_customer"
    _NEW = lib.crm_customer_new
    _FREE = lib.crm_customer_free
    _CLONE = lib.crm_customer_clone
    _TEXT = lib.crm_customer_text
    _SET_TEXT = lib.crm_customer_set_text
    _INT = lib.crm_customer_int
    _SET_INT = lib.crm_customer_set_int

    id = _Int(201, "The customer's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When the customer was created (UTC); kept on create in import mode only.")
    updated_at = _Time(204, "When the customer last changed (UTC); kept on create in import mode only.")
    archived = _Bool(205, "Whether the customer is archived (archive/restore change it).", readonly=True)
    archived_at = _Time(206, "When the customer was archived, or None.", readonly=True)
    kind = _Enum(207, Kind, "PERSON or ORGANIZATION.")
    stage = _Enum(208, LifecycleStage, "The lifecycle stage.")
    email_opt_in = _Bool(209, "Whether the customer opted in to email.")
    email_legal_basis = _Enum(210, LegalBasis, "The legal basis of the email opt-in.")
    email_opt_in_at = _Time(211, "When the opt-in was given (the store sets it when None).")
    do_not_call = _Bool(212, "Whether the customer asked not to be called.")
    last_interaction_at = _Time(213, "When the latest interaction occurred, or None.", readonly=True)

    display_name = _Text(101, "The name shown (derived from the given and family names when empty).")
    given_name = _Text(102, "The given name of a person.")
    family_name = _Text(103, "The family name of a person.")
    owner = _Text(104, "Who owns the customer (a user name of the host application).")
    external_id = _Text(105, "An id from another system; unique across customers.")
    street = _Text(106, "Address: street.")
    city = _Text(107, "Address: city.")
    region = _Text(108, "Address: region or state.")
    postal_code = _Text(109, "Address: postal code.")
    country = _Text(110, "Address: country.")

    emails = _EMAILS
    phones = _PHONES
    tags = _Tags(0, "The tags, a list of str.")
    job_title = _Text(111, "A person's job title.")
    department = _Text(112, "A person's department.")
    industry = _Text(113, "An organization's industry.")
    website = _Text(114, "An organization's web address, as entered (its domain joins domains).")
    domains = _Tags(0, "An organization's domains, a list of str (normalised by the store).", domains=True)
    annual_revenue = _Amount(217, 115, "An organization's annual revenue as Money, or None.")
    employees = _Int(214, "An organization's employee count (0: unknown).")
    account_type = _Enum(215, AccountType, "An organization's account type: PROSPECT, CUSTOMER, PARTNER, ...")
    parent = _Ref(216, "The parent organization's id ('subsidiary of'), or None.")
    memberships = _Memberships(0, "The organizations a person belongs to, as Membership(organization, role).")
    custom = _Custom(0, "The typed custom fields, a mutable mapping (see CustomFields).")
    _CUSTOM = (lib.crm_customer_custom_count, lib.crm_customer_custom_field, lib.crm_customer_custom_value,
               lib.crm_customer_set_custom, lib.crm_customer_remove_custom)

    _FIELDS = (
        "id", "revision", "kind", "display_name", "given_name", "family_name", "emails", "phones",
        "street", "city", "region", "postal_code", "country", "stage", "owner", "tags", "memberships",
        "email_opt_in", "email_legal_basis", "email_opt_in_at", "do_not_call", "external_id",
        "job_title", "department", "industry", "website", "domains", "annual_revenue", "employees", "account_type",
        "parent", "created_at", "updated_at", "archived", "archived_at", "last_interaction_at",
    )  # fmt: skip

    def _primary(self, count: Any, get: Any) -> str | None:
        # Emails and phones never hold a NUL (control characters are refused): read them as
        # NUL-terminated strings.
        value = ffi.new(_CHAR_PP)
        with self._lock:
            n = count(self._h)
            if n == 1:  # the usual case: the only one is the primary one
                check(get(self._h, 0, value, _NULL, _NULL, _NULL, _NULL))
                return _string(value[0]).decode()
            primary = ffi.new(_INT_P)
            first = None
            for i in range(n):
                check(get(self._h, i, value, _NULL, _NULL, _NULL, primary))
                if primary[0]:
                    return _string(value[0]).decode()
                if first is None:
                    first = _string(value[0]).decode()
        return first

    @property
    def email(self) -> str | None:
        """The primary email address (the first when none is marked primary), or None."""
        return self._primary(lib.crm_customer_email_count, lib.crm_customer_email)

    @property
    def phone(self) -> str | None:
        """The primary phone number (the first when none is marked primary), or None."""
        return self._primary(lib.crm_customer_phone_count, lib.crm_customer_phone)

    def add_email(self, address: str, label: str = "", primary: bool = False) -> None:
        """Adds an email address."""
        with self._lock:
            check(_EMAILS.add_one(self, Email(address, label, primary)))

    def add_phone(self, number: str, label: str = "", primary: bool = False) -> None:
        """Adds a phone number."""
        with self._lock:
            check(_PHONES.add_one(self, Phone(number, label, primary)))

    def add_tag(self, tag: str) -> None:
        """Adds a tag."""
        raw = _encode(tag, "tag")
        with self._lock:
            check(lib.crm_customer_add_tag(self._h, raw, len(raw)))

    def add_membership(self, organization: int, role: str = "") -> None:
        """Makes this person a member of `organization` (a customer id) with a role."""
        raw = _encode(role, "role")
        with self._lock:
            check(lib.crm_customer_add_membership(self._h, organization, raw, len(raw)))

    def _values(self) -> dict[str, Any]:
        d = super()._values()
        d["custom"] = dict(self.custom._items())
        return d

    def __repr__(self) -> str:
        return f"<Customer id={self.id} {self.display_name!r}>"




# ---- operations ----

_BY_ALL, _BY_TAG, _BY_OWNER, _BY_STAGE, _BY_ORGANIZATION, _BY_NAME_PREFIX, _BY_NOT_CONTACTED_SINCE, _BY_COUNTRY = range(8)
_QUERY = ffi.typeof("crm_customer_query*")


def _customer_query(filters: dict[str, Any], include_archived: bool, page_size: int = 0,
                    page_token: str | None = None) -> tuple[Any, list]:
    """The C query for customers(...) / count_customers(...) and what it keeps alive."""
    one_of("customers", **filters)
    q = ffi.new(_QUERY)
    check(lib.crm_customer_query_init(q, 1))
    keep: list = []
    texts = {"tag": _BY_TAG, "owner": _BY_OWNER, "name_prefix": _BY_NAME_PREFIX, "country": _BY_COUNTRY}
    for name, value in filters.items():
        if value is None:
            continue
        if name in texts:
            q.by = texts[name]
            q.text, q.text_len = text_arg(keep, value, name)
        elif name == "stage":
            q.by, q.stage = _BY_STAGE, int(enum_arg(LifecycleStage, value, "stage"))
        elif name == "organization":
            q.by, q.organization = _BY_ORGANIZATION, check_id(value, "organization")
        elif name == "not_contacted_since":
            q.by, q.since = _BY_NOT_CONTACTED_SINCE, to_micros(value, "not_contacted_since")
    q.include_archived = 1 if include_archived else 0
    paging(q, keep, page_size, page_token)
    return q, keep


class CustomerReads(Ops):
    """Reads of customers: methods of every transaction and of the database."""

    def customer(self, id: int) -> Customer:
        """The customer with this id; :class:`crm.NotFoundError` (a KeyError) when there is none."""
        return self._get(lib.crm_customer_get, Customer, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_customer(self, id: int, default: T | None = None) -> Customer | T | None:
        """The customer with this id, or `default`."""
        return self._get_or(default, lib.crm_customer_get, Customer, check_id(id, "id"))  # type: ignore[no-any-return]

    def customer_by_email(self, email: str) -> Customer:
        """The customer with this email address (case-insensitive); NotFoundError when none."""
        raw = _encode(email, "email")
        return self._get(lib.crm_customer_find_by_email, Customer, raw, len(raw))  # type: ignore[no-any-return]

    def get_customer_by_email(self, email: str, default: T | None = None) -> Customer | T | None:
        """The customer with this email address (case-insensitive), or `default`."""
        raw = _encode(email, "email")
        return self._get_or(default, lib.crm_customer_find_by_email, Customer, raw, len(raw))  # type: ignore[no-any-return]

    def customer_by_external_id(self, external_id: str) -> Customer:
        """The customer with this external id; NotFoundError when none."""
        raw = _encode(external_id, "external_id")
        return self._get(lib.crm_customer_find_by_external_id, Customer, raw, len(raw))  # type: ignore[no-any-return]

    def get_customer_by_external_id(self, external_id: str, default: T | None = None) -> Customer | T | None:
        """The customer with this external id, or `default`."""
        raw = _encode(external_id, "external_id")
        return self._get_or(default, lib.crm_customer_find_by_external_id, Customer, raw, len(raw))  # type: ignore[no-any-return]

    def customers_by_domain(self, domain: str) -> "Listing[Customer]":
        """The organizations with this domain, given as a domain, a web address or an email
        address ("acme.com", "https://www.acme.com/about", "ann@acme.com")."""
        raw = _encode(domain, "domain")
        return self._listing(lib.crm_customer_find_by_domain, lib.crm_iter_take_customers, Customer, raw, len(raw))

    def customers_by_phone(self, phone: str) -> "Listing[Customer]":
        """The customers with this phone number, whatever its formatting ("+1 (555) 010-0199",
        "5550100199" and "+15550100199" match each other)."""
        raw = _encode(phone, "phone")
        return self._listing(lib.crm_customer_find_by_phone, lib.crm_iter_take_customers, Customer, raw, len(raw))

    def customers(
        self,
        *,
        tag: str | None = None,
        owner: str | None = None,
        stage: LifecycleStage | int | str | None = None,
        organization: int | None = None,
        name_prefix: str | None = None,
        not_contacted_since: TimeLike = None,
        country: str | None = None,
        include_archived: bool = False,
        page_size: int = 0,
        page_token: str | None = None,
    ) -> "Listing[Customer]":
        """The customers, lazily, in id order, filtered by at most one of: a tag, an owner, a
        lifecycle stage, an organization (its members), a name prefix (every word, case- and
        accent-insensitive), "not contacted since" a time, or a country (case-insensitive).
        Archived customers only with ``include_archived``. ``page_size`` sets how many are read
        at a time (default 100, at most 1000)."""
        filters = dict(tag=tag, owner=owner, stage=stage, organization=organization, name_prefix=name_prefix,
                       not_contacted_since=not_contacted_since, country=country)  # fmt: skip
        q, keep = _customer_query(filters, include_archived, page_size, page_token)
        listing = self._listing(lib.crm_customer_list, lib.crm_iter_take_customers, Customer, q)
        del keep
        return listing

    def count_customers(
        self,
        *,
        tag: str | None = None,
        owner: str | None = None,
        stage: LifecycleStage | int | str | None = None,
        organization: int | None = None,
        name_prefix: str | None = None,
        not_contacted_since: TimeLike = None,
        country: str | None = None,
        include_archived: bool = False,
    ) -> int:
        """How many customers :meth:`customers` would list with the same filters."""
        filters = dict(tag=tag, owner=owner, stage=stage, organization=organization, name_prefix=name_prefix,
                       not_contacted_since=not_contacted_since, country=country)  # fmt: skip
        q, keep = _customer_query(filters, include_archived)
        n = self._count(lib.crm_customer_count, q)
        del keep
        return n


_CREATE = write_record(lib.crm_customer_create)
_UPDATE = write_record(lib.crm_customer_update)
_UPSERT = write_record(lib.crm_customer_upsert)


_patch = write_patch(lib.crm_customer_patch)
_ARCHIVE = write_get(lib.crm_customer_archive, Customer)
_RESTORE = write_get(lib.crm_customer_restore, Customer)
_DELETE = write_plain(lib.crm_customer_delete)


class CustomerWrites(Ops):
    """Writes of customers: methods of a write transaction and of the database (there each in a
    write transaction of its own, made by `actor`, default the database's actor)."""

    def create_customer(self, customer: Customer, actor: str | None = None) -> Customer:
        """Creates the customer and fills in its id, times and revision; returns it."""
        if type(customer) is not Customer:
            check_record(customer, Customer, "customer")
        return self._in_write(_CREATE, actor, customer)  # type: ignore[no-any-return]

    def update_customer(self, customer: Customer, actor: str | None = None, *,
                        fields: list[str] | None = None) -> Customer:
        """Stores the customer if its revision is current (:class:`crm.ConflictError`
        otherwise) and updates it with the stored result; returns it. With ``fields`` only those
        are changed ("owner", "address.city", "custom.tier"; "+tags", "+emails", "+phones" add to
        the stored values) and the revision is checked only when set."""
        check_record(customer, Customer, "customer")
        if fields is not None:
            return self._in_write(_patch, actor, customer, fields)  # type: ignore[no-any-return]
        return self._in_write(_UPDATE, actor, customer)  # type: ignore[no-any-return]

    def upsert_customer(self, customer: Customer, actor: str | None = None, *,
                        fields: list[str] | None = None) -> Customer:
        """Creates or replaces the customer with its external id; returns it as stored. With
        ``fields`` an existing customer changes only in those (as in update_customer), so an
        import carrying a new email leaves the phones, tags and owner it does not name alone."""
        check_record(customer, Customer, "customer")
        if fields is not None:
            if customer.id:
                raise InvalidError(EINVALID, "id: an upsert goes by external_id; use update_customer(fields=...) by id")
            return self._in_write(_patch, actor, customer, fields)  # type: ignore[no-any-return]
        return self._in_write(_UPSERT, actor, customer)  # type: ignore[no-any-return]

    def archive_customer(self, id: int, actor: str | None = None) -> Customer:
        """Archives a customer (hidden from lists unless asked); returns it as stored."""
        return self._in_write(_ARCHIVE, actor, check_id(id, "id"))  # type: ignore[no-any-return]

    def restore_customer(self, id: int, actor: str | None = None) -> Customer:
        """Restores an archived customer; returns it as stored."""
        return self._in_write(_RESTORE, actor, check_id(id, "id"))  # type: ignore[no-any-return]

    def delete_customer(self, id: int, cascade: bool = False, actor: str | None = None) -> None:
        """Deletes a customer. With ``cascade`` its interactions, opportunities, contact roles and
        memberships go too; without, a customer that has any raises :class:`crm.DependentsError`."""
        self._in_write(_DELETE, actor, check_id(id, "id"), 1 if cascade else 0)
