"""`crm campaign`: a campaign with its own statuses, members from a segment, and its audience."""
from test_cli import js, run


def test_campaigns_from_the_shell(tmp_path):
    run(tmp_path, "init")
    js(tmp_path, "customer", "add", "--given", "Ann", "--family", "Lee", "--email", "ann@example.com")
    js(tmp_path, "customer", "add", "--given", "Bob", "--family", "Ray", "--email", "bob@example.com")
    js(tmp_path, "customer", "add", "--given", "Cat", "--family", "Day")
    run(tmp_path, "consent", "record", "1", "marketing")
    js(tmp_path, "segment", "add", "everyone", "--filter", "family_name is not empty")
    spring = js(tmp_path, "campaign", "add", "Spring", "--budget", "5000 EUR")[0]
    assert (spring["budget"], spring["default_status"]) == ("5000.00 EUR", "sent")
    event = js(tmp_path, "campaign", "add", "User day", "--status", "invited", "--status", "attended:responded",
               "--parent", "1")[0]
    assert event["statuses"] == [{"name": "invited", "responded": False}, {"name": "attended", "responded": True}]
    assert "added 3 to campaign 1" in run(tmp_path, "campaign", "add-segment", "1", "1").stdout
    assert js(tmp_path, "campaign", "add-members", "2", "1", "--status", "attended")["added"] == 1
    assert "customers[1]: customer 9 does not exist" in run(tmp_path, "campaign", "add-members", "2", "2", "9", code=1).stderr
    assert "is not a status of campaign 2" in run(tmp_path, "campaign", "add-members", "2", "2", "--status", "won",
                                                  code=1).stderr
    member = js(tmp_path, "campaign", "status", "1", "2", "responded")["members"][0]
    assert member["responded"] and member["first_responded_at"]
    page = js(tmp_path, "campaign", "members", "1", "--limit", "2")
    assert [m["customer"] for m in page["members"]] == [1, 2] and page["next_page"]
    audience = js(tmp_path, "campaign", "audience", "1")
    assert (audience["sendable"], audience["excluded"]) == (1, 2)
    assert [(a["customer"], a["verdict"]) for a in audience["audience"]] == [
        (1, "allowed"), (2, "no_consent"), (3, "no_address")]
    assert "1 sendable, 2 excluded" in run(tmp_path, "campaign", "audience", "1").stdout
    assert [m["campaign"] for m in js(tmp_path, "campaign", "of", "1")["members"]] == [1, 2]
    # Bob responded to Spring, then bought: Spring gets the deal's value.
    run(tmp_path, "opportunity", "add", "renewal", "--customer", "2", "--amount", "1200.50", "--currency", "EUR")
    run(tmp_path, "opportunity", "close", "1", "--won")
    assert js(tmp_path, "campaign", "touches", "1")["campaigns"] == [1]
    rows = {r["campaign"]: r for r in js(tmp_path, "campaign", "attribution", "--model", "linear")["rows"]}
    assert rows[1]["won_value"] == 120050 and rows[1]["currency"] == "EUR" and rows[1]["cost"] == "5000.00 EUR"
    assert rows[2]["won_value"] == 0
    assert "campaign attribution (first_touch)" in run(tmp_path, "campaign", "attribution").stdout
    assert "has child campaign 2" in run(tmp_path, "campaign", "delete", "1", code=1).stderr
    assert js(tmp_path, "campaign", "event", "1", "1", "sent")["kind"] == "sent"
    run(tmp_path, "campaign", "event", "1", "1", "clicked", "--detail", "https://example.com/offer")
    assert [e["kind"] for e in js(tmp_path, "campaign", "events", "1", "1")] == ["sent", "clicked"]
    assert "is not sent, delivered" in run(tmp_path, "campaign", "event", "1", "1", "liked", code=1).stderr
    run(tmp_path, "campaign", "event", "1", "1", "opted_out")
    assert js(tmp_path, "campaign", "events", "1")["opted_out"] == 1
    assert js(tmp_path, "campaign", "audience", "1")["audience"][0]["verdict"] == "withdrawn"
    assert "removed 1 from campaign 1" in run(tmp_path, "campaign", "remove-members", "1", "3").stdout
    assert [c["members"] for c in js(tmp_path, "campaign", "list")] == [2, 1]
