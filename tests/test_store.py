"""The article store on disk: identity, versions, duplicates, clusters, atomicity, crash debris."""
from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from opslens.articles import load_articles
from opslens.store import ArticleStore, minhash, signature_similarity, text_hash

WIRE = ("Russian forces launched {n} Shahed attack drones and two Iskander-M ballistic missiles at "
        "Ukraine overnight, the Ukrainian Air Force said on Tuesday morning. Air defence units shot "
        "down {d} of the drones over the Kyiv, Odesa and Mykolaiv regions, the statement said. Debris "
        "damaged a warehouse and several private houses in the south of the capital region, local "
        "officials reported, and one man was injured. Emergency crews worked through the night to "
        "put out fires at the site, and power was restored to most homes by the afternoon.")


def rec(url: str | None, text: str, published: str | None = "2024-02-20", **kw) -> dict:
    r = {"id": None, "url": url, "canonical_url": None, "title": "Overnight attack", "published": published,
         "published_source": "meta" if published else None, "source": url.split("/")[2] if url else None,
         "text": text, "authors": [], "language": "en", "fetched_at": "2024-02-20T09:00:00+00:00",
         "raw_sha256": None, "origin": "url", "extra": {}}
    r.update(kw)
    return r


def other_story(i: int) -> str:
    return (f"The city council of town number {i} approved a new budget for schools, parks and road "
            f"repairs on its session, with {i + 3} members voting in favour and the mayor promising "
            "to publish the spending plan for residents before the summer holidays begin.")


def add_all(data_dir: Path, records, batch_size: int = 100):
    with ArticleStore(data_dir).writer(batch_size=batch_size) as w:
        return [w.add(r) for r in records]


def test_same_record_twice_is_one_article(tmp_path):
    r = rec("https://wire.example.com/a", WIRE.format(n=40, d=35))
    first = add_all(tmp_path, [r])
    second = add_all(tmp_path, [r])  # a second writer (a rerun) sees the first one's article
    assert [x.status for x in first] == ["ok"]
    assert [x.status for x in second] == ["duplicate"]
    df = load_articles(data_dir=tmp_path)
    assert len(df) == 1
    assert df.loc[0, "id"] == hashlib.sha256(b"https://wire.example.com/a").hexdigest()[:16]


def test_tracking_parameters_do_not_make_a_new_article(tmp_path):
    text = WIRE.format(n=40, d=35)
    res = add_all(tmp_path, [rec("https://wire.example.com/a", text),
                             rec("https://WIRE.example.com/a?utm_source=x#top", text)])
    assert [x.status for x in res] == ["ok", "duplicate"]


def test_changed_text_at_same_url_keeps_both_versions(tmp_path):
    url = "https://wire.example.com/a"
    add_all(tmp_path, [rec(url, WIRE.format(n=40, d=35), fetched_at="2024-02-20T09:00:00Z")])
    res = add_all(tmp_path, [rec(url, WIRE.format(n=42, d=38), fetched_at="2024-02-20T15:00:00Z")])
    assert res[0].status == "new-version"
    base = hashlib.sha256(url.encode()).hexdigest()[:16]
    assert res[0].id == f"{base}-v2"

    latest = load_articles(data_dir=tmp_path)
    assert latest["id"].tolist() == [f"{base}-v2"]
    assert "42 Shahed" in latest.loc[0, "text"]

    every = load_articles(data_dir=tmp_path, latest=False).sort_values("version")
    assert every["id"].tolist() == [base, f"{base}-v2"]
    assert every["version"].tolist() == [1, 2]
    assert every["is_latest"].tolist() == [False, True]
    assert [t.hour for t in every["fetched_at"]] == [9, 15]
    # the old version again is a duplicate of nothing new: it is the superseded version
    again = add_all(tmp_path, [rec(url, WIRE.format(n=42, d=38))])
    assert again[0].status == "duplicate"


def test_same_text_at_another_url_is_merged(tmp_path):
    text = WIRE.format(n=40, d=35)
    res = add_all(tmp_path, [rec("https://a.example.com/x", text), rec("https://b.example.com/y", " " + text + "\n")])
    assert res[1].status == "duplicate" and res[1].duplicate_of == res[0].id
    assert len(load_articles(data_dir=tmp_path)) == 1


def test_empty_texts_are_not_merged_with_each_other(tmp_path):
    res = add_all(tmp_path, [rec("https://a.example.com/x", ""), rec("https://b.example.com/y", "")])
    assert [x.status for x in res] == ["ok", "ok"]


