"""HTML -> article record, the body-extractor registry and `opslens parse`."""
from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from opslens.cli import main
from opslens.errors import InputError
from opslens.parse import BODY_EXTRACTORS, DEFAULT_EXTRACTOR, RECORD_FIELDS, parse_html, register_extractor


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to open a network connection."""
    def refuse(self, address, *a, **kw):
        raise AssertionError(f"network access attempted: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def test_record_has_every_field_and_metadata(html_fixtures, no_network):
    rec = parse_html((html_fixtures / "article_basic.html").read_bytes())
    assert tuple(rec) == RECORD_FIELDS
    assert rec["title"] == "Air defence downs drones over Kyiv region"
    assert rec["authors"] == ["Olena Test"]
    assert rec["language"] == "en"
    assert rec["source"] == "example-wire.org"
    assert rec["published"] == "2023-05-10T08:15:00+03:00" and rec["published_source"] == "json-ld"
    assert rec["origin"] == "html" and rec["extra"] == {} and rec["id"] is None


def test_saved_page_url_comes_from_canonical_link(html_fixtures):
    rec = parse_html((html_fixtures / "article_basic.html").read_bytes())
    assert rec["url"].startswith("https://www.example-wire.org/world/2023/05/10/air-defence")
    assert rec["canonical_url"] == "https://www.example-wire.org/world/2023/05/10/air-defence-downs-drones-over-kyiv-region"


def test_saved_page_url_falls_back_to_og_url(html_fixtures):
    rec = parse_html((html_fixtures / "og_url_only.html").read_bytes())
    assert rec["canonical_url"] == "https://www.port-news.example.com/odesa/resumes"
    assert rec["source"] == "example.com"
    assert rec["published"] == "2023-07-21" and rec["published_source"] == "meta"


def test_fetched_url_wins_over_canonical_link(html_fixtures):
    rec = parse_html((html_fixtures / "article_basic.html").read_bytes(), "https://mirror.example.org/story?id=7")
    assert rec["url"] == "https://mirror.example.org/story?id=7"
    assert rec["source"] == "example.org" and rec["origin"] == "url"


def test_body_keeps_article_and_drops_boilerplate_and_title(html_fixtures):
    text = parse_html((html_fixtures / "article_basic.html").read_bytes())["text"]
    assert "shot down most of the attack drones" in text
    assert "warehouse in the Bucha district" in text
    for junk in ("Accept all cookies", "Related stories", "Missiles hit Odesa port", "All rights reserved", "Sport"):
        assert junk not in text
    assert not text.startswith("Air defence downs drones")


def test_meta_charset_decodes_cyrillic_bytes(html_fixtures):
    rec = parse_html((html_fixtures / "charset_cp1251.html").read_bytes())
    assert rec["title"] == "Київ: ППО збила дрони над містом"
    assert "протиповітряної оборони" in rec["text"]
    assert rec["language"] == "uk"


def test_http_charset_header_is_used_for_bytes():
    html = "<html><head><title>Харків</title></head><body><p>" + "Харків під обстрілом. " * 30 + "</p></body></html>"
    rec = parse_html(html.encode("koi8-u"), "https://e.com/x", content_type="text/html; charset=koi8-u")
    assert rec["title"] == "Харків"


def test_empty_and_garbage_input_give_a_record_not_a_crash():
    assert parse_html(b"")["text"] == ""
    rec = parse_html(b"\x00\x01\x02\xff\xfe", "https://e.com/a")
    assert rec["source"] == "e.com" and rec["title"] is None and rec["published"] is None


def test_registry_has_both_library_extractors_and_default():
    assert {"trafilatura", "newspaper"} <= set(BODY_EXTRACTORS)
    assert DEFAULT_EXTRACTOR in BODY_EXTRACTORS


def test_unknown_extractor_is_a_clear_error(html_fixtures):
    with pytest.raises(InputError, match="no such body extractor.*choose one of"):
        parse_html((html_fixtures / "article_basic.html").read_bytes(), extractor="nope")


def test_registered_extractor_is_used(html_fixtures):
    register_extractor("first-paragraph-test")(lambda html, url: "FIRST")
    try:
        rec = parse_html((html_fixtures / "date_meta.html").read_bytes(), extractor="first-paragraph-test")
        assert rec["text"] == "FIRST"
    finally:
        BODY_EXTRACTORS.pop("first-paragraph-test")


def test_newspaper_extractor_never_goes_to_the_network(html_fixtures, no_network):
    rec = parse_html((html_fixtures / "article_basic.html").read_bytes(), extractor="newspaper")
    assert "warehouse in the Bucha district" in rec["text"]


# --- opslens parse ------------------------------------------------------------------------------

def test_parse_command_writes_contract_lines_with_file_stem_ids(tmp_path, html_fixtures):
    src = tmp_path / "pages"
    src.mkdir()
    (src / "one.html").write_bytes((html_fixtures / "article_basic.html").read_bytes())
    (src / "two.html.gz").write_bytes(gzip.compress((html_fixtures / "date_meta.html").read_bytes()))
    out = tmp_path / "out" / "articles.jsonl"
    assert main(["-q", "parse", str(src), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["one", "two"]
    for r in rows:
        assert {"id", "url", "title", "published", "source", "text"} <= set(r)
    assert rows[1]["title"] == "Grain corridor talks resume"
    assert rows[1]["published"] == "2022-07-19T16:45:00+02:00"


def test_parse_command_reports_bad_file_and_exits_1(tmp_path, html_fixtures, caplog):
    bad = tmp_path / "broken.html.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    good = html_fixtures / "date_time.html"
    out = tmp_path / "a.jsonl"
    assert main(["-q", "parse", str(bad), str(good), "--out", str(out)]) == 1
    assert "broken.html.gz: damaged gzip file" in caplog.text
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["date_time"]


def test_parse_command_points_other_inputs_to_ingest(tmp_path, html_fixtures, caplog):
    """A WARC file or a feed given to `opslens parse` is named as what it is, with the command that
    reads it; the pages beside it are still written, and a page saved without a suffix is parsed."""
    warc = tmp_path / "crawl.warc"
    warc.write_bytes(b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n")
    feed = tmp_path / "news.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>')
    bare = tmp_path / "saved-page"
    bare.write_bytes((html_fixtures / "date_time.html").read_bytes())
    out = tmp_path / "a.jsonl"
    assert main(["-q", "parse", str(warc), str(feed), str(bare), "--out", str(out)]) == 1
    assert "crawl.warc: is a WARC file, not a saved HTML page" in caplog.text
    assert f"opslens ingest {warc}" in caplog.text
    assert "news.xml: is an RSS/Atom feed" in caplog.text
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["saved-page"]


def test_parse_command_bad_usage_exits_2(tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["parse", str(tmp_path)])  # --out missing
    assert e.value.code == 2


@pytest.mark.quality
def test_default_extractor_f1_on_benchmark_dev_pages(tmp_path, shared_dir):
    """Quality gate: F1 >= 0.96 on the article-extraction benchmark (scored by ../shared/eval/score.py)."""
    bench = shared_dir / "datasets" / "article-extraction-benchmark"
    out = tmp_path / "bench.jsonl"
    assert main(["-q", "parse", str(bench / "html"), "--out", str(out)]) == 0
    res = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), "html", "--pred", str(out),
                          "--gold", str(bench / "ground-truth.json"), "--json"],
                         capture_output=True, text=True, check=True)
    scores = json.loads(res.stdout)
    assert scores["missing"] == 0
    assert scores["f1"] >= 0.96, scores


def test_parse_command_with_no_pages_is_an_error(tmp_path, capsys):
    assert main(["-q", "parse", str(tmp_path), "--out", str(tmp_path / "o.jsonl")]) == 1
    assert "no HTML pages found" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_authors_from_byline_when_no_structured_author():
    html = ("<html><head><title>T</title></head><body><article><h1>T</h1>"
            '<p class="byline">By Iryna Koval and Mark Dolan</p>'
            + "<p>" + "Text of the story goes on for a while here. " * 20 + "</p></article></body></html>")
    assert parse_html(html)["authors"] == ["Iryna Koval", "Mark Dolan"]
