"""Ingest orchestration: stats, the ingest log, kill -9 and resume, reading while writing."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from opslens.articles import load_articles
from opslens.errors import InputError, StoreError
from opslens.ingest import ingest_records, read_ingest_log
from opslens.store import ArticleStore

ROOT = Path(__file__).resolve().parents[1]


def story(i: int) -> dict:
    """A distinct article record (synthetic text, no outlet's wording)."""
    return {"url": f"https://news.example.com/2024/02/{i}", "title": f"Item {i}",
            "published": f"2024-02-{1 + i % 28:02d}T{i % 24:02d}:00:00+02:00", "published_source": "meta",
            "source": "news.example.com", "text": f"Report number {i}: the regional administration said "
            f"that {i} households were reconnected to the grid after repairs in district {i * 7}.",
            "authors": ["Desk"], "language": "en", "origin": "url", "extra": {"n": i}}


def test_stats_and_log_count_every_item(tmp_path):
    bad = InputError("data/x.warc", "truncated record at byte 1200", "re-download the file")
    items = [story(1), story(2), story(1), bad, dict(story(2), text="Corrected: " + story(2)["text"])]
    stats = ingest_records(items, data_dir=tmp_path, progress=False)
    assert (stats.added, stats.duplicate, stats.new_version, len(stats.errors)) == (2, 1, 1, 1)
    assert stats.summary() == "2 added, 1 duplicate, 1 new version, 1 error"
    log = read_ingest_log(tmp_path)
    assert sorted(log["status"].tolist()) == ["duplicate", "error", "new-version", "ok", "ok"]
    err = log[log["status"] == "error"].iloc[0]
    assert err["origin"] == "data/x.warc" and "truncated record" in err["message"]


def test_export_ids_and_extra_fields_survive_ingest(tmp_path):
    r = dict(story(3), id="export-0003", origin="export:in.jsonl:1", extra={"desk": "kyiv", "score": 0.5})
    ingest_records([r], data_dir=tmp_path, progress=False)
    df = load_articles(data_dir=tmp_path)
    assert df.loc[0, "id"] == "export-0003"
    assert df.loc[0, "extra"] == {"desk": "kyiv", "score": 0.5}


_WRITER = textwrap.dedent("""
    import sys, time
    from opslens.ingest import ingest_records
    sys.path.insert(0, {tests!r})
    from test_ingest import story

    def slow(n, pause):
        for i in range({first}, {first} + n):
            time.sleep(pause)
            yield story(i)

    ingest_records(slow({n}, {pause}), data_dir={data!r}, batch_size={batch}, progress=False)
""")


def _writer(tmp_path: Path, n: int, pause: float, batch: int, first: int = 0) -> subprocess.Popen:
    code = _WRITER.format(tests=str(ROOT / "tests"), n=n, pause=pause, data=str(tmp_path), batch=batch,
                          first=first)
    env = dict(os.environ, TQDM_DISABLE="1")
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)


def _batches(data: Path) -> int:
    try:
        return json.loads((data / "articles" / "_manifest.json").read_text())["next_batch"] - 1
    except (FileNotFoundError, ValueError):
        return 0


def test_kill_9_during_ingest_loses_nothing_committed_and_rerun_resumes(tmp_path):
    n, batch = 300, 10
    # 9 s of writing if never killed: ample margin for the kill after 3 batches (~1 s) on a loaded machine
    p = _writer(tmp_path, n, pause=0.03, batch=batch)
    deadline = time.time() + 60
    while _batches(tmp_path) < 3 and time.time() < deadline and p.poll() is None:
        time.sleep(0.01)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert p.returncode == -signal.SIGKILL, "the writer finished before it could be killed"

    committed = load_articles(data_dir=tmp_path)
    assert 30 <= len(committed) < n
    assert len(committed) % batch == 0, "a batch must become visible whole or not at all"
    assert committed["id"].is_unique
    logged_ok = (read_ingest_log(tmp_path)["status"] == "ok").sum()
    assert logged_ok <= len(committed)  # the log never claims more than the store holds

    p = _writer(tmp_path, n, pause=0, batch=batch)
    assert p.wait(timeout=120) == 0
    final = load_articles(data_dir=tmp_path)
    assert len(final) == n and final["id"].is_unique
    assert set(committed["id"]) <= set(final["id"])
    assert sorted(final["extra"].map(lambda e: e["n"])) == list(range(n))
    # what the killed run committed is skipped as duplicate on the rerun
    log = read_ingest_log(tmp_path)
    assert (log["status"] == "duplicate").sum() == len(committed)
    assert not list((tmp_path / "articles").glob("month=*/.tmp-*")), "the rerun removes crash debris"


