"""`crm duplicates merge`, `merges`, `unmerge` and `finalize`: a merge as a person runs it, its
undoing, and making merges final."""
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
    assert run(tmp_path, "duplicates", "merges", "1").stdout.splitlines()[0].split() == ["merge", "merged", "by", "moved",
                                                                                         "state"]
    assert merges[0]["final_at"] is None
    assert "no merge into customer 2 is kept" in run(tmp_path, "duplicates", "merges", "2").stdout
    unmerged = js(tmp_path, "duplicates", "unmerge", "1")
    assert unmerged["losers"] == [2, 3]
    assert js(tmp_path, "customer", "get", "2")["given_name"] == "Anne"
    assert js(tmp_path, "customer", "get", "1")["given_name"] == "Ann"
    assert "merge 1 does not exist" in run(tmp_path, "duplicates", "unmerge", "1", code=1).stderr


def test_finalize_one_merge_or_those_made_before_a_time(tmp_path):
    run(tmp_path, "init")
    for given, email in (("Ann", "ann@acme.com"), ("Anne", "anne@home.org"), ("Bo", "bo@lee.net"), ("Bob", "bob@lee.net")):
        js(tmp_path, "customer", "add", "--given", given, "--family", "Lee", "--email", email)
    run(tmp_path, "duplicates", "merge", "1", "2")
    run(tmp_path, "duplicates", "merge", "3", "4")
    assert "give a merge's number or --before" in run(tmp_path, "duplicates", "finalize", code=1).stderr
    assert "not both" in run(tmp_path, "duplicates", "finalize", "1", "--before", "now", code=1).stderr
    assert "--before" in run(tmp_path, "duplicates", "finalize", "--before", "yesterday-ish", code=1).stderr
    out = run(tmp_path, "duplicates", "finalize", "1").stdout
    assert out.startswith("merge 1 is final (since ") and "records of customers 2" in out
    assert "was made final" in run(tmp_path, "duplicates", "unmerge", "1", code=1).stderr
    assert js(tmp_path, "customer", "get", "2")["id"] == 1  # the redirect stays
    assert js(tmp_path, "duplicates", "merges", "1")[0]["final_at"] is not None
    assert "final since" in run(tmp_path, "duplicates", "merges", "1").stdout
    listed = json.loads(run(tmp_path, "privacy", "export", "1").stdout)["merges"]
    assert listed[0]["merged_customer_ids"] == [2] and "merged_customers" not in listed[0]
    assert js(tmp_path, "duplicates", "finalize", "--before", "2000-01-01") == {"finalized": 0}
    out = run(tmp_path, "duplicates", "finalize", "--before", "now", "--limit", "1").stdout
    assert out.startswith("1 merge made before ") and out.endswith(" is final\n"), out
    assert js(tmp_path, "duplicates", "merges", "3")[0]["final_at"] is not None
    assert "limit" in run(tmp_path, "duplicates", "finalize", "--before", "now", "--limit", "0", code=1).stderr
