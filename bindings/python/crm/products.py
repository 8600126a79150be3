"""Products and line items: the catalog deals are sold from, and the lines of a deal.

A deal's ``lines`` name products of the catalog; a deal with lines has their totals' sum as its
amount (quantity x unit price less the discount, each rounded half away from zero to the minor
unit). Filters, sorts and groupings of opportunities read ``product`` (codes), ``product.family``
and ``product.id``; ``db.product_sales()`` reports the lines per product.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple, Optional, TypeVar

from ._fields import Record, _Bool, _encode, _Field, _Int, _pairs, _replace_list, _string, _text, _Text, _Time
from ._native import ffi, lib
from ._ops import Ops, check_id, check_record, write_plain, write_record
from .errors import EINVALID, InvalidError, check
from .users import _listed
from .values import Money

T = TypeVar("T")


def _scaled(value: Any, places: int, what: str, low: int, high: int) -> int:
    """A Decimal, int or str with at most `places` decimals as an integer of 10**-places units."""
    if isinstance(value, (float, bool)):
        raise InvalidError(EINVALID, f"{what}: give a Decimal, an int or a str, not {type(value).__name__}")
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidError(EINVALID, f"{what}: {value!r} is not a number") from None
    if not d.is_finite() or (d and not -30 <= d.adjusted() <= 30):
        raise InvalidError(EINVALID, f"{what}: {value!r} is out of range")
    scaled = d.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise InvalidError(EINVALID, f"{what}: {value} has more than {places} decimals")
    if not low <= scaled <= high:
        raise InvalidError(EINVALID, f"{what}: {value} is out of range")
    return int(scaled)


class LineItem(NamedTuple):
    """One line of a deal: a product (its id), a quantity (a Decimal with up to 3 decimals), a
    unit price (Money in the deal's currency; None: the product's list price in it), a discount
    in percent (up to 2 decimals: Decimal("12.5")) and a description. ``total`` is the store's."""

    product: int
    quantity: Decimal | int | str = 1
    unit_price: Money | None = None
    discount: Decimal | int | str = 0
    description: str = ""
    total: Money | None = None