def test_reader_sees_whole_batches_while_a_writer_writes(tmp_path):
    n, batch = 400, 20
    p = _writer(tmp_path, n, pause=0.0075, batch=batch)  # 3 s: many reads overlap it even when loaded
    seen = []
    try:
        while p.poll() is None:
            df = load_articles(data_dir=tmp_path, columns=["id", "text"])
            seen.append(len(df))
            assert len(df) % batch == 0
            assert df["id"].is_unique
    finally:
        p.wait(timeout=120)
    assert p.returncode == 0
    assert len(load_articles(data_dir=tmp_path)) == n
    assert seen == sorted(seen), "readers never see the store shrink"
    assert len(set(seen)) > 2, "the reader should have overlapped several commits"


def test_reader_survives_compaction_swapping_files(tmp_path):
    ingest_records((story(i) for i in range(60)), data_dir=tmp_path, batch_size=5, progress=False)
    store = ArticleStore(tmp_path)
    code = ("from opslens.store import ArticleStore\n"
            f"s = ArticleStore({str(tmp_path)!r})\n"
            "with s.writer() as w:\n    w.compact(min_parts=2)\n")
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    counts = []
    while p.poll() is None:
        counts.append(len(load_articles(data_dir=tmp_path, columns=["id"])))
    assert p.wait() == 0
    counts.append(len(load_articles(data_dir=tmp_path, columns=["id"])))
    assert set(counts) == {60}
    months = [pt.month for pt in store.read_manifest().parts]
    assert sorted(months) == sorted(set(months)), "one file per month after compaction"


PAGE = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{t}</title>"
        "<meta property='article:published_time' content='2024-02-{d:02d}T08:00:00+02:00'></head><body>"
        "<article><h1>{t}</h1><p>{t}: the regional military administration said repair crews restored "
        "heating to {n} apartment blocks after an overnight strike damaged a boiler house.</p>"
        "<p>Officials said schools would reopen on Monday and that mobile heating points would stay "
        "open for residents of the affected district until further notice.</p></article></body></html>")


@pytest.fixture()
def news_server(make_http_server):
    """Three article pages on 127.0.0.1 (/news/0../news/2; anything else 404), counting the
    requests for each path."""
    from httpserver import Response

    srv = make_http_server(robots=None)
    for i in range(3):
        srv.route(f"/news/{i}", Response(body=PAGE.format(t=f"Heating restored {i}", d=10 + i, n=20 + i)))
    return srv.base_url, srv.hits


def test_ingest_urls_then_rerun_skips_without_downloading_again(tmp_path, news_server):
    from opslens.ingest import ingest

    base, hits = news_server
    urls = [f"{base}/news/{i}" for i in range(3)]
    stats = ingest(urls, data_dir=tmp_path, delay=0, progress=False)
    assert (stats.added, stats.duplicate, len(stats.errors)) == (3, 0, 0), stats.errors
    assert all(hits[f"/news/{i}"] == 1 for i in range(3))
    again = ingest(urls + [f"{base}/gone"], data_dir=tmp_path, delay=0, progress=False)
    assert (again.added, again.duplicate, len(again.errors)) == (0, 3, 1)
    assert all(hits[f"/news/{i}"] == 1 for i in range(3)), "a stored URL must not be downloaded again"
    assert "/gone" in str(again.errors[0])
    df = load_articles(data_dir=tmp_path)
    assert sorted(df["title"]) == [f"Heating restored {i}" for i in range(3)]
    assert str(df["published"].min()) == "2024-02-10 06:00:00+00:00"


def test_opslens_ingest_is_callable_even_after_importing_the_module(tmp_path):
    import opslens
    import opslens.ingest  # binds the package attribute to the module

    r = json.dumps({"url": "https://x.example.org/1", "title": "t", "published": "2024-02-02",
                    "source": "x.example.org", "text": "Short export text about repairs to a bridge."})
    (tmp_path / "in.jsonl").write_text(r + "\n", encoding="utf-8")
    stats = opslens.ingest([tmp_path / "in.jsonl"], data_dir=tmp_path / "store", progress=False)
    assert (stats.added, len(stats.errors)) == (1, 0)


def test_many_small_batches_are_compacted_at_the_end(tmp_path):
    from opslens.ingest import AUTO_COMPACT_PARTS

    n = AUTO_COMPACT_PARTS + 3
    recs = [dict(story(i), published=f"2024-03-{1 + i % 28:02d}") for i in range(n)]
    ingest_records(recs, data_dir=tmp_path, batch_size=1, progress=False)
    parts = ArticleStore(tmp_path).read_manifest().parts
    assert len(parts) == 1 and parts[0].rows == n
    assert len(list((tmp_path / "articles").glob("month=*/*.parquet"))) == 1
    assert len(load_articles(data_dir=tmp_path)) == n


