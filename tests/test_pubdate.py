"""Publication date: each source on a small hand-written page, and the conflict rules."""
from __future__ import annotations

import lxml.html
import pytest

from opslens.pubdate import date_from_url, find_date, normalize_date


def page(head: str = "", body: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head>{head}</head><body>{body}<p>Some text.</p></body></html>")


def test_jsonld_date_published_keeps_offset():
    tree = page('<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2023-04-21T07:30:00+03:00"}</script>')
    assert find_date(tree) == ("2023-04-21T07:30:00+03:00", "json-ld")


def test_jsonld_inside_graph_and_type_list():
    tree = page('<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "dateCreated": "2005-01-01"},'
                '{"@type": ["Article", "NewsArticle"], "datePublished": "2022-02-24T05:00:00Z"}]}</script>')
    assert find_date(tree) == ("2022-02-24T05:00:00+00:00", "json-ld")


def test_jsonld_modified_date_is_never_the_publication_date():
    tree = page('<script type="application/ld+json">{"@type": "NewsArticle", "dateModified": "2023-05-01"}</script>')
    assert find_date(tree, fallback=False) == (None, None)


def test_broken_jsonld_falls_back_to_meta():
    tree = page('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>'
                '<meta property="article:published_time" content="2023-01-02T10:00:00+02:00">')
    assert find_date(tree) == ("2023-01-02T10:00:00+02:00", "meta")


@pytest.mark.parametrize("attr,key,value,expected", [
    ("property", "article:published_time", "2022-03-01T12:00:00+0200", "2022-03-01T12:00:00+02:00"),
    ("name", "parsely-pub-date", "2022-03-01T10:00:00Z", "2022-03-01T10:00:00+00:00"),
    ("name", "sailthru.date", "Tue, 01 Mar 2022 10:00:00 GMT", "2022-03-01T10:00:00+00:00"),
    ("name", "DC.date.issued", "2022-03-01", "2022-03-01"),
    ("itemprop", "datePublished", "2022-03-01T09:15:00-05:00", "2022-03-01T09:15:00-05:00"),
])
def test_meta_tags(attr, key, value, expected):
    tree = page(f'<meta {attr}="{key}" content="{value}">')
    assert find_date(tree) == (expected, "meta")


def test_more_specific_meta_wins_over_generic_date_meta():
    tree = page('<meta name="date" content="2021-12-31">'
                '<meta property="article:published_time" content="2022-01-05T08:00:00Z">')
    assert find_date(tree)[0] == "2022-01-05T08:00:00+00:00"


def test_time_element_marked_as_published_beats_first_time():
    tree = page(body='<header><time datetime="2024-01-01">site</time></header>'
                     '<article><time itemprop="datePublished" datetime="2023-03-14T18:20:00+02:00">x</time></article>')
    assert find_date(tree) == ("2023-03-14T18:20:00+02:00", "time")


def test_url_date_used_when_page_has_none():
    tree = page()
    assert find_date(tree, "https://example.com/news/2022/09/11/counteroffensive", fallback=False) == ("2022-09-11", "url")


def test_json_ld_beats_meta_and_time_beats_nothing(html_fixtures):
    tree = lxml.html.fromstring((html_fixtures / "article_basic.html").read_text("utf-8"))
    # JSON-LD says 08:15, the meta tag 09:00: JSON-LD is trusted more.
    assert find_date(tree) == ("2023-05-10T08:15:00+03:00", "json-ld")


def test_day_from_trusted_source_gets_time_from_later_source_same_day(html_fixtures):
    tree = lxml.html.fromstring((html_fixtures / "date_conflict.html").read_text("utf-8"))
    # JSON-LD gives only the day (24th); the meta tag (25th) disagrees and is ignored; the <time>
    # element on the 24th supplies the time. dateModified and the WebSite's dateCreated are ignored.
    assert find_date(tree) == ("2022-10-24T21:10:00+03:00", "json-ld")


def test_htmldate_fallback_reads_visible_date():
    tree = page(body="<p class='date'>Published 12 August 2022</p>")
    html = lxml.html.tostring(tree, encoding="unicode")
    assert find_date(tree, html=html) == ("2022-08-12", "htmldate")
    assert find_date(tree, html=html, fallback=False) == (None, None)


def test_no_date_anywhere(html_fixtures):
    html = (html_fixtures / "date_none.html").read_text("utf-8")
    assert find_date(lxml.html.fromstring(html), html=html) == (None, None)


def test_implausible_dates_are_skipped():
    tree = page('<meta property="article:published_time" content="2999-01-01T00:00:00Z">'
                '<meta name="date" content="1970-01-01">')
    assert find_date(tree, fallback=False) == (None, None)


@pytest.mark.parametrize("raw,expected", [
    ("2023-04-21", "2023-04-21"),
    ("2023-04-21T07:30:00Z", "2023-04-21T07:30:00+00:00"),
    ("2023-04-21T07:30:00.123+03:00", "2023-04-21T07:30:00+03:00"),
    ("April 21, 2023", "2023-04-21"),
    ("21 April 2023 07:30 EEST", "2023-04-21T07:30:00+03:00"),
    ("not a date", None),
    ("", None),
    ("2023-02-30", None),
])
def test_normalize_date(raw, expected):
    assert normalize_date(raw) == expected


@pytest.mark.parametrize("url,expected", [
    ("https://e.com/2023/04/21/story", "2023-04-21"),
    ("https://e.com/news/2023-04-21-drones", "2023-04-21"),
    ("https://e.com/news/20230421/drones.html", "2023-04-21"),
    ("https://e.com/news/2023/13/40/x", None),
    ("https://e.com/id/123456789", None),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


def test_live_blog_takes_the_earliest_entry_time_not_the_newest():
    entries = "".join(f'<article class="entry"><time datetime="2022-10-11T{h}:00+03:00">{h}</time><p>x</p></article>'
                      for h in ("22:34", "13:56", "06:21"))
    assert find_date(page(body=entries)) == ("2022-10-11T06:21:00+03:00", "time")


def test_updated_time_in_article_does_not_replace_published_time():
    tree = page(body='<article><p>Updated <time datetime="2023-03-15T09:00:00Z">15 March</time></p>'
                     '<p>First published <time datetime="2023-03-14T18:20:00+02:00">14 March</time></p></article>')
    assert find_date(tree) == ("2023-03-14T18:20:00+02:00", "time")


def test_htmldate_fallback_does_not_load_dateparser():
    """dateparser's locale data costs 1.5-3.5 s per process; the fallback must not pull it in."""
    import subprocess
    import sys

    # A written Ukrainian date: htmldate's extensive search would hand it to dateparser (and load
    # every locale); the fallback's markup-only search leaves it alone.
    code = ("import sys, lxml.html\n"
            "from opslens.pubdate import find_date\n"
            "t = lxml.html.fromstring('<html><body><p class=\"date\">Опубліковано 12 серпня 2022</p>"
            "<p>Text.</p></body></html>')\n"
            "print(find_date(t), 'dateparser' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[-1] == "False", out
