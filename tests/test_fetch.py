"""The fetcher against a real, misbehaving HTTP server on 127.0.0.1, and the raw cache."""
from __future__ import annotations

import gzip
import hashlib
import re
import time

import pytest

from opslens.errors import FetchError
from opslens.fetch import Fetcher, RawCache, decode_html, sha256_hex

FAST = dict(delay=0.0, timeout=(2, 2), retries=2, backoff=0.01, max_retry_after=1)


@pytest.fixture
def fetcher(tmp_settings):
    with Fetcher(tmp_settings, **FAST) as f:
        yield f


def test_fetch_returns_body_and_caches_it(fetcher, http_server, html_fixtures):
    url = http_server.url("article_basic.html")
    res = fetcher.fetch(url)
    body = (html_fixtures / "article_basic.html").read_bytes()
    assert res.status == 200 and res.body == body and not res.from_cache
    assert res.sha256 == hashlib.sha256(body).hexdigest() and res.final_url == url
    assert res.fetched_at.endswith("Z")
    again = fetcher.fetch(url)
    assert again.from_cache and again.body == body and again.fetched_at == res.fetched_at
    assert http_server.hits_for("article_basic.html") == 1


def test_cache_survives_a_new_fetcher(tmp_settings, http_server):
    url = http_server.url("date_meta.html")
    with Fetcher(tmp_settings, **FAST) as f:
        f.fetch(url)
    with Fetcher(tmp_settings, **FAST) as f:
        assert f.fetch(url).from_cache
    assert http_server.hits_for("date_meta.html") == 1


def test_user_agent_names_opslens(fetcher, http_server):
    fetcher.fetch(http_server.url("date_meta.html"))
    agents = {h.get("User-Agent") for _, h in http_server.requests}
    assert all(a and a.startswith("OpsLens/") and "research" in a for a in agents)


def test_slow_response_times_out_with_clear_message(tmp_settings, http_server):
    with Fetcher(tmp_settings, delay=0, timeout=(1, 0.3), retries=1, backoff=0.01) as f:
        with pytest.raises(FetchError, match=r"timed out .* after 2 attempts"):
            f.fetch(http_server.url("slow/3/date_meta.html"))


def test_slow_but_within_timeout_succeeds(fetcher, http_server):
    assert fetcher.fetch(http_server.url("slow/0.2/date_meta.html")).status == 200


def test_429_honours_retry_after_then_succeeds(tmp_settings, http_server):
    with Fetcher(tmp_settings, delay=0, timeout=(2, 2), retries=3, backoff=0.001, max_retry_after=5) as f:
        t0 = time.monotonic()
        res = f.fetch(http_server.url("retry-after/2/0.3/date_meta.html"))
        elapsed = time.monotonic() - t0
    assert res.status == 200
    assert http_server.hits_for("retry-after/2/0.3/date_meta.html") == 3
    assert elapsed >= 0.6  # two waits of Retry-After: 0.3, not the 0.001 s backoff


def test_retry_after_is_capped(tmp_settings, http_server):
    with Fetcher(tmp_settings, delay=0, timeout=(2, 2), retries=1, backoff=0.001, max_retry_after=0.2) as f:
        t0 = time.monotonic()
        res = f.fetch(http_server.url("retry-after/1/3600/date_meta.html"))
    assert res.status == 200 and time.monotonic() - t0 < 60  # waited the 0.2 s cap, not an hour


def test_500_then_200_is_retried(fetcher, http_server):
    res = fetcher.fetch(http_server.url("flaky/1/date_meta.html"))
    assert res.status == 200
    assert http_server.hits_for("flaky/1/date_meta.html") == 2


def test_persistent_503_gives_up_after_retries(fetcher, http_server):
    with pytest.raises(FetchError, match=r"HTTP 503 .*after 3 attempts; the server may be down"):
        fetcher.fetch(http_server.url("always/503/x"))
    assert http_server.hits_for("always/503/x") == 3


def test_exponential_backoff_between_retries(tmp_settings, http_server):
    with Fetcher(tmp_settings, delay=0, timeout=(2, 2), retries=2, backoff=0.1, max_retry_after=5) as f:
        t0 = time.monotonic()
        with pytest.raises(FetchError):
            f.fetch(http_server.url("always/500/y"))
    assert time.monotonic() - t0 >= 0.1 + 0.2


def test_404_is_not_retried(fetcher, http_server):
    with pytest.raises(FetchError, match=r"missing.html: HTTP 404 .*check the URL"):
        fetcher.fetch(http_server.url("missing.html"))
    assert http_server.hits_for("missing.html") == 1


