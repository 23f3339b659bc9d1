"""Every input kind -> article records; bad items reported, bad inputs named."""
from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pytest

from opslens.errors import FetchError, InputError
from opslens.fetch import Fetcher
from opslens.sources import detect_kind, iter_records, page_id, parse_mapping

FAST = dict(delay=0.0, timeout=(2, 2), retries=1, backoff=0.01)


def collect(inputs, settings, **kw):
    errors: list[InputError] = []
    recs = list(iter_records(inputs, settings=settings, on_error=errors.append, **kw))
    return recs, errors


@pytest.fixture
def fetcher(tmp_settings):
    with Fetcher(tmp_settings, **FAST) as f:
        yield f


# --- kinds --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,kind", [
    ("a.html", "html"), ("a.HTM", "html"), ("a.html.gz", "html"), ("a.warc", "warc"), ("a.warc.gz", "warc"),
    ("feed.xml", "feed"), ("news.rss", "feed"), ("x.atom", "feed"), ("e.jsonl", "jsonl"), ("e.csv", "csv"),
    ("urls.txt", "url-list"),
])
def test_detect_kind_by_name(tmp_path, name, kind):
    (tmp_path / name).write_bytes(b"x")
    assert detect_kind(str(tmp_path / name)) == kind


@pytest.mark.parametrize("url,kind", [
    ("https://e.com/news/2023/04/21/story", "url"), ("https://e.com/feed/", "feed"),
    ("https://e.com/rss", "feed"), ("https://e.com/news.xml", "feed"), ("http://e.com/feeds/all.atom", "feed"),
])
def test_detect_kind_of_urls(url, kind):
    assert detect_kind(url) == kind


def test_detect_kind_folder_and_sniffed_content(tmp_path):
    assert detect_kind(str(tmp_path)) == "html-dir"
    (tmp_path / "noext").write_bytes(b"WARC/1.0\r\n")
    assert detect_kind(str(tmp_path / "noext")) == "warc"


def test_missing_input_is_named(tmp_settings):
    with pytest.raises(InputError, match=r"nope\.html: no such file"):
        list(iter_records(["nope.html"], settings=tmp_settings))


# --- URLs ---------------------------------------------------------------------------------------

def test_url_input_is_fetched_and_parsed(tmp_settings, fetcher, http_server):
    url = http_server.url("redirect/article_basic.html")
    (rec,), errors = collect([url], tmp_settings, fetcher=fetcher)
    assert errors == []
    assert rec["url"] == http_server.url("article_basic.html")  # final URL after the redirect
    assert rec["origin"] == "url" and rec["raw_sha256"] and rec["fetched_at"]
    assert rec["title"] == "Air defence downs drones over Kyiv region"
    assert rec["source"] == "127.0.0.1"
    assert "warehouse in the Bucha district" in rec["text"]


def test_url_list_reports_bad_lines_and_failed_urls(tmp_path, tmp_settings, fetcher, http_server):
    lst = tmp_path / "urls.txt"
    lst.write_text("# my list\n" + http_server.url("date_meta.html") + "\n\nnot a url\n"
                   + http_server.url("gone.html") + "\n" + http_server.url("date_time.html") + "\n")
    recs, errors = collect([str(lst)], tmp_settings, fetcher=fetcher)
    assert [r["title"] for r in recs] == ["Grain corridor talks resume", "Shelling damages school in Kharkiv"]
    assert len(errors) == 2
    assert str(errors[0]).startswith(f"{lst}:4: not an http(s) URL")
    assert isinstance(errors[1], FetchError) and "gone.html: HTTP 404" in str(errors[1])


def test_url_serving_a_feed_is_read_as_a_feed(tmp_path, tmp_settings, fetcher, make_http_server, html_fixtures):
    root = tmp_path / "site"
    root.mkdir()
    for name in ("date_meta.html", "date_time.html"):
        (root / name).write_bytes((html_fixtures / name).read_bytes())
    srv = make_http_server(root)
    (root / "latest").write_text(rss([srv.url("date_meta.html"), srv.url("date_time.html")]))
    recs, errors = collect([srv.url("latest")], tmp_settings, fetcher=fetcher)
    assert errors == [] and len(recs) == 2
    assert all(r["origin"] == f"feed:{srv.url('latest')}" for r in recs)


