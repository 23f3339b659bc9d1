"""A small hand-written article corpus for the report tests (written for these tests, not copied
from any outlet), stored with the real ingest path into a fresh data directory.

Four ISO weeks, 2022-W43 .. 2022-W46 (24 Oct .. 20 Nov 2022): drone and missile nights, ground
assaults, an aid package, a purchase, and one article whose title carries a ``<script>`` tag.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

HOSTILE_TITLE = 'Air defence update <script>document.title="pwned"</script><img src=x onerror=alert(1)>'
HOSTILE_ID = "hostile-title"
FIRST_DAY = dt.date(2022, 10, 24)   # Monday of 2022-W43
LAST_DAY = dt.date(2022, 11, 20)    # Sunday of 2022-W46
WEEKS = ("2022-W43", "2022-W44", "2022-W45", "2022-W46")


def _published(day: dt.date, hour: int = 9) -> str:
    # 09:00 Kyiv (UTC+2 in November) written as UTC
    return dt.datetime(day.year, day.month, day.day, hour - 2, 0, tzinfo=dt.timezone.utc).isoformat()


def records() -> list[dict[str, Any]]:
    """Article records in the contract (id, url, title, published, source, text)."""
    out: list[dict[str, Any]] = []

    def add(aid: str, day: dt.date, source: str, title: str, text: str) -> None:
        out.append({"id": aid, "url": f"https://{source}/news/{aid}", "title": title,
                    "published": _published(day), "source": source, "text": text})

    for i in range((LAST_DAY - FIRST_DAY).days + 1):
        day = FIRST_DAY + dt.timedelta(days=i)
        if i % 2 == 0:
            n = 10 + i
            add(f"af-{day:%m%d}", day, "airforce.example.org", f"Air defence shot down {n - 2} drones",
                f"Overnight Russia launched {n} Shahed drones against Ukraine. Ukrainian air defence "
                f"shot down {n - 2} of them, the Ukrainian Air Force said on the morning of {day:%B} {day.day}.")
            add(f"kv-{day:%m%d}", day, "kyivnews.example.com", "Drones over the capital",
                f"Air defence forces shot down {3 + i % 4} Shahed drones over Kyiv overnight, the Kyiv City "
                f"Military Administration said on {day:%B} {day.day}.")
        if i % 7 == 3:
            add(f"ms-{day:%m%d}", day, "wire.example.net", "Missile strike on energy sites",
                f"Russia fired {20 + i} cruise missiles at Ukraine overnight; air defence destroyed 16 of "
                f"them, the Ukrainian Air Force said on {day:%B} {day.day}.")
        if i % 3 == 1:
            add(f"gs-{day:%m%d}", day, "wire.example.net", "General Staff morning report",
                f"Over the past day, more than {50 + i} enemy attacks were repulsed, the General Staff "
                f"of the Armed Forces of Ukraine said in its morning report of {day:%B} {day.day}.")
    add("aid-us", dt.date(2022, 11, 16), "wire.example.net", "New US security package",
        "The United States announced a new $400 million military aid package for Ukraine on Wednesday, "
        "including four HIMARS launchers, the Pentagon said.")
    add("buy-pl", dt.date(2022, 11, 17), "defence.example.org", "Poland orders tanks",
        "Poland signed a contract to buy 180 K2 tanks from South Korea for $3.4 billion on Thursday.")
    add(HOSTILE_ID, dt.date(2022, 11, 18), "aggregator.example.info", HOSTILE_TITLE,
        'Air defence forces shot down six Shahed drones over Odesa overnight, the Odesa regional '
        'military administration said. <b>Reader comments</b> <script>alert("x")</script>')
    add("wrap-1120", LAST_DAY, "wire.example.net", "The week in review",
        "Diplomats met in Brussels this week to discuss winter support for the Ukrainian energy grid.")
    return out


def build_store(data_dir: Path) -> Path:
    """Ingest :func:`records` into ``data_dir`` with the real store writer; returns ``data_dir``."""
    from opslens.ingest import ingest_records

    stats = ingest_records(records(), data_dir=data_dir, progress=False)
    assert not stats.errors, stats.errors
    return data_dir