def test_redirect_is_followed_and_both_urls_cached(fetcher, http_server):
    url = http_server.url("redirect/date_time.html")
    res = fetcher.fetch(url)
    assert res.final_url == http_server.url("date_time.html")
    assert fetcher.fetch(http_server.url("date_time.html")).from_cache
    assert fetcher.fetch(url).from_cache


def test_redirect_loop_is_a_fetch_error(fetcher, http_server):
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.fetch(http_server.url("loop/a"))


def test_wrong_charset_header_on_utf8_body(tmp_path, tmp_settings, make_http_server):
    (tmp_path / "u.html").write_bytes("<html><head><title>Київ</title></head><body>Київ — Kyiv</body></html>".encode())
    srv = make_http_server(tmp_path)
    with Fetcher(tmp_settings, **FAST) as f:
        res = f.fetch(srv.url("charset/wrong/u.html"))
    assert "iso-8859-1" in res.content_type
    assert "Київ — Kyiv" in res.text()


def test_missing_charset_uses_meta_charset(fetcher, http_server):
    res = fetcher.fetch(http_server.url("charset/missing/charset_cp1251.html"))
    assert "Сили протиповітряної оборони" in res.text()


def test_no_content_type_at_all_but_html_body(fetcher, http_server):
    res = fetcher.fetch(http_server.url("charset/none/date_meta.html"))
    assert "Grain corridor" in res.text()


def test_charset_detected_without_any_declaration():
    body = ("<html><body><p>" + "Повітряна тривога у Києві та області тривала всю ніч. " * 20 + "</p></body></html>").encode("cp1251")
    text, enc = decode_html(body, "text/html")
    assert "Повітряна тривога" in text


def test_truncated_body_is_retried_then_reported(fetcher, http_server):
    with pytest.raises(FetchError, match=r"truncated response .* after 3 attempts"):
        fetcher.fetch(http_server.url("truncated/article_basic.html"))
    assert http_server.hits_for("truncated/article_basic.html") == 3


def test_non_html_content_type_is_rejected(fetcher, http_server):
    with pytest.raises(FetchError, match=r"not an HTML page \(Content-Type: application/pdf\)"):
        fetcher.fetch(http_server.url("type/application/pdf/date_meta.html"))


def test_robots_disallow_is_honoured_without_requesting_the_page(fetcher, http_server):
    with pytest.raises(FetchError, match="disallowed by robots.txt.*save the page"):
        fetcher.fetch(http_server.url("private/date_meta.html"))
    assert http_server.hits_for("private/date_meta.html") == 0
    assert http_server.hits_for("robots.txt") == 1
    fetcher.fetch(http_server.url("date_meta.html"))
    assert http_server.hits_for("robots.txt") == 1  # cached per host


@pytest.mark.parametrize("robots", [500, "hang"])
def test_unreachable_robots_allows_with_warning(tmp_settings, make_http_server, html_fixtures, caplog, robots):
    srv = make_http_server(html_fixtures, robots=robots)
    with Fetcher(tmp_settings, delay=0, timeout=(1, 0.3), retries=0) as f:
        assert f.fetch(srv.url("private/date_meta.html")).status == 200
    assert "robots.txt unreachable" in caplog.text


def test_politeness_delay_between_requests_to_one_host(tmp_settings, http_server):
    with Fetcher(tmp_settings, delay=0.4, timeout=(2, 2), retries=0) as f:
        t0 = time.monotonic()
        f.fetch(http_server.url("date_meta.html"))
        f.fetch(http_server.url("date_time.html"))
        elapsed = time.monotonic() - t0
    assert elapsed >= 0.4


def test_crawl_delay_from_robots_is_honoured(tmp_settings, make_http_server, html_fixtures):
    srv = make_http_server(html_fixtures, robots="User-agent: *\nCrawl-delay: 1\n")
    with Fetcher(tmp_settings, delay=0, timeout=(2, 2), retries=0) as f:
        t0 = time.monotonic()
        f.fetch(srv.url("date_meta.html"))
        f.fetch(srv.url("date_time.html"))
    assert time.monotonic() - t0 >= 1.0


def test_damaged_gzip_in_cache_is_reported_and_refetched(fetcher, http_server, caplog):
    url = http_server.url("date_meta.html")
    res = fetcher.fetch(url)
    path = fetcher.cache.object_path(res.sha256)
    path.write_bytes(b"not gzip at all")
    again = fetcher.fetch(url)
    assert not again.from_cache and again.body == res.body
    assert str(path) in caplog.text and "not a readable gzip file" in caplog.text
    assert http_server.hits_for("date_meta.html") == 2
    assert gzip.decompress(path.read_bytes()) == res.body  # repaired


