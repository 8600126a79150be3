#!/usr/bin/env python3
"""libcrm from Python in one page: customers, a timeline, a deal through the pipeline, the feed.

    pip install ./bindings/python        # see the README
    python3 examples/python/quickstart.py [DATABASE]

Without DATABASE it works in a temporary directory. Running it again on the same database
updates the same customers (upsert by external id) and adds to their timelines.
"""
import datetime as dt
import sys
import tempfile
from pathlib import Path

import crm

UTC = dt.timezone.utc


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "quickstart.crm"
    with crm.open(path, actor="quickstart") as db:
        # One write transaction: committed when the block ends, rolled back if it raises.
        with db.write(actor="ann") as txn:
            acme = txn.upsert_customer(
                crm.Customer(kind=crm.Kind.ORGANIZATION, display_name="Acme Corporation", external_id="acme",
                             city="Springfield", country="US", stage=crm.LifecycleStage.CUSTOMER)  # fmt: skip
            )
            ada = txn.upsert_customer(
                crm.Customer(
                    given_name="Ada", family_name="Lovelace", external_id="ada",
                    emails=[crm.Email("ada@acme.example", "work", primary=True)],
                    phones=["+1 (555) 010-0199"], tags=["vip", "engineering"], owner="ann",
                    memberships=[crm.Membership(acme.id, "CTO")],
                )
            )  # fmt: skip
            ada.custom["plan"] = "enterprise"
            ada.custom["seats"] = 40
            ada.custom["mrr"] = crm.Money("4990.00", "USD")
            txn.update_customer(ada)
            txn.log_interaction(
                crm.Interaction(customer=ada.id, kind=crm.InteractionKind.CALL, direction=crm.Direction.OUTBOUND,
                                subject="Renewal call", body="Wants 10 more seats.", duration_seconds=900,
                                occurred_at=dt.datetime.now(UTC))  # fmt: skip
            )

        # Lookups are one-shot calls; a miss is None with get_*, NotFoundError (a KeyError) otherwise.
        found = db.customer_by_email("ADA@acme.example")
        print(f"{found.display_name} <{found.email}> {found.stage.name.lower()}, tags {found.tags}")
        print("  custom:", dict(found.custom))
        print("  by phone:", [c.display_name for c in db.customers_by_phone("5550100199")])
        print("  members of Acme:", [c.display_name for c in db.customers(organization=acme.id)])
        print("  missing:", db.get_customer_by_email("nobody@example.com"))

        # A deal through the default pipeline, stage by name.
        deal = db.create_opportunity(
            crm.Opportunity(title="Acme renewal", customer=ada.id, amount=crm.Money("59880", "USD")), actor="ann"
        )
        db.move_opportunity(deal.id, "Proposal", actor="ann")
        deal = db.win_opportunity(deal.id, actor="bob")
        stages = {s.id: s.name for s in db.pipeline().stages}
        print(f"deal {deal.title!r} {deal.amount}: " + " -> ".join(stages[h.to_stage] for h in deal.history))

        # The timeline is a lazy iterator, newest first.
        for item in db.timeline(ada.id):
            print(f"  {item.occurred_at:%Y-%m-%d %H:%M} {item.kind.name.lower()}: {item.subject}")

        # Every write is in the change feed, field by field.
        for change in db.field_history(crm.Entity.CUSTOMER, ada.id, "custom.plan"):
            print(f"  #{change.seq} {change.actor} set plan to {change.fields[0].after!r}")
        print(f"{db.count_customers()} customers, last change #{db.last_change_seq()}, in {path}")


if __name__ == "__main__":
    main()
