"""`crm duplicates merge`, `merges` and `unmerge`: a merge as a person runs it, and its undoing."""
import json

from test_cli import js, run


def test_merge_listed_and_unmerged(tmp_path):
    run(tmp_path, "init")
    js(tmp_path, "customer", "add", "--given", "Ann", "--family", "Lee", "--email", "ann@acme.com", "--tag", "vip")
    js(tmp_path, "customer", "add", "--given", "Anne", "--family", "Lee", "--email", "anne@home.org", "--city", "Berlin")
    js(tmp_path, "customer", "add", "--given", "Annie", "--family", "Lee", "--email", "annie@lee.net")
    assert "--take: expected FIELD=CUSTOMER_ID" in run(tmp_path, "duplicates", "merge", "1", "2", "--take", "address",
                                                       code=1).stderr
    assert "customer 9 does not exist" in run(tmp_path, "duplicates", "merge", "1", "9", code=1).stderr
    assert "is the survivor" in run(tmp_path, "duplicates", "merge", "1", "1", code=1).stderr
    out = run(tmp_path, "duplicates", "merge", "1", "2", "3", "--take", "given_name=2").stdout
    assert out.startswith("merged 2, 3 into 1 (Anne Lee): merge 1; moved 0 interactions")
    assert "crm duplicates unmerge 1 undoes it" in out
    got = run(tmp_path, "customer", "get", "2", "--json")  # a merged id resolves to the survivor
    assert got.stderr == "crm: customer 2 was merged into customer 1\n"
    survivor = json.loads(got.stdout)
    assert survivor["id"] == 1 and survivor["given_name"] == "Anne" and survivor["address"]["city"] == "Berlin"
    assert [e["address"] for e in survivor["emails"]] == ["ann@acme.com", "anne@home.org", "annie@lee.net"]
    merges = js(tmp_path, "duplicates", "merges", "1")
    assert [(m["merge"], m["losers"]) for m in merges] == [(1, [2, 3])]
    assert run(tmp_path, "duplicates", "merges", "1").stdout.splitlines()[0].split() == ["merge", "merged", "by", "moved"]
    assert "no merge into customer 2 to undo" in run(tmp_path, "duplicates", "merges", "2").stdout
    unmerged = js(tmp_path, "duplicates", "unmerge", "1")
    assert unmerged["losers"] == [2, 3]
    assert js(tmp_path, "customer", "get", "2")["given_name"] == "Anne"
    assert js(tmp_path, "customer", "get", "1")["given_name"] == "Ann"
    assert "merge 1 does not exist" in run(tmp_path, "duplicates", "unmerge", "1", code=1).stderr