def test_record_without_url_or_text_is_an_error_not_a_crash(tmp_path):
    res = add_all(tmp_path, [rec(None, "", origin="export:x.jsonl:3"), rec("https://a.example.com/x", "body text")])
    assert res[0].status == "error" and "neither URL nor text" in res[0].message
    assert res[1].status == "ok"


def test_supplied_id_is_kept(tmp_path):
    res = add_all(tmp_path, [rec("https://a.example.com/x", "some text here", id="reuters-123")])
    assert res[0].id == "reuters-123"
    assert load_articles(data_dir=tmp_path)["id"].tolist() == ["reuters-123"]


def _shingles(text: str) -> set[str]:
    w = re.findall(r"\w+", text.lower())
    return {" ".join(w[i:i + 3]) for i in range(len(w) - 2)}


def test_minhash_estimates_jaccard_similarity():
    a = WIRE.format(n=40, d=35)
    b = WIRE.format(n=40, d=35).replace("Tuesday morning", "Tuesday") + " More details follow."
    c = other_story(1) + " " + other_story(2)
    exact_ab = len(_shingles(a) & _shingles(b)) / len(_shingles(a) | _shingles(b))
    est_ab = signature_similarity(minhash(a), minhash(b))
    assert abs(est_ab - exact_ab) < 0.2
    assert signature_similarity(minhash(a), minhash(c)) < 0.2
    assert minhash("too short") is None


def test_near_duplicate_wire_story_gets_one_cluster(tmp_path):
    wire = WIRE.format(n=40, d=35)
    copies = [
        rec("https://wire.example.com/story", wire),
        rec("https://regional.example.org/news/1", wire.replace("on Tuesday morning", "on Tuesday") + " Follow us for updates."),
        rec("https://portal.example.net/x", "KYIV (Wire) - " + wire.replace("one man was injured", "a man was hurt")),
        rec("https://council.example.com/budget", other_story(7)),
    ]
    res = add_all(tmp_path, copies)
    assert [r.status for r in res] == ["ok"] * 4
    df = load_articles(data_dir=tmp_path).set_index("url")
    wire_clusters = {df.loc[r["url"], "cluster_id"] for r in copies[:3]}
    assert wire_clusters == {res[0].id}
    assert df.loc["https://council.example.com/budget", "cluster_id"] == res[3].id


def test_month_partitions_are_a_plain_hive_dataset(tmp_path):
    add_all(tmp_path, [rec("https://a.example.com/1", "january text", "2024-01-31T23:30:00+00:00"),
                       rec("https://a.example.com/2", "february text", "2024-02-01T01:30:00+02:00"),
                       rec("https://a.example.com/3", "undated text", None)])
    months = sorted(p.name for p in (tmp_path / "articles").iterdir() if p.is_dir())
    # 01:30+02:00 on Feb 1 is Jan 31 23:30 UTC: partitions follow the UTC publication time
    assert months == ["month=2024-01", "month=unknown"]
    # any Parquet reader can read the folder directly: no custom format
    t = ds.dataset(tmp_path / "articles", format="parquet", partitioning="hive").to_table(columns=["id", "month"])
    assert sorted(t.column("month").to_pylist()) == ["2024-01", "2024-01", "unknown"]


def test_committed_part_files_are_complete_and_temp_files_are_ignored(tmp_path):
    add_all(tmp_path, [rec(f"https://a.example.com/{i}", other_story(i)) for i in range(5)], batch_size=2)
    art = tmp_path / "articles"
    files = sorted(art.glob("month=*/*.parquet"))
    assert len(files) == 3  # 2 + 2 + 1
    for f in files:
        assert pq.ParquetFile(f).metadata.num_rows in (1, 2)
    # debris as a crashed writer leaves it: a half-written temp file
    (art / "month=2024-02" / ".tmp-part-00000009-deadbeef.parquet").write_bytes(b"PAR1 half")
    assert len(load_articles(data_dir=tmp_path)) == 5
    t = ds.dataset(art, format="parquet", partitioning="hive").to_table(columns=["id"])
    assert t.num_rows == 5


