"""Products and line items through the package: the catalog, lines priced from it with
quantities and discounts, the derived amount, product fields in queries, the product sales
report."""
from decimal import Decimal

import pytest

import crm


def test_catalog_rules(db):
    pro = db.create_product(crm.Product(code="GTX-PRO", name="GTX Pro", family="GTX",
                                        prices=[crm.Money("4821", "USD"), crm.Money("4450", "EUR")]))
    assert pro.id > 0 and pro.active and pro.revision == 1
    assert db.product_by_code("gtx-pro").id == pro.id
    assert db.product_by_code("nope") is None
    assert pro.price_in("EUR") == crm.Money("4450", "EUR") and pro.price_in("GBP") is None
    with pytest.raises(crm.ExistsError, match="code"):
        db.create_product(crm.Product(code="gtx-pro", name="again"))
    with pytest.raises(crm.InvalidError, match=r"prices\[1\].currency: a second price in USD"):
        db.create_product(crm.Product(code="X", name="x", prices=[crm.Money("1", "USD"), crm.Money("2", "USD")]))
    with pytest.raises(crm.InvalidError, match="prices: each is Money"):
        crm.Product(code="X", name="x", prices=[5])
    pro.prices = [crm.Money("4800", "USD")]
    pro.active = False
    pro = db.update_product(pro)
    assert pro.prices == [crm.Money("4800", "USD")] and not pro.active and pro.revision == 2
    assert [p.code for p in db.products()] == ["GTX-PRO"] and db.products(active_only=True) == []
    db.delete_product(pro.id)
    assert db.get_product(pro.id) is None
    assert [c.entity for c in db.changes()][-3:] == [crm.Entity.PRODUCT] * 3


def test_lines_make_the_amount_and_are_refused_by_name(db):
    pro = db.create_product(crm.Product(code="GTX-PRO", name="GTX Pro", family="GTX", prices=[crm.Money("4821", "USD")]))
    setup = db.create_product(crm.Product(code="SETUP", name="Setup", family="Services", prices=[crm.Money("19.99", "USD")]))
    o = crm.Opportunity(title="Big deal", owner="ann", lines=[pro.id])
    o.add_line(setup.id, quantity=Decimal("1.5"), discount="12.5", description="on site")
    o = db.create_opportunity(o)
    # 4821.00 + 19.99 x 1.5 x 0.875 = 4821.00 + 26.236875 -> 4847.24
    assert o.amount == crm.Money("4847.24", "USD")
    assert o.lines == [
        crm.LineItem(pro.id, Decimal("1"), crm.Money("4821", "USD"), Decimal("0"), "", crm.Money("4821", "USD")),
        crm.LineItem(setup.id, Decimal("1.5"), crm.Money("19.99", "USD"), Decimal("12.5"), "on site", crm.Money("26.24", "USD")),
    ]
    assert db.deals_with_product(pro.id) == 1
    with pytest.raises(crm.DependentsError, match="deactivate it instead"):
        db.delete_product(pro.id)
    with pytest.raises(crm.InvalidError, match="quantity: 0.0001 has more than 3 decimals"):
        crm.Opportunity(title="x", lines=[crm.LineItem(pro.id, "0.0001")])
    with pytest.raises(crm.InvalidError, match=r"lines\[0\].product: product 999 does not exist"):
        db.create_opportunity(crm.Opportunity(title="x", lines=[999]))
    with pytest.raises(crm.InvalidError, match=r"lines\[0\].unit_price: product \d+ \(SETUP\) has no list price in EUR"):
        db.create_opportunity(crm.Opportunity(title="x", amount=crm.Money("0", "EUR"), lines=[setup.id]))
    assert db.count_opportunities() == 1
    # A patch adds a line; the amount follows.
    more = db.opportunity(o.id)
    more.lines = [crm.LineItem(setup.id, 2, crm.Money("10", "USD"))]
    o = db.update_opportunity(more, fields=["+lines"])
    assert len(o.lines) == 3 and o.amount == crm.Money("4867.24", "USD")
    # Queries read the product's code and family.
    assert [d.id for d in db.search_opportunities("product.family = 'Services'")] == [o.id]
    assert db.count("opportunity", "product = 'nope'") == 0


