"""Media daily drone series on the shared dev news vs the official Air Force counts.

    .venv/bin/python benchmarks/measure_series_dev.py [WORKDIR]      (default WORKDIR /tmp/opslens-series-dev)

1. converts the dev news of ../shared to the article contract (one JSON Lines file in WORKDIR):
   eval/dev/events_dev.articles.jsonl as is; RUWA leads (ruwa-news-links-2022: title + lead, URL,
   outlet, date) not already in it; GDELT bodies (news-gdelt-en-2022-2024: text, seen date);
2. `opslens extract` -> mentions, `opslens series` -> daily series (merging happens there);
3. ../shared/eval/score.py series on all days with an estimate and on the days where the news
   gives a national total (column ``national``), over the official days the news covers
   (2022-09-28 .. 2022-11-17, where RUWA ends); the same with the hand-labelled gold events of
   events_dev in place of the extractor's, to separate extraction from merging;
4. an upper bound no merging can beat: the official days on which some drone mention dated that
   day (any place, any claimant) states a figure within 10 % of the official day total;
5. the same pipeline on the bundled sample corpus (data/sample/html: `opslens parse`, `extract`,
   `series`), scored over 2022-10-01 .. 2022-11-30.
Prints the scorer's figures; nothing is written outside WORKDIR.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OFFICIAL = SHARED / "datasets" / "missile-attacks-daily" / "missile_attacks_daily.csv"
RANGE = ("2022-09-28", "2022-11-17")


def articles(out: Path) -> dict[str, int]:
    n = {"events_dev": 0, "ruwa": 0, "gdelt": 0}
    seen: set[str] = set()
    with open(out, "w", encoding="utf-8") as f:
        for line in open(SHARED / "eval" / "dev" / "events_dev.articles.jsonl", encoding="utf-8"):
            r = json.loads(line)
            seen.add(r.get("url"))
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            n["events_dev"] += 1
        with gzip.open(SHARED / "datasets" / "ruwa-news-links-2022" / "RUWA_04.08.23.csv.gz", "rt", encoding="utf-8") as g:
            for r in csv.DictReader(g):
                url = r["src"]
                if url in seen:
                    continue
                seen.add(url)
                try:
                    pub = datetime.strptime(r["Date"], "%m/%d/%Y").strftime("%Y-%m-%d")
                except ValueError:
                    pub = None
                rec = {"id": "ruwa-" + hashlib.sha1(url.encode()).hexdigest()[:12], "url": url,
                       "title": r["title"] or None, "published": pub, "source": r["Site"] or None, "text": r["desc"] or ""}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n["ruwa"] += 1
        with gzip.open(SHARED / "datasets" / "news-gdelt-en-2022-2024" / "articles.jsonl.gz", "rt", encoding="utf-8") as g:
            for line in g:
                r = json.loads(line)
                rec = {"id": "gdelt-" + r["id"], "url": None, "title": None, "published": r["seendate_utc"],
                       "source": None, "text": r["text"]}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n["gdelt"] += 1
    return n


def gold_mentions(out: Path) -> int:
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for line in open(SHARED / "eval" / "dev" / "events_dev.gold.jsonl", encoding="utf-8"):
            g = json.loads(line)
            for e in g["events"]:
                f.write(json.dumps({**e, "article_id": e.get("article_id") or g["article_id"]}) + "\n")
                n += 1
    return n


def score(series: Path, national_only: bool, days: tuple[str, str] = RANGE) -> dict:
    pred = series
    if national_only:
        pred = series.with_name(series.stem + ".national.csv")
        with open(series, encoding="utf-8", newline="") as f, open(pred, "w", encoding="utf-8", newline="") as g:
            rd = csv.DictReader(f)
            wr = csv.DictWriter(g, fieldnames=rd.fieldnames, lineterminator="\n")
            wr.writeheader()
            wr.writerows(r for r in rd if r.get("national") == "True")
    res = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "series", "--pred", str(pred),
                          "--official", str(OFFICIAL), "--from", days[0], "--to", days[1], "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def reachable(mentions: Path, start: str, end: str) -> dict[str, int]:
    """Official days in [start, end] on which some drone mention dated that day states launched /
    destroyed within 10 % of the official day total (score.py's rule): what merging can reach."""
    sys.path.insert(0, str(SHARED / "eval"))
    from score import official_daily  # the scorer's own official totals

    off = official_daily(OFFICIAL)
    days = [d for d in off if start <= d <= end]
    figs: dict[tuple[str, int], list[float]] = {}
    for line in open(mentions, encoding="utf-8"):
        r = json.loads(line)
        if r.get("type") != "drone_attack" or not r.get("date"):
            continue
        for k, q in enumerate(("launched", "destroyed")):
            v = (r.get(q) or {}).get("value")
            if v is not None:
                figs.setdefault((r["date"], k), []).append(float(v))
    res = {"official_days": len(days)}
    for k, q in enumerate(("launched", "destroyed")):
        res[f"{q}_stated"] = sum(bool(figs.get((d, k))) for d in days)
        res[f"{q}_reachable"] = sum(any(abs(v - off[d][k]) <= 0.1 * max(off[d][k], 1) for v in figs.get((d, k), []))
                                    for d in days)
    return res


def main(argv: list[str]) -> None:
    work = Path(argv[0] if argv else "/tmp/opslens-series-dev")
    work.mkdir(parents=True, exist_ok=True)
    opslens = [sys.executable, "-m", "opslens", "-q"]
    arts, ev, series = work / "dev_articles.jsonl", work / "dev_events.jsonl", work / "dev_series.csv"
    print("articles:", articles(arts))
    subprocess.run([*opslens, "extract", str(arts), "--out", str(ev)], check=True)
    subprocess.run([*opslens, "series", str(ev), "--out", str(series), "--type", "drone_attack"], check=True)
    gold, gold_series = work / "gold_mentions.jsonl", work / "gold_series.csv"
    print("gold mentions:", gold_mentions(gold))
    subprocess.run([*opslens, "series", str(gold), "--out", str(gold_series), "--type", "drone_attack"], check=True)
    keys = ("official_days", "days_with_estimate", "launched_days", "launched_within10pct", "destroyed_days",
            "destroyed_within10pct", "destroyed_mae")
    print(f"score.py series, {RANGE[0]} .. {RANGE[1]}")
    print(f"{'events from':<12} {'days':<9} " + " ".join(f"{k:>22}" for k in keys))
    for label, s in (("extractor", series), ("gold labels", gold_series)):
        for nat in (False, True):
            r = score(s, nat)
            cells = " ".join(f"{r.get(k, float('nan')):>22.3f}" if isinstance(r.get(k), float) else f"{r.get(k, '-'):>22}"
                             for k in keys)
            print(f"{label:<12} {'national' if nat else 'all':<9} {cells}")
    print("days with some mention dated that day stating the figure / within 10% of the official total:")
    for label, m in (("extractor", ev), ("gold labels", gold)):
        print(f"  {label:<12}", reachable(m, *RANGE))
    sample = work / "sample"
    sample.mkdir(exist_ok=True)
    subprocess.run([*opslens, "parse", str(ROOT / "data" / "sample" / "html"), "--out", str(sample / "articles.jsonl")], check=True)
    subprocess.run([*opslens, "extract", str(sample / "articles.jsonl"), "--out", str(sample / "events.jsonl")], check=True)
    subprocess.run([*opslens, "series", str(sample / "events.jsonl"), "--out", str(sample / "series.csv"), "--type", "drone_attack"],
                   check=True)
    r = score(sample / "series.csv", False, ("2022-10-01", "2022-11-30"))
    print("sample corpus (data/sample/html), 2022-10-01 .. 2022-11-30:",
          {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items() if k in keys or k.endswith("_mae")})
    print("  ", reachable(sample / "events.jsonl", "2022-10-01", "2022-11-30"))


if __name__ == "__main__":
    main(sys.argv[1:])