def test_writer_reports_an_unreadable_part_and_keeps_going(tmp_path, caplog):
    import logging

    ingest_records([dict(story(1), published="2024-01-10"), dict(story(2), published="2024-02-10")],
                   data_dir=tmp_path, progress=False)
    bad = next((tmp_path / "articles" / "month=2024-01").glob("*.parquet"))
    bad.write_bytes(bad.read_bytes()[:100])
    with caplog.at_level(logging.WARNING, logger="opslens.store"):
        stats = ingest_records([story(2), story(3)], data_dir=tmp_path, progress=False)
    assert (stats.added, stats.duplicate) == (1, 1)
    assert bad.name in caplog.text and "unreadable part file" in caplog.text
    # the damaged file is set aside, so readers stop tripping on it and a rerun restores its article
    assert not bad.exists() and len(list((tmp_path / "articles" / "_damaged").iterdir())) == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert len(load_articles(data_dir=tmp_path)) == 2
    assert caplog.text == ""
    again = ingest_records([dict(story(1), published="2024-01-10")], data_dir=tmp_path, progress=False)
    assert again.added == 1 and len(load_articles(data_dir=tmp_path)) == 3


def test_a_missing_part_file_is_repaired_by_ingesting_again(tmp_path, caplog):
    import logging

    recs = [dict(story(1), published="2024-01-10"), dict(story(2), published="2024-02-10")]
    ingest_records(recs, data_dir=tmp_path, progress=False)
    next((tmp_path / "articles" / "month=2024-01").glob("*.parquet")).unlink()
    with pytest.raises(StoreError, match="run the ingest again"):
        load_articles(data_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="opslens.store"):
        stats = ingest_records(recs, data_dir=tmp_path, progress=False)
    assert (stats.added, stats.duplicate) == (1, 1) and "part file missing" in caplog.text
    assert len(load_articles(data_dir=tmp_path)) == 2


def test_two_ingests_at_once_take_turns_and_lose_nothing(tmp_path):
    a = _writer(tmp_path, 60, pause=0.002, batch=10, first=0)
    b = _writer(tmp_path, 60, pause=0.002, batch=10, first=30)  # overlaps a's last 30
    assert a.wait(timeout=120) == 0 and b.wait(timeout=120) == 0
    df = load_articles(data_dir=tmp_path)
    assert len(df) == 90 and df["id"].is_unique
    log = read_ingest_log(tmp_path)
    assert (log["status"] == "ok").sum() == 90 and (log["status"] == "duplicate").sum() == 30


def test_a_bad_record_is_an_error_naming_its_origin(tmp_path):
    stats = ingest_records([dict(story(1), url=None, text="", origin="export:in.jsonl:7"), story(2)],
                           data_dir=tmp_path, progress=False)
    assert (stats.added, len(stats.errors)) == (1, 1)
    assert str(stats.errors[0]).startswith("export:in.jsonl:7: article has neither URL nor text")


def test_records_read_before_a_failing_input_are_kept(tmp_path):
    def items():
        yield story(1)
        yield story(2)
        raise RuntimeError("parser bug")

    with pytest.raises(RuntimeError):
        ingest_records(items(), data_dir=tmp_path, batch_size=100, progress=False)
    assert len(load_articles(data_dir=tmp_path)) == 2


def _feed(entries: int) -> str:
    items = []
    for i in range(entries):
        body = " ".join(f"<p>Entry {i}, paragraph {k}: the regional administration reported that crews "
                        f"repaired {i + k} power lines and restored supply to villages in district {k}.</p>"
                        for k in range(4))
        items.append(f"<item><title>Feed entry {i}</title><link>https://feed.example.org/e/{i}</link>"
                     f"<guid>https://feed.example.org/e/{i}</guid><pubDate>Tue, 0{1 + i % 9} Mar 2024 08:00:00 +0000</pubDate>"
                     f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Example feed</title>'
            '<link>https://feed.example.org/</link><description>test</description>' + "".join(items) +
            "</channel></rss>")