def test_uncommitted_part_file_is_invisible_and_cleaned_by_next_writer(tmp_path, caplog):
    add_all(tmp_path, [rec("https://a.example.com/1", other_story(1))])
    art = tmp_path / "articles"
    committed = next(art.glob("month=*/*.parquet"))
    # a batch renamed into place but killed before the manifest was replaced
    orphan = committed.parent / "part-00000077-0badf00d.parquet"
    orphan.write_bytes(committed.read_bytes())
    assert len(load_articles(data_dir=tmp_path)) == 1
    with caplog.at_level(logging.WARNING, logger="opslens.store"):
        add_all(tmp_path, [])
    assert not orphan.exists()
    assert "part-00000077-0badf00d.parquet" in caplog.text and "interrupted ingest" in caplog.text


def test_corrupted_committed_part_file_is_reported_not_fatal(tmp_path, caplog):
    add_all(tmp_path, [rec("https://a.example.com/1", other_story(1), "2024-01-10"),
                       rec("https://a.example.com/2", other_story(2), "2024-02-10")])
    bad = next((tmp_path / "articles" / "month=2024-01").glob("*.parquet"))
    data = bad.read_bytes()
    bad.write_bytes(data[: len(data) // 2])  # torn by a disk problem
    with caplog.at_level(logging.WARNING, logger="opslens.articles"):
        df = load_articles(data_dir=tmp_path)
    assert df["url"].tolist() == ["https://a.example.com/2"]
    assert bad.name in caplog.text and "unreadable part file" in caplog.text


def test_compaction_merges_files_without_changing_content(tmp_path):
    recs = [rec(f"https://a.example.com/{i}", other_story(i), f"2024-01-{i + 1:02d}") for i in range(9)]
    add_all(tmp_path, recs, batch_size=2)
    before = load_articles(data_dir=tmp_path)
    store = ArticleStore(tmp_path)
    assert len(store.read_manifest().parts) == 5
    with store.writer() as w:
        assert w.compact(min_parts=2) == 5
    files = list((tmp_path / "articles").glob("month=*/*.parquet"))
    assert len(files) == 1 and len(store.read_manifest().parts) == 1
    after = load_articles(data_dir=tmp_path)
    assert after["id"].tolist() == before["id"].tolist()
    assert after["text"].tolist() == before["text"].tolist()
    # identity survives compaction
    assert add_all(tmp_path, recs[:1])[0].status == "duplicate"


def test_manifest_lists_exactly_the_part_files_on_disk(tmp_path):
    add_all(tmp_path, [rec(f"https://a.example.com/{i}", other_story(i), f"2024-0{1 + i % 3}-05") for i in range(7)],
            batch_size=3)
    m = json.loads((tmp_path / "articles" / "_manifest.json").read_text())
    on_disk = sorted(str(p.relative_to(tmp_path / "articles")) for p in (tmp_path / "articles").glob("month=*/*.parquet"))
    assert sorted(p["path"] for p in m["parts"]) == on_disk
    assert sum(p["rows"] for p in m["parts"]) == 7


def test_text_hash_ignores_whitespace_only():
    assert text_hash("a  b\n c ") == text_hash("a b c")
    assert text_hash("a b c") != text_hash("a b d")


def test_two_versions_in_one_batch(tmp_path):
    url = "https://wire.example.com/live"
    res = add_all(tmp_path, [rec(url, WIRE.format(n=10, d=8)), rec(url, WIRE.format(n=25, d=20)),
                             rec(url, WIRE.format(n=25, d=20))])
    assert [r.status for r in res] == ["ok", "new-version", "duplicate"]
    every = load_articles(data_dir=tmp_path, latest=False)
    assert sorted(every["version"].tolist()) == [1, 2]
    assert load_articles(data_dir=tmp_path)["version"].tolist() == [2]


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    from opslens.store import atomic_write_bytes

    target = tmp_path / "_manifest.json"
    atomic_write_bytes(target, b'{"old": true}')
    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # fails inside the write
    assert target.read_bytes() == b'{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["_manifest.json"]


def test_a_second_writer_waits_for_the_first(tmp_path):
    """Ordering, not durations: the second writer cannot finish before the first releases the
    lock (the first prints the time just before releasing), however loaded the machine is."""
    import subprocess
    import sys
    import time

    code = ("import time\nfrom opslens.store import ArticleStore\n"
            f"with ArticleStore({str(tmp_path)!r}).writer() as w:\n"
            "    print('locked', flush=True)\n    time.sleep(1.0)\n    print(time.time(), flush=True)\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "locked"
    add_all(tmp_path, [rec("https://a.example.com/1", other_story(1))])
    done = time.time()
    released = float(p.stdout.readline())
    assert p.wait(timeout=60) == 0
    assert done >= released, "the second writer must block while the first holds the store lock"


BULLETIN = ("On the night of {day} October the enemy attacked Ukraine with {n} Shahed-136/131 attack drones "
            "launched from the {dir} direction. {lead} Air defence units of the Air Force and mobile fire "
            "groups of the Defence Forces destroyed {d} of them. Information on the consequences is being "
            "clarified, the Air Force Command said in its statement.")


def test_templated_bulletins_of_different_days_stay_apart(tmp_path):
    a = BULLETIN.format(day=5, n=17, dir="southern", d=12, lead="The attack targeted energy facilities in the Odesa region.")
    b = BULLETIN.format(day=6, n=24, dir="eastern", d=20, lead="Most of the drones flew towards Kyiv and Zhytomyr.")
    j = len(_shingles(a) & _shingles(b)) / len(_shingles(a) | _shingles(b))
    assert 0.3 < j < 0.8  # similar wording, a different story
    res = add_all(tmp_path, [rec("https://af.example.gov/5", a, "2022-10-05"), rec("https://af.example.gov/6", b, "2022-10-06")])
    assert res[0].cluster_id != res[1].cluster_id


def test_near_duplicates_must_be_published_close_together(tmp_path):
    wire = WIRE.format(n=40, d=35)
    res = add_all(tmp_path, [rec("https://wire.example.com/a", wire, "2024-02-20"),
                             rec("https://late.example.org/b", wire + " Archive.", "2024-03-15"),
                             rec("https://next.example.org/c", wire + " Updated.", "2024-02-21")])
    assert res[1].cluster_id == res[1].id  # same text weeks later: a different event
    assert res[2].cluster_id == res[0].id


def test_near_duplicate_found_across_months_and_runs(tmp_path):
    wire = WIRE.format(n=40, d=35)
    first = add_all(tmp_path, [rec("https://wire.example.com/a", wire, "2024-01-31T22:00:00+00:00")])
    later = add_all(tmp_path, [rec("https://copy.example.org/b", wire + " Source: wire.", "2024-02-01T06:00:00+00:00")])
    assert later[0].status == "ok" and later[0].cluster_id == first[0].id


def test_near_duplicates_still_found_after_the_index_starts_afresh(tmp_path):
    """A long ingest bounds the near-duplicate index; copies of committed articles still cluster."""
    wire = WIRE.format(n=40, d=35)
    recs = [rec("https://wire.example.com/a", wire, "2024-02-20")]
    recs += [rec(f"https://town.example.com/{i}", other_story(i), "2024-02-20") for i in range(12)]
    recs += [rec("https://copy.example.org/b", wire + " Source: wire.", "2024-02-21")]
    with ArticleStore(tmp_path).writer(batch_size=100, near_dup_limit=5) as w:
        res = [w.add(r) for r in recs]
    # batch_size 100 alone would commit once, at the end: the reset committed before that
    assert ArticleStore(tmp_path).read_manifest().next_batch - 1 >= 2
    assert res[-1].cluster_id == res[0].id
    assert len(load_articles(data_dir=tmp_path)) == 14


def test_has_url_knows_stored_and_pending_articles(tmp_path):
    add_all(tmp_path, [rec("https://a.example.com/stored", other_story(1))])
    with ArticleStore(tmp_path).writer() as w:
        w.add(rec("https://a.example.com/pending", other_story(2)))
        assert w.has_url("https://a.example.com/stored")
        assert w.has_url("https://a.example.com/pending")
        assert not w.has_url("https://a.example.com/other")


def test_a_writer_that_must_wait_says_so(tmp_path, caplog):
    import subprocess
    import sys

    code = ("import sys\nfrom opslens.store import ArticleStore\n"
            f"with ArticleStore({str(tmp_path)!r}).writer() as w:\n"
            "    print('locked', flush=True)\n    sys.stdin.readline()\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "locked"
        import threading

        t = threading.Timer(0.5, lambda: (p.stdin.write("go\n"), p.stdin.flush()))
        t.start()
        with caplog.at_level(logging.INFO, logger="opslens.store"):
            add_all(tmp_path, [rec("https://a.example.com/1", other_story(1))])
        t.join()
    finally:
        p.wait(timeout=60)
    assert f"{tmp_path}: another process is writing to this store; waiting for it to finish" in caplog.text
