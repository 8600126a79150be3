"""Lead conversion through the package: an organization created from the lead's company, a deal
with the lead as contact, the campaign the lead responded to credited with the won deal; and a
conversion that fails halfway writing nothing."""
import pytest

import crm

from conftest import person


def test_convert_a_lead_keeping_its_campaign_history(db):
    lead = person("Ann", "Lee", email="ann@acme-rockets.test")
    lead.stage = crm.LifecycleStage.LEAD
    lead.custom = {"company": "Acme Rockets"}
    lead = db.create_customer(lead)
    webinar = db.create_campaign(crm.Campaign(name="Webinar"))
    db.add_to_campaign(webinar.id, lead.id, status="responded")
    done = db.convert_lead(lead.id, role="CTO", deal="Acme rollout", amount=crm.Money("12000", "EUR"))
    assert done.organization_created and done.organization.display_name == "Acme Rockets"
    assert done.person.id == lead.id and done.person.stage == crm.LifecycleStage.OPPORTUNITY
    assert done.opportunity.customer == done.organization.id
    assert db.deal_touches(done.opportunity.id) == [webinar.id]
    db.win_opportunity(done.opportunity.id)
    row = db.campaign_attribution().rows[0]
    assert row["won_value"] == 1_200_000 and row["currency"] == "EUR"  # minor units
    with pytest.raises(crm.ConflictError, match="stage"):
        db.convert_lead(lead.id)
    other = db.create_customer(person("Bob", "Ray", email="bob@globex.test"))
    before = len(list(db.changes()))
    with pytest.raises(crm.NotFoundError):
        db.convert_lead(other.id, company="Globex", deal="x", pipeline=77)
    with pytest.raises(crm.InvalidError, match="stage"):
        db.convert_lead(other.id, stage="soon")
    assert len(list(db.changes())) == before
    again = db.convert_lead(other.id, organization=done.organization.id)
    assert not again.organization_created and again.organization.id == done.organization.id
    assert again.opportunity is None and again.person.stage == crm.LifecycleStage.PROSPECT
    assert db.verify().ok
