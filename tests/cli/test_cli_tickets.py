"""`crm ticket`, `crm calendar`, `crm sla`: a ticket timed on a calendar with a holiday, paused
while pending, answered, solved and rated, and the service report."""
from test_cli import js, run


def test_tickets_from_the_shell(tmp_path):
    run(tmp_path, "init")
    js(tmp_path, "customer", "add", "--given", "Ann", "--family", "Lee")
    team = js(tmp_path, "team", "add", "Support")
    cal = js(tmp_path, "calendar", "add", "Office", "--zone", "UTC", "--hours", "mon-fri 09:00-17:00",
             "--holiday", "2025-12-25:Christmas", "--team", str(team["id"]))[0]
    assert len(cal["hours"]) == 5 and cal["holidays"] == [{"date": "2025-12-25", "name": "Christmas"}]
    assert "--hours: 'someday 9-5'" in run(tmp_path, "calendar", "add", "Bad", "--hours", "someday 9-5", code=1).stderr
    assert "time_zone" in run(tmp_path, "calendar", "add", "Bad", "--zone", "Mars/Olympus", "--hours",
                              "mon 09:00-10:00", code=1).stderr
    policy = js(tmp_path, "sla", "add", "Standard", "--first-response", "60", "--resolution", "600")[0]
    assert policy["pause_statuses"] == ["pending", "on_hold"] and policy["priorities"] == []
    assert "target" in run(tmp_path, "sla", "add", "Empty", code=1).stderr

    t = js(tmp_path, "ticket", "open", "1", "The invoice is wrong", "--team", str(team["id"]), "--priority", "high",
           "--opened", "2025-12-24T16:00:00Z")
    assert t["status"] == "new" and t["due_at"] == "2025-12-24T17:00:00Z"
    assert [m["due_at"] for m in t["milestones"]] == ["2025-12-24T17:00:00Z", "2025-12-29T10:00:00Z"]
    assert "--priority: 'asap'" in run(tmp_path, "ticket", "open", "1", "x", "--priority", "asap", code=1).stderr
    due = js(tmp_path, "ticket", "breaching")["tickets"]
    assert [(d["ticket"], d["metric"]) for d in due] == [(1, "first_response")]
    run(tmp_path, "ticket", "reply", "1", "Looking into it.", "--at", "2025-12-26T09:30:00Z")
    t = js(tmp_path, "ticket", "status", "1", "pending", "--at", "2025-12-26T11:00:00Z")
    assert t["milestones"][0]["violated"] and t["due_at"] == ""
    t = js(tmp_path, "ticket", "status", "1", "open", "--at", "2025-12-29T14:00:00Z")
    assert t["milestones"][1]["due_at"] == "2025-12-30T13:00:00Z"
    js(tmp_path, "ticket", "status", "1", "solved", "--at", "2025-12-30T12:00:00Z")
    assert js(tmp_path, "ticket", "rate", "1", "4", "--comment", "fine")[0]["satisfaction"] == 4
    assert "is not 1 to 5" in run(tmp_path, "ticket", "rate", "1", "9", code=1).stderr
    assert [e["author_kind"] for e in js(tmp_path, "ticket", "entries", "1")] == ["agent"]
    assert [x["id"] for x in js(tmp_path, "ticket", "list", "1")] == [1]
    rows = js(tmp_path, "ticket", "report")["rows"]
    assert rows[0]["team_name"] == "Support" and rows[0]["first_response_violated"] == 1
    assert rows[-1]["resolution_met"] == 1 and rows[-1]["csat_average"] == 4.0
    assert "first_response_attainment" in run(tmp_path, "ticket", "report").stdout
    assert "VIOLATED" in run(tmp_path, "ticket", "get", "1").stdout
    run(tmp_path, "ticket", "status", "1", "closed")
    assert "is closed" in run(tmp_path, "ticket", "status", "1", "open", code=1).stderr
    assert [c["name"] for c in js(tmp_path, "calendar", "list")] == ["Office"]
    assert [p["name"] for p in js(tmp_path, "sla", "list")] == ["Standard"]
    assert "deleted ticket 1" in run(tmp_path, "ticket", "delete", "1").stdout
    assert "ticket 1 does not exist" in run(tmp_path, "ticket", "get", "1", code=1).stderr


def test_lead_conversion_from_the_shell(tmp_path):
    run(tmp_path, "init")
    js(tmp_path, "customer", "add", "--given", "Ann", "--family", "Lee", "--email", "ann@acme-rockets.test",
       "--stage", "lead", "--custom", "company=Acme Rockets")
    done = js(tmp_path, "lead", "convert", "1", "--role", "CTO", "--deal", "Acme rollout", "--amount", "12000",
              "--currency", "EUR")
    assert done["organization_created"] and done["organization"]["display_name"] == "Acme Rockets"
    assert done["person"]["stage"] == "opportunity" and done["opportunity"] == 1
    assert "only a subscriber or a lead" in run(tmp_path, "lead", "convert", "1", code=1).stderr
    js(tmp_path, "customer", "add", "--given", "Bob", "--family", "Ray", "--stage", "lead")
    out = run(tmp_path, "lead", "convert", "3", "--organization", "2").stdout
    assert "customer 3 is now at stage prospect, a member of organization 2 (Acme Rockets)" in out