# --- feeds --------------------------------------------------------------------------------------

def rss(links: list[str], content: dict[str, str] | None = None) -> str:
    items = []
    for i, link in enumerate(links):
        enc = f"<content:encoded><![CDATA[{content[link]}]]></content:encoded>" if content and link in content else ""
        items.append(f"<item><title>Entry {i}</title><link>{link}</link><guid>{link}</guid>"
                     f"<pubDate>Mon, 0{i + 1} May 2023 10:00:00 +0300</pubDate>{enc}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Test feed</title>'
            f'<link>https://example.com/</link>{"".join(items)}</channel></rss>')


def test_feed_seen_again_yields_only_new_entries(tmp_path, tmp_settings, fetcher, http_server):
    feed = tmp_path / "feed.xml"
    a, b, c = (http_server.url(n) for n in ("date_meta.html", "date_time.html", "og_url_only.html"))
    feed.write_text(rss([a, b]))
    recs, errors = collect([str(feed)], tmp_settings, fetcher=fetcher)
    assert errors == [] and [r["url"] for r in recs] == [a, b]
    assert recs[0]["origin"] == f"feed:{feed.resolve()}"
    assert collect([str(feed)], tmp_settings, fetcher=fetcher) == ([], [])
    feed.write_text(rss([a, b, c]))
    recs, _ = collect([str(feed)], tmp_settings, fetcher=fetcher)
    assert [r["url"] for r in recs] == [c]
    state = json.loads((tmp_settings.cache_dir / "feeds.json").read_text())
    assert len(state[str(feed.resolve())]["seen"]) == 3
    assert not list(tmp_settings.cache_dir.glob(".tmp-*"))


def test_feed_entry_that_fails_is_retried_next_time(tmp_path, tmp_settings, fetcher, http_server):
    feed = tmp_path / "feed.xml"
    ok, bad = http_server.url("date_meta.html"), http_server.url("flaky/2/date_time.html")
    feed.write_text(rss([ok, bad]))
    recs, errors = collect([str(feed)], tmp_settings, fetcher=fetcher)  # 2 attempts, both 500
    assert [r["url"] for r in recs] == [ok] and len(errors) == 1 and "HTTP 500" in str(errors[0])
    recs, errors = collect([str(feed)], tmp_settings, fetcher=fetcher)  # third request succeeds
    assert [r["url"] for r in recs] == [bad] and errors == []


def test_feed_date_used_when_page_has_none(tmp_path, tmp_settings, fetcher, http_server):
    feed = tmp_path / "feed.xml"
    feed.write_text(rss([http_server.url("date_none.html")]))
    (rec,), _ = collect([str(feed)], tmp_settings, fetcher=fetcher)
    # the offset is kept as the feed wrote it (pubDate ... +0300)
    assert rec["published"] == "2023-05-01T10:00:00+03:00" and rec["published_source"] == "feed"


def test_feed_with_full_content_needs_no_fetch(tmp_path, tmp_settings):
    link = "https://example.com/news/2023/05/01/story"
    body = "<p>" + "Air defence worked over the region through the night, officials said. " * 12 + "</p>"
    feed = tmp_path / "full.rss"
    feed.write_text(rss([link], {link: body}))
    (rec,), errors = collect([str(feed)], tmp_settings)  # no fetcher, no server: nothing fetched
    assert errors == [] and rec["url"] == link and rec["title"] == "Entry 0"
    assert "Air defence worked over the region" in rec["text"]
    assert rec["published_source"] == "feed"


def test_atom_feed_over_http(tmp_path, tmp_settings, fetcher, make_http_server, html_fixtures):
    root = tmp_path / "site"
    root.mkdir()
    (root / "a.html").write_bytes((html_fixtures / "date_time.html").read_bytes())
    srv = make_http_server(root)
    (root / "feed.atom").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        f'<entry><title>A</title><link href="{srv.url("a.html")}"/><id>urn:a</id>'
        '<updated>2023-03-14T16:20:00Z</updated></entry></feed>')
    (rec,), errors = collect([srv.url("feed.atom")], tmp_settings, fetcher=fetcher)
    assert errors == [] and rec["title"] == "Shelling damages school in Kharkiv"


