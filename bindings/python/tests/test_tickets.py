"""Tickets through the package: a calendar with a holiday, policies, a ticket whose SLA clock
crosses the holiday and a weekend and pauses while pending (deadlines worked out with zoneinfo,
not with the engine), the conversation, what breaches soon, the service report and refusals."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

import crm

from conftest import person

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def test_sla_clock_across_a_holiday_a_weekend_and_a_pause(db):
    office = db.create_calendar(crm.BusinessCalendar(name="Paris office", time_zone="Europe/Paris",
                                                     hours=crm.office_hours(), holidays=[("2025-12-25", "Christmas")]))
    assert office.hours[0] == crm.WorkingHours(1, 540, 1020) and office.holidays == [crm.Holiday("2025-12-25", "Christmas")]
    policy = db.create_sla_policy(crm.SlaPolicy(name="Standard", first_response_minutes=60, resolution_minutes=600))
    assert policy.pause_statuses == [crm.TicketStatus.PENDING, crm.TicketStatus.ON_HOLD]
    ann = db.create_customer(person("Ann", "Martin"))
    t = db.open_ticket(crm.Ticket(customer=ann.id, subject="The invoice is wrong", opened_at=paris(2025, 12, 24, 16)))
    assert t.status == crm.TicketStatus.NEW and t.priority == crm.Priority.NORMAL
    first, resolution = t.milestones
    assert first.metric == crm.SlaMetric.FIRST_RESPONSE and first.policy == policy.id
    assert first.due_at == paris(2025, 12, 24, 17)
    assert resolution.due_at == paris(2025, 12, 29, 10)  # 1 h, holiday, 8 h, weekend, 1 h
    assert t.due_at == first.due_at
    timeline = list(db.timeline(ann.id))
    assert [i.id for i in timeline] == [t.interaction] and timeline[0].kind == crm.InteractionKind.SUPPORT_TICKET

    db.add_ticket_entry(t.id, "Looking into it.", author_kind="agent", at=paris(2025, 12, 26, 9, 30))
    t = db.set_ticket_status(t.id, "pending", at=paris(2025, 12, 26, 11))
    assert t.first_response_at == paris(2025, 12, 26, 9, 30)
    assert t.milestones[0].violated and t.milestones[0].elapsed_seconds == 90 * 60
    assert t.milestones[1].due_at is None and t.due_at is None
    assert list(db.tickets_breaching()) == []
    t = db.set_ticket_status(t, crm.TicketStatus.OPEN, at=paris(2025, 12, 29, 14))
    assert t.milestones[1].due_at == paris(2025, 12, 30, 13)
    [due] = db.tickets_breaching()
    assert due.ticket == t.id and due.due_at == paris(2025, 12, 30, 13) and due.metric == crm.SlaMetric.RESOLUTION
    t = db.set_ticket_status(t, "solved", at=paris(2025, 12, 30, 12))
    assert not t.milestones[1].violated and t.milestones[1].completed_at == paris(2025, 12, 30, 12)
    t = db.rate_ticket(t, 5, "Thanks")
    assert t.satisfaction == 5 and t.satisfaction_comment == "Thanks"
    assert [h.status for h in t.history] == [crm.TicketStatus.NEW, crm.TicketStatus.PENDING, crm.TicketStatus.OPEN,
                                             crm.TicketStatus.SOLVED]
    [entry] = db.ticket_entries(t.id)
    assert entry.author_kind == crm.Author.AGENT and entry.body == "Looking into it."
    assert db.business_seconds(office.id, paris(2025, 12, 24, 16), paris(2025, 12, 29, 10)) == 10 * 3600
    assert db.add_business_seconds(office.id, paris(2025, 12, 24, 16), 3600) == paris(2025, 12, 24, 17)
    report = db.service_report()
    assert report.rows[-1]["team_name"] == "all" and report.rows[-1]["tickets"] == 1
    assert report.rows[-1]["first_response_violated"] == 1 and report.rows[-1]["resolution_met"] == 1
    assert db.verify().ok


def test_policies_match_and_writes_refuse_bad_input(db):
    support = db.create_team(crm.Team(name="Support"))
    urgent = db.create_sla_policy(crm.SlaPolicy(name="Urgent", priorities=["urgent"], teams=[support.id],
                                                first_response_minutes=30))
    assert urgent.priorities == [crm.Priority.URGENT] and urgent.teams == [support.id]
    ann = db.create_customer(person("Ann", "Lee"))
    opened = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
    plain = db.open_ticket(crm.Ticket(customer=ann.id, subject="Question", opened_at=opened, team=support.id))
    assert plain.milestones == [] and plain.due_at is None
    hot = db.open_ticket(crm.Ticket(customer=ann.id, subject="Down", opened_at=opened, team=support.id,
                                    priority="urgent"))
    assert hot.due_at == opened + dt.timedelta(minutes=30)  # no calendar: around the clock
    plain.priority = crm.Priority.URGENT
    plain = db.update_ticket(plain)
    assert plain.due_at == opened + dt.timedelta(minutes=30)
    assert [t.id for t in db.tickets_of(ann.id)] == [hot.id, plain.id]
    assert [d.ticket for d in db.tickets_breaching(team=support.id)] == [plain.id, hot.id]

    with pytest.raises(crm.InvalidError, match="time_zone"):
        db.create_calendar(crm.BusinessCalendar(name="x", time_zone="Mars/Olympus", hours=crm.office_hours()))
    with pytest.raises(crm.InvalidError, match=r"holidays\[0\].date"):
        db.create_calendar(crm.BusinessCalendar(name="x", hours=crm.office_hours(), holidays=["2025-02-30"]))
    with pytest.raises(crm.InvalidError, match="priorities"):
        crm.SlaPolicy(name="x", priorities=["soon"])
    with pytest.raises(crm.InvalidError, match="target"):
        db.create_sla_policy(crm.SlaPolicy(name="x"))
    with pytest.raises(crm.InvalidError, match="subject"):
        db.open_ticket(crm.Ticket(customer=ann.id))
    with pytest.raises(crm.NotFoundError):
        db.open_ticket(crm.Ticket(customer=999, subject="Hi"))
    with pytest.raises(crm.ConflictError, match="solved or closed"):
        db.rate_ticket(hot.id, 4)
    with pytest.raises(crm.InvalidError, match="status"):
        db.set_ticket_status(hot.id, "done")
    db.set_ticket_status(hot.id, "closed")
    with pytest.raises(crm.ConflictError, match="closed"):
        db.set_ticket_status(hot.id, "open")
    with pytest.raises(AttributeError):
        hot.due_at = opened
    db.delete_ticket(hot.id)
    assert db.get_ticket(hot.id) is None
    assert [c.entity for c in db.changes()].count(crm.Entity.TICKET) >= 4
    assert db.verify().ok
