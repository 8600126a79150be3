"""Exchange rates and reports in a reporting currency through the package."""
import datetime as dt
from decimal import Decimal

import pytest

import crm

UTC = dt.timezone.utc


def test_rates_conversion_and_a_report_in_one_currency(db):
    db.set_exchange_rate("eur", "USD", Decimal("1.10"), dt.datetime(2024, 1, 1, tzinfo=UTC))
    db.set_exchange_rate("EUR", "USD", "1.05", dt.datetime(2024, 7, 1, tzinfo=UTC))
    rates = db.exchange_rates("EUR")
    assert [(r.from_currency, r.to_currency, r.rate) for r in rates] == [("EUR", "USD", Decimal("1.1")),
                                                                          ("EUR", "USD", Decimal("1.05"))]
    assert rates[1].effective == dt.datetime(2024, 7, 1, tzinfo=UTC)
    assert db.convert_money(crm.Money("10.01", "EUR"), "usd", dt.datetime(2024, 3, 1, tzinfo=UTC)) == crm.Money("11.01", "USD")
    assert db.convert_money(crm.Money("0.10", "EUR"), "USD", dt.datetime(2024, 8, 1, tzinfo=UTC)) == crm.Money("0.11", "USD")
    with pytest.raises(crm.ConflictError, match="no exchange rate from EUR to USD in effect on 2023-12-31"):
        db.convert_money(crm.Money("1", "EUR"), "USD", dt.datetime(2023, 12, 31, tzinfo=UTC))
    with pytest.raises(crm.InvalidError, match="rate: '1,5'"):
        db.set_exchange_rate("GBP", "USD", "1,5", dt.datetime(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(crm.InvalidError, match="rate: expected"):
        db.set_exchange_rate("GBP", "USD", 1.5, dt.datetime(2024, 1, 1, tzinfo=UTC))

    won = []
    for amount in (crm.Money("100.00", "EUR"), crm.Money("40.00", "USD")):
        o = db.create_opportunity(crm.Opportunity(title="d", owner="ann", amount=amount))
        won.append(db.win_opportunity(o.id))
    rate = db.exchange_rates("EUR")[-1].rate  # in effect now
    report = db.win_rate(currency="USD")
    assert [(r["currency"], r["won_amount"]) for r in report.rows] == [("USD", int(10000 * rate) + 4000)]
    assert len(db.win_rate().rows) == 2  # per currency without one
    with pytest.raises(crm.ConflictError, match="from EUR to GBP"):
        db.win_rate(currency="GBP")
    db.delete_exchange_rate("EUR", "USD", dt.datetime(2024, 7, 1, tzinfo=UTC))
    with pytest.raises(crm.NotFoundError):
        db.delete_exchange_rate("EUR", "USD", dt.datetime(2024, 7, 1, tzinfo=UTC))
    assert [r.rate for r in db.exchange_rates(to_currency="USD")] == [Decimal("1.1")]