def test_product_sales_report(db):
    a = db.create_product(crm.Product(code="A", name="A", family="F", prices=[crm.Money("10", "USD")]))
    b = db.create_product(crm.Product(code="B", name="B", family="F", prices=[crm.Money("3", "USD")]))
    want: dict = {}
    for i, (owner, lines, fate) in enumerate([("ann", [a.id, a.id, b.id], "won"), ("ann", [b.id], "lost"),
                                             ("bob", [crm.LineItem(a.id, 3)], "won"), ("bob", [b.id], "open")]):
        o = db.create_opportunity(crm.Opportunity(title=f"d{i}", owner=owner, lines=lines))
        if fate == "won":
            db.win_opportunity(o.id)
        elif fate == "lost":
            db.lose_opportunity(o.id, "price")
    report = db.product_sales(group_by="owner")
    got = {(r["group"], r["code"]): (r["won"], r["won_amount"], r["lost"], r["open"]) for r in report.rows}
    assert got == {("ann", "A"): (1, 2000, 0, 0), ("ann", "B"): (1, 300, 1, 0),
                   ("bob", "A"): (1, 3000, 0, 0), ("bob", "B"): (0, 0, 0, 1)}
    assert report.rows[0]["won_quantity"] == 2.0


def test_maven_catalog_and_deal_lines_by_import(db):
    import csv
    from collections import defaultdict

    from conftest import MAVEN, maven_pipeline

    job = db.import_file(MAVEN / "products.csv", preset="maven_products")
    assert job.records == "products" and job.counts.created == 7
    maven_pipeline(db)
    deals = db.import_file(MAVEN / "sales_pipeline.csv", preset="maven_pipeline", pipeline="MavenTech",
                           columns={"product": "product"})
    assert deals.counts.failed == 0
    with open(MAVEN / "products.csv", newline="") as f:
        series = {r["product"]: r["series"] for r in csv.DictReader(f)}
    want: dict = defaultdict(Decimal)
    with open(MAVEN / "sales_pipeline.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["deal_stage"] == "Won":  # the file's "GTXPro" is the catalog's "GTX Pro"
                want[series["GTX Pro" if r["product"] == "GTXPro" else r["product"]]] += Decimal(r["close_value"])
    report = db.product_sales(group_by="product.family")
    got: dict = defaultdict(Decimal)
    for row in report.rows:
        got[row["group"]] += Decimal(row["won_amount"]) / 100
    assert got == want


def test_scores_read_the_products(db):
    db.set_scoring_options(["product.family"], minimum_closed=2)
    a = db.create_product(crm.Product(code="A", name="A", family="Hardware", prices=[crm.Money("10", "USD")]))
    b = db.create_product(crm.Product(code="B", name="B", family="Services", prices=[crm.Money("5", "USD")]))
    for lines, won in (([a.id], True), ([a.id], True), ([b.id], False), ([a.id, b.id], False)):
        o = db.create_opportunity(crm.Opportunity(title="d", lines=lines))
        db.win_opportunity(o.id) if won else db.lose_opportunity(o.id, "price")
    score = db.score_deal(db.create_opportunity(crm.Opportunity(title="new", lines=[a.id])).id)
    hardware = [f for f in score.factors if f.field == "product.family"][0]
    assert (hardware.value, hardware.won, hardware.lost) == ("Hardware", 2, 1) and hardware.weight > 0


def test_the_catalog_exports_and_imports_back(db, tmp_path):
    db.create_product(crm.Product(code="A", name="Alpha", family="F", prices=[crm.Money("10", "USD"), crm.Money("9", "EUR")]))
    db.create_product(crm.Product(code="B", name="Beta", active=False))
    path = tmp_path / "catalog.csv"
    assert db.export(path, records="products") == 2
    with pytest.raises(crm.InvalidError, match="products are exported whole"):
        db.export(tmp_path / "x.csv", records="products", where="id = 1")
    with crm.open(tmp_path / "other.crm") as other:
        assert other.import_file(path, records="products").counts.created == 2
        assert [(p.code, p.name, p.active, p.prices) for p in other.products()] == [
            ("A", "Alpha", True, [crm.Money("10", "USD"), crm.Money("9", "EUR")]), ("B", "Beta", False, [])]
