"""Shared fixtures: a misbehaving HTTP server on 127.0.0.1, fixture pages, isolated settings."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS_DIR))  # make tests/httpserver.py importable as `httpserver`

from httpserver import MisbehavingServer  # noqa: E402

HTML_FIXTURES = TESTS_DIR / "data" / "html"
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def html_fixtures() -> Path:
    """Folder of small hand-written pages (tests/data/html/<case>.html)."""
    return HTML_FIXTURES


@pytest.fixture
def http_server():
    """A :class:`httpserver.MisbehavingServer` serving tests/data/html on 127.0.0.1 (random port)."""
    with MisbehavingServer(HTML_FIXTURES) as srv:
        yield srv


@pytest.fixture
def make_http_server():
    """Factory: ``make_http_server(folder, robots=...)`` -> started server, stopped after the test."""
    servers: list[MisbehavingServer] = []

    def make(root: str | Path | None = None, **kw) -> MisbehavingServer:
        srv = MisbehavingServer(root, **kw).start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


@pytest.fixture
def tmp_settings(tmp_path, monkeypatch):
    """Settings whose data and cache directories live in a fresh temporary folder."""
    for var in ("OPSLENS_DATA_DIR", "OPSLENS_CACHE_DIR"):
        monkeypatch.delenv(var, raising=False)
    from opslens.settings import get_settings

    return get_settings(tmp_path / "store")


@pytest.fixture
def shared_dir() -> Path:
    """../shared (read-only team data); skips the test when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} not present (team datasets are not shipped with the project)")
    return SHARED_DIR