def test_malformed_feed_names_the_file(tmp_path, tmp_settings):
    bad = tmp_path / "broken.xml"
    bad.write_text("garbage {{{ <not xml")
    with pytest.raises(InputError, match=r"broken\.xml: not a readable RSS/Atom feed"):
        collect([str(bad)], tmp_settings)


# --- saved HTML ---------------------------------------------------------------------------------

def test_html_file_and_folder(tmp_path, tmp_settings, html_fixtures):
    folder = tmp_path / "saved"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.html").write_bytes((html_fixtures / "article_basic.html").read_bytes())
    (folder / "sub" / "b.html.gz").write_bytes(gzip.compress((html_fixtures / "og_url_only.html").read_bytes()))
    (folder / "notes.txt").write_text("ignored")
    (folder / "empty.html").write_bytes(b"")
    recs, errors = collect([str(folder)], tmp_settings)
    assert [r["canonical_url"] for r in recs] == [
        "https://www.example-wire.org/world/2023/05/10/air-defence-downs-drones-over-kyiv-region",
        "https://www.port-news.example.com/odesa/resumes"]
    assert recs[1]["origin"] == f"html:{folder / 'sub' / 'b.html.gz'}"
    assert recs[0]["id"] is None and recs[0]["fetched_at"]
    assert len(errors) == 1 and "empty.html: empty file" in str(errors[0])


def test_page_id_strips_html_extensions():
    assert page_id("x/abc.html.gz") == "abc" and page_id("d.htm") == "d" and page_id("e.v2.html") == "e.v2"


# --- WARC ---------------------------------------------------------------------------------------