def test_feed_entries_marked_seen_are_already_stored_when_killed(tmp_path):
    """A feed marks its entries as seen when the ingest has taken them; if the process dies
    right after (here: blocked on a slow next input), none of those entries may be lost."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    reached, release = threading.Event(), threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/robots.txt":
                self.send_response(404)
                self.end_headers()
                return
            reached.set()
            release.wait(30)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    feed = tmp_path / "feed.xml"
    feed.write_text(_feed(6), encoding="utf-8")
    data = tmp_path / "store"
    code = ("from opslens.ingest import ingest\n"
            f"ingest([{str(feed)!r}, 'http://127.0.0.1:{srv.server_address[1]}/slow'], data_dir={str(data)!r}, "
            "delay=0, progress=False)\n")
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, TQDM_DISABLE="1"))
    try:
        assert reached.wait(60), "the ingest never reached the second input"
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        release.set()
        srv.shutdown()
        srv.server_close()
    assert sorted(load_articles(data_dir=data)["title"]) == [f"Feed entry {i}" for i in range(6)]
    again = ingest_records([], data_dir=data, progress=False)  # the store opens cleanly after the kill
    assert again.succeeded == 0


# --- reruns skip pages whose raw bytes are already stored -----------------------------------------

SAVED = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{t}</title>"
         "<link rel='canonical' href='https://herald.example.com/news/{slug}'>"
         "<meta property='article:published_time' content='2024-02-{d:02d}T08:00:00+02:00'></head>"
         "<body><article><h1>{t}</h1><p>{lead}</p><p>Crews from the regional energy company worked "
         "through the night, and the administration asked residents to limit their use of heavy "
         "appliances in the evening hours while the repairs continue.</p></article></body></html>")


def _saved_pages(folder: Path, leads: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, (slug, lead) in enumerate(sorted(leads.items())):
        (folder / f"{slug}.html").write_text(SAVED.format(t=f"Repairs {slug}", slug=slug, d=10 + i, lead=lead),
                                             encoding="utf-8")


def _unchanged(log) -> list[str]:
    return log[log["message"].fillna("").str.startswith("unchanged since stored")]["origin"].tolist()


def test_rerun_skips_stored_pages_unparsed_and_a_changed_page_becomes_a_new_version(tmp_path):
    from opslens.ingest import ingest

    pages, store = tmp_path / "pages", tmp_path / "store"
    leads = {s: f"Power was restored to {n} homes in the {s} district after a strike on a substation."
             for s, n in (("north", 1200), ("south", 800), ("west", 450))}
    _saved_pages(pages, leads)
    first = ingest([pages], data_dir=store, progress=False)
    assert (first.added, first.duplicate, first.errors) == (3, 0, [])
    again = ingest([pages], data_dir=store, progress=False)
    assert (again.added, again.duplicate, again.new_version, again.errors) == (0, 3, 0, [])
    log = read_ingest_log(store)
    assert sorted(_unchanged(log)) == sorted(f"html:{pages / s}.html" for s in leads)
    assert set(log.iloc[-3:]["duplicate_of"]) == set(log.iloc[:3]["id"])

    leads["south"] = "Corrected: power was restored to 900 homes in the south district, not 800."
    _saved_pages(pages, leads)  # same canonical URLs; only south's content changed
    third = ingest([pages], data_dir=store, progress=False)
    assert (third.added, third.duplicate, third.new_version, third.errors) == (0, 2, 1, [])
    log = read_ingest_log(store)
    assert sorted(_unchanged(log.iloc[6:])) == sorted(f"html:{pages / s}.html" for s in ("north", "west"))
    df = load_articles(data_dir=store)
    south = df[df["url"] == "https://herald.example.com/news/south"]
    assert len(south) == 1 and south.iloc[0]["version"] == 2 and "900 homes" in south.iloc[0]["text"]

    forced = ingest([pages], data_dir=store, progress=False, reparse=True)
    assert (forced.added, forced.duplicate, forced.new_version) == (0, 3, 0)
    assert _unchanged(read_ingest_log(store).iloc[9:]) == [], "--reparse must parse every page"


def test_warc_record_is_skipped_only_at_the_same_url(tmp_path):
    from test_sources import write_warc

    from opslens.ingest import ingest

    body = SAVED.format(t="Bridge reopened", slug="bridge", d=12,
                        lead="The bridge over the river reopened to traffic after three weeks of repairs.").encode()
    store = tmp_path / "store"
    w1 = tmp_path / "one.warc.gz"
    write_warc(w1, [("https://herald.example.com/news/bridge", body, "200 OK", "text/html")])
    assert ingest([w1], data_dir=store, progress=False).added == 1
    w2 = tmp_path / "two.warc.gz"  # same bytes: once at the stored URL, once at another URL
    write_warc(w2, [("https://herald.example.com/news/bridge?utm_source=x", body, "200 OK", "text/html"),
                    ("https://mirror.example.org/bridge", body, "200 OK", "text/html")])
    stats = ingest([w2], data_dir=store, progress=False)
    assert (stats.added, stats.duplicate, stats.errors) == (0, 2, [])
    log = read_ingest_log(store).iloc[1:]
    assert len(_unchanged(log)) == 1 and _unchanged(log)[0].startswith(f"warc:{w2}#")
    other = log[log["url"] == "https://mirror.example.org/bridge"].iloc[0]
    assert other["message"].startswith("same text as an article stored under another URL")


def test_url_rerun_is_logged_unchanged(tmp_path, news_server):
    from opslens.ingest import ingest

    base, hits = news_server
    urls = [f"{base}/news/{i}" for i in range(2)]
    ingest(urls, data_dir=tmp_path, delay=0, progress=False)
    again = ingest(urls, data_dir=tmp_path, delay=0, progress=False)
    assert (again.added, again.duplicate) == (0, 2)
    assert _unchanged(read_ingest_log(tmp_path).iloc[2:]) == ["url", "url"]


def test_items_found_duplicate_are_skipped_next_time_but_not_once_the_store_is_gone(tmp_path):
    import shutil

    from test_sources import write_warc

    from opslens.ingest import ingest

    store = tmp_path / "store"
    body = SAVED.format(t="Ferry resumed", slug="ferry", d=14,
                        lead="The river ferry resumed crossings after the mine clearance finished.").encode()
    _saved_pages(tmp_path / "pages", {"ferry": "The river ferry resumed crossings after the mine clearance finished."})
    ingest([tmp_path / "pages"], data_dir=store, progress=False)
    # a capture of the same story on a mirror, with other bytes (another date in the markup)
    warc = tmp_path / "mirror.warc.gz"
    write_warc(warc, [("https://mirror.example.org/ferry", body.replace(b"2024-02-14", b"2024-02-15"), "200 OK",
                       "text/html")])
    first = ingest([warc], data_dir=store, progress=False)
    assert (first.added, first.duplicate) == (0, 1) and _unchanged(read_ingest_log(store).iloc[1:]) == []
    second = ingest([warc], data_dir=store, progress=False)
    assert second.duplicate == 1 and len(_unchanged(read_ingest_log(store).iloc[2:])) == 1, \
        "a page already found to be a duplicate is not parsed again"

    shutil.rmtree(store / "articles")  # the log stays, the articles are gone: nothing may be skipped
    third = ingest([tmp_path / "pages", warc], data_dir=store, progress=False)
    assert third.added == 1 and third.duplicate == 1
    assert _unchanged(read_ingest_log(store).iloc[3:]) == []


def test_ingest_shows_a_progress_bar_unless_disabled(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    ingest_records([story(i) for i in range(3)], data_dir=tmp_path / "a", progress=True)
    err = capsys.readouterr().err
    assert "ingest:" in err and "3article" in err.replace(" ", "")  # tqdm: "ingest: 3article [...]"
    monkeypatch.setenv("TQDM_DISABLE", "1")
    ingest_records([story(i) for i in range(3)], data_dir=tmp_path / "b", progress=True)
    ingest_records([story(i) for i in range(3)], data_dir=tmp_path / "c", progress=False)
    assert "ingest:" not in capsys.readouterr().err


def test_refresh_downloads_again_and_a_changed_page_becomes_a_new_version(tmp_path, make_http_server):
    """Without refresh a cached URL is read from the raw cache (never re-downloaded); with it the
    page is fetched again and, when its text changed, stored as version 2 next to version 1."""
    from httpserver import Response

    from opslens.ingest import ingest

    state = {"n": 20}
    srv = make_http_server(robots=None)
    srv.route("/news/1", lambda hit: Response(body=PAGE.format(t="Heating restored", d=11, n=state["n"])))
    url = srv.url("news/1")
    assert ingest([url], data_dir=tmp_path, delay=0, progress=False).added == 1
    state["n"] = 35  # the outlet corrects the story
    again = ingest([url], data_dir=tmp_path, delay=0, progress=False)
    assert (again.duplicate, srv.hits_for("news/1")) == (1, 1), "without refresh the cached copy is used"
    fresh = ingest([url], data_dir=tmp_path, delay=0, progress=False, refresh=True)
    assert (fresh.new_version, srv.hits_for("news/1")) == (1, 2)
    every = load_articles(data_dir=tmp_path, latest=False).sort_values("version")
    assert every["version"].tolist() == [1, 2]
    assert ["to 20 apartment" in t for t in every["text"]] == [True, False]
    assert every["fetched_at"].iloc[1] >= every["fetched_at"].iloc[0]
    assert load_articles(data_dir=tmp_path)["version"].tolist() == [2]