class _Lines(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[LineItem]:
        if obj is None:
            return self  # type: ignore[return-value]
        item = ffi.new("crm_line_item*")
        items = []
        with obj._lock:
            currency = _string(lib.crm_opportunity_text(obj._h, 103, ffi.NULL)).decode()
            for i in range(lib.crm_opportunity_line_count(obj._h)):
                item.version = 1
                check(lib.crm_opportunity_line(obj._h, i, item))
                unit_currency = _string(item.unit_currency).decode()
                unit = Money.from_minor(item.unit_price, unit_currency) if unit_currency else None
                total = Money.from_minor(item.total, currency) if currency else None
                items.append(LineItem(item.product, Decimal(item.quantity_milli).scaleb(-3), unit,
                                      Decimal(item.discount_bp).scaleb(-2),
                                      _text(item.description, item.description_len), total))  # fmt: skip
        return items

    def __set__(self, obj: Any, value: Any) -> None:
        lines = []
        for entry in _pairs(value, "lines"):
            if isinstance(entry, int) and not isinstance(entry, bool):
                entry = LineItem(entry)
            elif not isinstance(entry, LineItem):
                raise InvalidError(EINVALID, "lines: each is a LineItem(product, quantity, unit_price, discount) or a product id")
            lines.append(entry)
        _replace_list(obj, "lines", lib.crm_opportunity_clear_lines, lines, lambda line: add_line(obj, line))


def add_line(obj: Any, line: LineItem) -> int:
    """Adds `line` to the opportunity record `obj` (crm_opportunity_add_line)."""
    item = ffi.new("crm_line_item*")
    item.version = 1
    item.product = check_id(line.product, "lines: product")
    item.quantity_milli = _scaled(line.quantity, 3, "lines: quantity", -(2**63), 2**63 - 1)
    item.discount_bp = _scaled(line.discount, 2, "lines: discount", -(2**31), 2**31 - 1)
    keep = []
    if line.unit_price is not None:
        if not isinstance(line.unit_price, Money):
            raise InvalidError(EINVALID, "lines: a unit price is Money or None")
        item.unit_price = line.unit_price.minor_units
        keep.append(ffi.new("char[]", line.unit_price.currency.encode()))
        item.unit_currency = keep[-1]
    raw = _encode(line.description or "", "lines: description")
    keep.append(ffi.new("char[]", raw))
    item.description, item.description_len = keep[-1], len(raw)
    return lib.crm_opportunity_add_line(obj._h, item)  # type: ignore[no-any-return]


class _Prices(_Field):
    def __get__(self, obj: Any, owner: Any = None) -> list[Money]:
        if obj is None:
            return self  # type: ignore[return-value]
        minor, currency = ffi.new("int64_t*"), ffi.new("const char**")
        out = []
        with obj._lock:
            for i in range(lib.crm_product_price_count(obj._h)):
                check(lib.crm_product_price(obj._h, i, minor, currency))
                out.append(Money.from_minor(minor[0], _string(currency[0]).decode()))
        return out

    def __set__(self, obj: Any, value: Any) -> None:
        prices = list(_pairs(value, "prices"))
        seen = set()
        for i, p in enumerate(prices):
            if not isinstance(p, Money):
                raise InvalidError(EINVALID, f"prices: each is Money, not {type(p).__name__}")
            if p.currency in seen:
                raise InvalidError(EINVALID, f"prices[{i}].currency: a second price in {p.currency}")
            seen.add(p.currency)
        old = self.__get__(obj)
        with obj._lock:
            for money in old:
                check(lib.crm_product_remove_price(obj._h, money.currency.encode()))
            for p in prices:
                check(lib.crm_product_set_price(obj._h, p.currency.encode(), p.minor_units))


class Product(Record):
    """A product of the catalog: a unique code, a name, a family, a description, an active flag
    and list prices (at most one per currency).

    ``crm.Product(code="GTX-PRO", name="GTX Pro", family="GTX", prices=[crm.Money("4821", "USD")])``
    """

    __slots__ = ()
    _CTYPE = "crm_product"
    _NEW = lib.crm_product_new
    _FREE = lib.crm_product_free
    _CLONE = lib.crm_product_clone
    _TEXT = lib.crm_product_text
    _SET_TEXT = lib.crm_product_set_text
    _INT = lib.crm_product_int
    _SET_INT = lib.crm_product_set_int

    id = _Int(201, "The product's id (0 until created).", readonly=True)
    revision = _Int(202, "The stored revision; an update must be based on the current one.")
    created_at = _Time(203, "When the product was created (UTC); kept on create in import mode only.")
    updated_at = _Time(204, "When the product last changed (UTC).")
    active = _Bool(205, "Whether new deal lines may name it (an inactive one stays on the deals that have it).")
    code = _Text(101, "The product code (SKU): unique, case-insensitively (required).")
    name = _Text(102, "The product's name (required).")
    family = _Text(103, "The product line it belongs to.")
    description = _Text(104, "A description.")
    prices = _Prices(0, "The list prices, as Money, at most one per currency.")
    _FIELDS = ("id", "revision", "created_at", "updated_at", "code", "name", "family", "description", "active", "prices")

    def price_in(self, currency: str) -> Optional[Money]:
        """The list price in `currency`, or None."""
        return next((p for p in self.prices if p.currency == currency), None)

    def __repr__(self) -> str:
        return f"<Product id={self.id} {self.code!r} {self.name!r}>"


class ProductReads(Ops):
    """Reads of the catalog: methods of every transaction and of the database."""

    def product(self, id: int) -> Product:
        """The product with this id; NotFoundError when none."""
        return self._get(lib.crm_product_get, Product, check_id(id, "id"))  # type: ignore[no-any-return]

    def get_product(self, id: int, default: T | None = None) -> Product | T | None:
        """The product with this id, or `default`."""
        return self._get_or(default, lib.crm_product_get, Product, check_id(id, "id"))  # type: ignore[no-any-return]

    def product_by_code(self, code: str, default: Any = None) -> Optional[Product]:
        """The product with this code (case-insensitive), or `default`."""
        raw = _encode(code, "code")
        return self._get_or(default, lib.crm_product_find_by_code, Product, raw, len(raw))  # type: ignore[no-any-return]

    def products(self, active_only: bool = False) -> list[Product]:
        """Every product in id order, or the active ones."""
        return self._with_read(_listed(Product, lib.crm_product_list_get, lib.crm_product_list_size,
                                       lib.crm_product_list_at, lib.crm_product_list_free, lib.crm_product_clone,
                                       1 if active_only else 0))  # fmt: skip

    def deals_with_product(self, id: int) -> int:
        """How many deals have a line of the product."""
        product = check_id(id, "id")

        def read(txn: Any) -> int:
            out = ffi.new("uint64_t*")
            check(lib.crm_product_deal_count(out, txn, product))
            return int(out[0])

        return self._with_read(read)


_CREATE = write_record(lib.crm_product_create)
_UPDATE = write_record(lib.crm_product_update)
_DELETE = write_plain(lib.crm_product_delete)


class ProductWrites(Ops):
    """Writes of the catalog: methods of a write transaction and of the database."""

    def create_product(self, product: Product, actor: str | None = None) -> Product:
        """Creates a product (ExistsError for a code in use); returns it with its id."""
        return self._in_write(_CREATE, actor, check_record(product, Product, "product"))  # type: ignore[no-any-return]

    def update_product(self, product: Product, actor: str | None = None) -> Product:
        """Stores a changed product (revision checked). Deals keep their lines as they are."""
        return self._in_write(_UPDATE, actor, check_record(product, Product, "product"))  # type: ignore[no-any-return]

    def delete_product(self, id: int, actor: str | None = None) -> None:
        """Deletes a product; DependentsError while a deal has a line of it (deactivate it
        instead: ``product.active = False``)."""
        self._in_write(_DELETE, actor, check_id(id, "id"))