def write_warc(path: Path, pages: list[tuple[str, bytes, str, str]], gz: bool = True) -> list[int]:
    """Write response records (uri, body, status line, content type); returns record offsets."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    offsets = []
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for uri, body, status, ctype in pages:
            offsets.append(fh.tell())
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": "2023-05-10T06:00:00Z"})
            w.write_record(rec)
    return offsets


@pytest.fixture
def warc_pages(html_fixtures):
    return [
        ("https://www.example-wire.org/a", (html_fixtures / "article_basic.html").read_bytes(), "200 OK", "text/html; charset=utf-8"),
        ("https://example.com/logo.png", b"\x89PNG....", "200 OK", "image/png"),
        ("https://example.com/gone", b"<html>gone</html>", "404 Not Found", "text/html"),
        ("https://regional.example.net/b", (html_fixtures / "date_meta.html").read_bytes(), "200 OK", "text/html"),
        ("https://ukr.example.ua/c", (html_fixtures / "charset_cp1251.html").read_bytes(), "200 OK", "text/html"),
    ]


@pytest.mark.parametrize("gz", [True, False])
def test_warc_yields_every_html_response(tmp_path, tmp_settings, warc_pages, gz):
    path = tmp_path / ("s.warc.gz" if gz else "s.warc")
    offsets = write_warc(path, warc_pages, gz=gz)
    recs, errors = collect([str(path)], tmp_settings)
    assert errors == []
    assert [r["url"] for r in recs] == ["https://www.example-wire.org/a", "https://regional.example.net/b", "https://ukr.example.ua/c"]
    assert recs[0]["origin"] == f"warc:{path}#{offsets[0]}" and recs[1]["origin"] == f"warc:{path}#{offsets[3]}"
    assert recs[0]["fetched_at"] == "2023-05-10T06:00:00+00:00"
    assert "протиповітряної" in recs[2]["text"]


@pytest.mark.parametrize("gz,cut", [(True, 200), (True, 20), (False, 200), (False, 20)])
def test_truncated_warc_keeps_records_before_damage(tmp_path, tmp_settings, warc_pages, gz, cut):
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    offsets = write_warc(path, warc_pages, gz=gz)
    data = path.read_bytes()
    path.write_bytes(data[: offsets[4] + cut])  # cut inside the last record (its body, or its header)
    got: list[dict] = []
    with pytest.raises(InputError, match=r"cut\.warc(\.gz)?: damaged WARC near byte offset .* re-download"):
        for rec in iter_records([str(path)], settings=tmp_settings, on_error=lambda e: None):
            got.append(rec)
    assert [r["url"] for r in got] == ["https://www.example-wire.org/a", "https://regional.example.net/b"]


def test_garbage_named_warc_is_not_a_warc(tmp_path, tmp_settings):
    bad = tmp_path / "x.warc.gz"
    bad.write_bytes(b"this is plainly not an archive\n" * 10)
    with pytest.raises(InputError, match=r"x\.warc\.gz: not a WARC file.*pass a \.warc or \.warc\.gz"):
        collect([str(bad)], tmp_settings)


# --- exports ------------------------------------------------------------------------------------

def test_jsonl_contract_export_carries_extra_fields(tmp_path, tmp_settings):
    exp = tmp_path / "e.jsonl"
    exp.write_text("\n".join([
        json.dumps({"id": "a1", "url": "https://www.Ukrinform.net/x?utm_medium=s", "title": "T", "published": "2023-04-21",
                    "text": "Body one.", "tone": -3.5, "tags": ["drones"]}),
        "{not json",
        json.dumps({"id": "a2", "title": "no text here"}),
        json.dumps({"id": "a3", "text": "Body three.", "published": "yesterday-ish"}),
        json.dumps({"id": "a4", "text": "Body four.", "source": "www.Example.org"}),
    ]) + "\n")
    recs, errors = collect([str(exp)], tmp_settings)
    assert [r["id"] for r in recs] == ["a1", "a4"]
    a1 = recs[0]
    assert a1["canonical_url"] == "https://www.ukrinform.net/x" and a1["source"] == "ukrinform.net"
    assert a1["published"] == "2023-04-21" and a1["published_source"] == "export"
    assert a1["extra"] == {"tone": -3.5, "tags": ["drones"]} and a1["origin"] == f"export:{exp}:1"
    assert recs[1]["source"] == "example.org"
    msgs = [str(e) for e in errors]
    assert msgs[0].startswith(f"{exp}:2: not valid JSON")
    assert msgs[1].startswith(f"{exp}:3: no article text")
    assert msgs[2].startswith(f"{exp}:4: published is not a date")


def test_csv_export_with_column_mapping(tmp_path, tmp_settings):
    exp = tmp_path / "gdelt.csv"
    exp.write_text('DocumentIdentifier,headline,body,seendate,Tone\n'
                   'https://e.com/1,"Strike on port","Text, with a comma.",2022-05-01T10:00:00Z,-2\n'
                   'https://e.com/2,Second,Other text,2022-05-02,1,surplus\n')
    mapping = parse_mapping("DocumentIdentifier=url,headline=title,body=text,seendate=published")
    recs, errors = collect([str(exp)], tmp_settings, mapping=mapping)
    assert len(recs) == 1 and recs[0]["title"] == "Strike on port" and recs[0]["text"] == "Text, with a comma."
    assert recs[0]["published"] == "2022-05-01T10:00:00+00:00" and recs[0]["extra"] == {"Tone": "-2"}
    assert recs[0]["origin"] == f"export:{exp}:2"
    assert len(errors) == 1 and f"{exp}:3" in str(errors[0]) and "cells for 5 columns" in str(errors[0])


def test_csv_without_text_column_names_the_file(tmp_path, tmp_settings):
    exp = tmp_path / "x.csv"
    exp.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match=r"x\.csv: no text column .*--map body=text"):
        collect([str(exp)], tmp_settings)


def test_csv_with_unreadable_header(tmp_path, tmp_settings):
    exp = tmp_path / "y.csv"
    exp.write_text("text,,text\n1,2,3\n")
    with pytest.raises(InputError, match=r"y\.csv: unreadable CSV header"):
        collect([str(exp)], tmp_settings)


def test_bad_mapping_is_a_clear_error():
    with pytest.raises(InputError, match="unknown article field 'body'"):
        parse_mapping("text=body")
    with pytest.raises(InputError, match="expected COLUMN=FIELD"):
        parse_mapping("headline")


@pytest.mark.parametrize("name, content", [
    ("notes.warc", b"this is not a web archive\nit is a text file someone renamed\n"),
    ("notes.warc.gz", gzip.compress(b"this is not a web archive\n")),
    ("empty.warc", b""),
    ("blank.warc", b"\n\n  \n"),
])
def test_non_warc_content_named_warc_is_rejected_naming_the_file(tmp_path, tmp_settings, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(InputError) as e:
        collect([str(bad)], tmp_settings)
    msg = str(e.value)
    assert msg.startswith(f"{bad}: ") and ("not a WARC file" in msg or "empty file" in msg)
    assert "pass a .warc or .warc.gz file" in msg


# --- column mapping: renames only columns a row has, never over a field the row already has ----

def test_mapping_applies_only_to_rows_having_the_column_and_never_clobbers(tmp_path, tmp_settings):
    exp = tmp_path / "mixed.jsonl"
    exp.write_text("\n".join(json.dumps(o) for o in [
        {"id": "m1", "text": "Own text field about repairs to the grid.", "body": "Alternative body."},
        {"id": "m2", "body": "Only a body column: repairs to the bridge continued."},
        {"id": "m3", "text": "Own text, and no body column at all."},
        {"id": "m4", "text": "", "body": "Empty own text, so the mapped body fills it."},
    ]) + "\n")
    recs, errors = collect([str(exp)], tmp_settings, mapping="body=text")
    assert errors == []
    by_id = {r["id"]: r for r in recs}
    assert by_id["m1"]["text"] == "Own text field about repairs to the grid."
    assert by_id["m1"]["extra"] == {"body": "Alternative body."}
    assert by_id["m2"]["text"] == "Only a body column: repairs to the bridge continued." and by_id["m2"]["extra"] == {}
    assert by_id["m3"]["text"] == "Own text, and no body column at all." and by_id["m3"]["extra"] == {}
    assert by_id["m4"]["text"] == "Empty own text, so the mapped body fills it."


def test_csv_mapping_keeps_an_existing_target_column(tmp_path, tmp_settings):
    exp = tmp_path / "both.csv"
    exp.write_text("title,headline,text\nOwn title,Mapped headline,Some body text.\n,Only headline,Body two.\n")
    recs, errors = collect([str(exp)], tmp_settings, mapping="headline=title")
    assert errors == []
    assert [r["title"] for r in recs] == ["Own title", "Only headline"]
    assert recs[0]["extra"] == {"headline": "Mapped headline"}


def test_opslens_parse_output_reads_back_without_its_derived_fields_in_extra(tmp_path, tmp_settings):
    exp = tmp_path / "parsed.jsonl"
    exp.write_text(json.dumps({"id": "p1", "url": "https://e.org/a?utm_source=x", "title": "T", "text": "Body.",
                               "published": "2024-02-01", "published_source": "meta", "source": "e.org",
                               "canonical_url": "https://e.org/a", "authors": ["A"], "language": "en",
                               "desk": "east"}) + "\n")
    recs, errors = collect([str(exp)], tmp_settings, mapping="desk=title")
    assert errors == [] and recs[0]["extra"] == {"desk": "east"} and recs[0]["title"] == "T"
    assert recs[0]["canonical_url"] == "https://e.org/a" and recs[0]["authors"] == ["A"]


# a spreadsheet's binary format (xlsx is a zip) or a random file saved under an export's name
_BINARY = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 8


@pytest.mark.parametrize("name", ["export.csv", "export.jsonl", "urls.txt"])
def test_binary_file_named_like_a_text_input_is_one_clear_error(tmp_path, tmp_settings, name):
    bad = tmp_path / name
    bad.write_bytes(_BINARY)
    with pytest.raises(InputError) as e:
        recs, errors = collect([str(bad)], tmp_settings)
        pytest.fail(f"no InputError; {len(errors)} per-line errors instead, e.g. {errors[:1]}")
    msg = str(e.value)
    assert msg.startswith(f"{bad}: not a text file (binary data at byte ")
    assert "\ufffd" not in msg and "\x00" not in msg  # no mojibake echoed back


@pytest.mark.parametrize("content", [b"<html><body></body></html>", b"\x89PNG\r\n\x1a\n" + bytes(range(256))])
def test_saved_page_without_text_or_url_is_an_error_naming_the_file(tmp_path, tmp_settings, content):
    page = tmp_path / "blank.html"
    page.write_bytes(content)
    recs, errors = collect([str(page)], tmp_settings)
    assert recs == []
    assert [str(e) for e in errors] == [
        f"{page}: no article text and no URL found in the page; check that it is a saved news "
        "article page (not an image, a script or an empty file); the file is skipped"]


# --- a misbehaving server never costs what the store already holds ------------------------------

@pytest.mark.parametrize("path, outcome", [
    ("slow/0.2/date_time.html", "stored"),                    # slow, within the read timeout
    ("slow/3/date_time.html", r"timed out .* after 2 attempts; the server may be down"),
    ("retry-after/1/0.1/date_time.html", "stored"),           # 429 with Retry-After, then 200
    ("always/429/x", r"HTTP 429 .* after 2 attempts; the server is rate-limiting.*--delay"),
    ("flaky/1/date_time.html", "stored"),                     # 500, then 200
    ("always/503/x", r"HTTP 503 .* after 2 attempts; the server may be down"),
    ("redirect/date_time.html", "stored"),
    ("loop/a", r"redirect loop .*save the page and ingest the HTML file"),
    ("charset/wrong/date_time.html", "stored"),
    ("charset/none/date_time.html", "stored"),
    ("truncated/date_time.html", r"truncated response \(got \d+ of \d+ bytes\) after 2 attempts"),
    ("type/application/pdf/date_time.html", r"not an HTML page \(Content-Type: application/pdf\)"),
    ("missing.html", r"HTTP 404 Not Found; the page does not exist; check the URL"),
    ("private/date_time.html", r"disallowed by robots.txt; .*ingest the HTML file instead"),
])
def test_misbehaving_server_ends_right_and_keeps_the_store(tmp_path, http_server, path, outcome):
    from opslens.articles import load_articles
    from opslens.ingest import ingest_records
    from opslens.settings import get_settings

    settings = get_settings(tmp_path / "store")
    before = ingest_records([{"url": "https://kept.example.org/1", "title": "Kept", "published": "2024-02-02",
                              "source": "kept.example.org", "origin": "url", "extra": {},
                              "text": "An article stored before the misbehaving fetch, about bridge repairs."}],
                            data_dir=settings, progress=False)
    assert before.added == 1
    url = http_server.url(path)
    with Fetcher(settings, delay=0.0, timeout=(2, 1), retries=1, backoff=0.01, max_retry_after=1) as f:
        errors: list[InputError] = []
        stats = ingest_records(iter_records([url], settings=settings, fetcher=f, on_error=errors.append),
                               data_dir=settings, progress=False)
    titles = sorted(load_articles(data_dir=settings)["title"])
    if outcome == "stored":
        assert errors == [] and stats.added == 1
        assert titles == ["Kept", "Shelling damages school in Kharkiv"]
    else:
        assert stats.added == 0 and len(errors) == 1
        assert str(errors[0]).startswith(url + ": ")
        assert re.search(outcome, str(errors[0])), str(errors[0])
        assert titles == ["Kept"]


def test_folder_without_saved_pages_is_an_error_naming_it(tmp_path, tmp_settings):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "crawl.warc.gz").write_bytes(b"")
    with pytest.raises(InputError) as e:
        collect([str(folder)], tmp_settings)
    assert str(e.value).startswith(f"{folder}: no saved HTML pages (.html, .htm, .html.gz) in this folder")
    assert "by name" in str(e.value)


def test_csv_with_an_unclosed_quote_is_an_error_not_one_article_of_the_rest(tmp_path, tmp_settings):
    exp = tmp_path / "q.csv"
    exp.write_text('text,url\nfirst article text,https://x.example.org/0\n'
                   '"broken article text,https://x.example.org/1\n'
                   'third article text,https://x.example.org/2\n', encoding="utf-8")
    recs, errors = collect([str(exp)], tmp_settings)
    assert [r["url"] for r in recs] == ["https://x.example.org/0"]
    assert len(errors) == 1
    msg = str(errors[0])
    assert msg.startswith(f"{exp}:3: malformed CSV row (unexpected end of data) in lines 3-4")
    assert "unclosed quote" in msg


def test_csv_row_with_stray_text_after_a_quote_is_skipped_and_the_next_row_read(tmp_path, tmp_settings):
    exp = tmp_path / "s.csv"
    exp.write_text('text,url\n"quoted" then more,https://x.example.org/1\n'
                   'next article text,https://x.example.org/2\n', encoding="utf-8")
    recs, errors = collect([str(exp)], tmp_settings)
    assert [r["url"] for r in recs] == ["https://x.example.org/2"]
    assert [str(e).split(";")[0] for e in errors] == [
        f"{exp}:2: malformed CSV row (',' expected after '\"') in line 2"]
