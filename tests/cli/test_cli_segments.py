"""`crm segment`: manual, dynamic and snapshot segments as a person uses them from a shell."""
from test_cli import js, run


def test_segments_from_the_shell(tmp_path):
    run(tmp_path, "init")
    js(tmp_path, "customer", "add", "--given", "Ann", "--family", "Lee", "--tag", "vip", "--country", "DE")
    js(tmp_path, "customer", "add", "--given", "Bob", "--family", "Ray", "--country", "FR")
    vips = js(tmp_path, "segment", "add", "German VIPs", "--filter", "country = 'de' and tag = 'VIP'")
    assert (vips[0]["kind"], vips[0]["members"]) == ("dynamic", 1)
    assert js(tmp_path, "segment", "add", "Newsletter")[0]["kind"] == "manual"
    assert "added 2 to segment 2 (Newsletter)" in run(tmp_path, "segment", "add-members", "newsletter", "1", "2").stdout
    assert run(tmp_path, "segment", "members", "2").stdout.split() == ["1", "2"]
    page = js(tmp_path, "segment", "members", "Newsletter", "--limit", "1")
    assert page["members"] == [1] and page["next_page"]
    assert js(tmp_path, "segment", "members", "2", "--limit", "1", "--page", page["next_page"])["members"] == [2]
    assert run(tmp_path, "segment", "has", "German VIPs", "2").stdout == "no\n"
    js(tmp_path, "customer", "update", "2", "--tag", "vip", "--country", "DE")
    assert run(tmp_path, "segment", "has", "German VIPs", "2").stdout == "yes\n"
    frozen = js(tmp_path, "segment", "snapshot", "German VIPs", "VIPs then")[0]
    assert frozen["kind"] == "snapshot" and frozen["frozen_from"] == 1 and frozen["members"] == 2
    assert [s["name"] for s in js(tmp_path, "segment", "of", "2")] == ["German VIPs", "Newsletter", "VIPs then"]
    assert js(tmp_path, "segment", "set", "1", "--filter", "country = 'FR'")[0]["members"] == 0
    assert "only a manual segment" in run(tmp_path, "segment", "add-members", "1", "2", code=1).stderr
    assert "filter: at" in run(tmp_path, "segment", "add", "bad", "--filter", "country =", code=1).stderr
    assert "customers[0]: customer 9 does not exist" in run(tmp_path, "segment", "add-members", "2", "9", code=1).stderr
    assert "no segment is named 'nope'" in run(tmp_path, "segment", "get", "nope", code=1).stderr
    assert "removed 1 from segment 2" in run(tmp_path, "segment", "remove-members", "2", "1").stdout
    assert "deleted segment 3 (VIPs then)" in run(tmp_path, "segment", "delete", "VIPs then").stdout
    assert [s["name"] for s in js(tmp_path, "segment", "list")] == ["German VIPs", "Newsletter"]