def test_hash_mismatch_in_cache_is_reported_and_refetched(fetcher, http_server, caplog):
    url = http_server.url("date_time.html")
    res = fetcher.fetch(url)
    fetcher.cache.object_path(res.sha256).write_bytes(gzip.compress(b"tampered"))
    assert not fetcher.fetch(url).from_cache
    assert "does not match its sha256" in caplog.text


def test_unreadable_index_entry_is_reported_and_refetched(fetcher, http_server, caplog):
    url = http_server.url("og_url_only.html")
    fetcher.fetch(url)
    fetcher.cache.index_path(url).write_text("{broken json")
    assert not fetcher.fetch(url).from_cache
    assert "unreadable index entry" in caplog.text


def test_raw_cache_is_content_addressed(tmp_path):
    cache = RawCache(tmp_path)
    sha = cache.put(b"<html>same</html>")
    assert cache.put(b"<html>same</html>") == sha == sha256_hex(b"<html>same</html>")
    assert cache.get(sha) == b"<html>same</html>"
    assert len(list(tmp_path.rglob("*.gz"))) == 1
    assert not list(tmp_path.rglob(".tmp-*"))


def test_not_an_http_url(fetcher):
    with pytest.raises(FetchError, match="not an http"):
        fetcher.fetch("ftp://example.com/x")


def test_redirect_to_another_host_checks_that_hosts_robots(tmp_settings, make_http_server, html_fixtures):
    from httpserver import Response

    first = make_http_server(html_fixtures, robots="User-agent: *\nAllow: /\n")
    other = make_http_server(html_fixtures)  # disallows /private/
    first.route("/moved/a", Response(302, headers={"Location": other.url("private/date_meta.html"),
                                                   "Content-Type": "text/plain"}))
    first.route("/moved/b", Response(301, headers={"Location": other.url("date_meta.html"),
                                                   "Content-Type": "text/plain"}))
    with Fetcher(tmp_settings, **FAST) as f:
        with pytest.raises(FetchError, match=r"moved/a: .*disallowed by robots.txt"):
            f.fetch(first.url("moved/a"))
        assert other.hits_for("robots.txt") == 1
        assert other.hits_for("private/date_meta.html") == 0, "the disallowed page must not be requested"
        res = f.fetch(first.url("moved/b"))  # allowed on the other host: followed
        assert res.final_url == other.url("date_meta.html") and res.status == 200
    assert other.hits_for("robots.txt") == 1  # cached per host


def test_redirect_within_a_host_to_a_disallowed_path_is_refused(fetcher, http_server):
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        fetcher.fetch(http_server.url("redirect/private/date_meta.html"))
    assert http_server.hits_for("private/date_meta.html") == 0


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dead_host_names_the_refusal_and_what_to_do(tmp_settings):
    url = f"http://127.0.0.1:{_closed_port()}/news/1"
    with Fetcher(tmp_settings, **FAST) as f:
        with pytest.raises(FetchError) as err:
            f.fetch(url)
    msg = str(err.value)
    assert msg.startswith(url + ": ")
    assert "connection refused" in msg.lower()  # the cause, not urllib3's wrapper text
    assert "HTTPConnectionPool" not in msg and "Max retries" not in msg
    assert "after 3 attempts" in msg and "check that the server is up" in msg


def test_rate_limit_hint_names_an_option_that_exists(fetcher, http_server):
    from opslens.cli import build_parser

    with pytest.raises(FetchError, match=r"HTTP 429 .*after 3 attempts") as err:
        fetcher.fetch(http_server.url("always/429/x"))
    options = set(re.findall(r"--[a-z-]+", err.value.hint or ""))
    assert options, "a rate-limited user is told which option slows OpsLens down"
    ingest_help = build_parser()._subparsers._group_actions[0].choices["ingest"].format_help()
    assert all(o in ingest_help for o in options), f"{options} not options of opslens ingest"


def test_truncated_body_says_how_much_arrived(fetcher, http_server, html_fixtures):
    size = len((html_fixtures / "article_basic.html").read_bytes())
    with pytest.raises(FetchError) as err:
        fetcher.fetch(http_server.url("truncated/article_basic.html"))
    got = re.search(rf"truncated response \(got (\d+) of {size + 1000} bytes\)", str(err.value))
    assert got and int(got.group(1)) < size
    assert "IncompleteRead" not in str(err.value)


def test_unreachable_robots_warning_gives_the_cause_in_a_few_words(tmp_settings, caplog):
    url = f"http://127.0.0.1:{_closed_port()}/news/1"
    with Fetcher(tmp_settings, delay=0, timeout=(2, 2), retries=0) as f:
        with pytest.raises(FetchError):
            f.fetch(url)
    warning = next(r.getMessage() for r in caplog.records if "robots.txt unreachable" in r.getMessage())
    assert "(Connection refused)" in warning and "HTTPConnectionPool" not in warning, warning
