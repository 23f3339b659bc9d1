"""Extraction speed and memory: articles/s on one core, peak memory for two input sizes.

    .venv/bin/python benchmarks/bench_extract.py                 # real + dev articles, 10k and 100k synthetic
    .venv/bin/python benchmarks/bench_extract.py --sizes 2000,20000 --mixes dense=0.25/0
    .venv/bin/python benchmarks/bench_extract.py --types drone_attack,missile_attack,ground_assault

Prints figures (not a test). Each measurement runs in a fresh child process pinned to one CPU
(``os.sched_setaffinity``), streaming articles through ``opslens.extract.extract_records`` and
discarding the events, so memory is the pipeline's own: peak RSS (``resource.getrusage``) should
stay flat as the input grows. The synthetic articles (~3 KB each) mix war-report sentences
(drones, missiles, assaults, aid, places, numbers, dates), near misses (sentences with trigger
words that are no event: hedges, requests, plans, history, running totals) and filler (everyday
news, some with aid words such as "delivered" or "medicine", some without any trigger word),
generated deterministically from a seed. ``--mixes`` names the sets. ``news-like`` (1 % event
sentences, 20 % of the others near misses, half the filler trigger-free) is calibrated to be a
little harder than the real GDELT news bodies on both profile figures: about 0.36 events per
article (GDELT 0.29) and 0.51 of sentences holding a trigger word (GDELT 0.38). ``stress`` (10 %
event sentences, no trigger-free filler) has about 3 events per article, ten times real news.
``--profile`` prints these figures for every set. No text from ../shared is put
in the synthetic set. Real articles: the GDELT English news bodies (~3.1 KB each) and the dev
articles, read from ../shared when present; the real sets are passed ``--repeat`` times, which
flatters nothing: the pipeline's sentence memos (``base.doc_memo``) are emptied before every
article. A per-extractor breakdown (documents/s for each
extractor alone) shows where the time goes.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev"

_PLACES = ["Kyiv", "Kharkiv", "Odesa", "Zaporizhzhia", "Dnipro", "Mykolaiv", "Lviv", "Sumy", "Kherson", "Bakhmut",
           "Avdiivka", "Kramatorsk", "Poltava", "Vinnytsia", "Belgorod", "Chernihiv", "Izium", "Kupiansk"]
_REGIONS = ["Kyiv region", "Kharkiv region", "Odesa region", "Donetsk region", "Luhansk region", "Zaporizhzhia region"]
_WEAPONS = ["Shahed drones", "Kh-101 cruise missiles", "Kalibr missiles", "Iskander-M missiles", "drones",
            "cruise missiles", "S-300 missiles", "Lancet drones", "attack drones"]
_EVENT = [
    "Air defence shot down {n} {w} over {p} overnight, the regional military administration said.",
    "Russia launched {n} {w} at {p} on {d}, {m} of which were destroyed.",
    "A missile hit an industrial facility in {p} yesterday, killing {k} people and injuring {m}.",
    "Over the past day, more than {n} enemy attacks were repulsed in the {r}.",
    "Ukrainian forces repelled {k} attacks near {p}, the General Staff said.",
    "{c} will send Ukraine {n} howitzers and ammunition worth ${m} million, the ministry said.",
]
_FILLER = [
    "Officials met on {d} to discuss the reconstruction of schools and hospitals in the city.",
    "The council approved a budget for road repairs and public transport after a long debate.",
    "Analysts said the economy was recovering slowly as exports of grain resumed through the ports.",
    "Residents queued for water and electricity while engineers worked to restore the network.",
    "The minister said talks with partners would continue next month in Brussels and Warsaw.",
    "Prices for fuel and food rose again, according to the national statistics service.",
    "Volunteers delivered generators, medicine and warm clothes to villages near the front line.",
    "The football league announced that matches would resume with stadiums closed to spectators.",
]
#: sentences with trigger words that are no event (hedges, requests, plans, history, running totals,
#: alerts without strikes): real news is full of them, and the extractors must look at each one
_NEAR_MISS = [
    "Experts said cheap drones are hard to detect and easy to build in large numbers.",
    "The government asked its partners for more air defence systems before the winter.",
    "In 2014 Russian troops seized Crimea, and the museum now documents those weeks.",
    "A general said the army could launch a new offensive in the spring if supplies arrive.",
    "Lawmakers debated a proposal to send tanks to Ukraine, but no decision was taken.",
    "Since February, Russia has fired thousands of missiles at Ukrainian cities, the report said.",
    "The defence ministry said it would buy more armoured vehicles next year.",
    "Air raid sirens sounded in {p} for two hours, but no strikes were reported.",
    "The mayor of {p} said repairs to the damaged bridge would take several months.",
    "Prosecutors opened an investigation into the shelling of a school last year.",
]
#: filler without any trigger word (most of a real news article is about something else)
_NEUTRAL = [
    "The city theatre opened its season with a new production of a classic comedy.",
    "Rain and strong wind are forecast for the weekend in the western part of the country.",
    "The national team drew one-all in a friendly match played in {p} on {d}.",
    "Teachers said pupils were slowly catching up after months of lessons online.",
    "A local bakery has started baking bread from an old family recipe.",
    "Scientists at the university published a study on the migration of storks.",
    "Tickets for the concert were gone within an hour, the organisers said.",
    "The bridge over the river will be closed to cars for maintenance until Friday.",
    "Farmers expect a smaller sunflower harvest than last year.",
    "The library will stay open longer during the holidays.",
    "A photo exhibition about life in the villages of the Carpathians opened on {d}.",
]
_COUNTRIES = ["Germany", "Poland", "the United States", "Canada", "Norway", "France", "the Netherlands"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "April 21", "October 10", "May 5"]


def synthetic(n: int, seed: int = 7, size: int = 3000, density: float = 0.10, near_miss: float = 0.0,
              neutral: float = 0.0):
    """``n`` article records of about ``size`` characters, generated on the fly: a share
    ``density`` of event sentences, of the rest a share ``near_miss`` of sentences with trigger
    words that are no event, the others filler (everyday news, some of it with aid words such as
    "delivered" or "medicine"; a share ``neutral`` of it without any trigger word)."""
    rnd = random.Random(seed)
    for i in range(n):
        parts: list[str] = []
        length = 0
        while length < size:
            if rnd.random() < density:
                tpl = rnd.choice(_EVENT)
            elif near_miss and rnd.random() < near_miss:
                tpl = rnd.choice(_NEAR_MISS)
            elif neutral and rnd.random() < neutral:
                tpl = rnd.choice(_NEUTRAL)
            else:
                tpl = rnd.choice(_FILLER)
            s = tpl.format(n=rnd.randint(2, 90), m=rnd.randint(1, 40), k=rnd.randint(1, 12), w=rnd.choice(_WEAPONS),
                           p=rnd.choice(_PLACES), r=rnd.choice(_REGIONS), d=rnd.choice(_DAYS), c=rnd.choice(_COUNTRIES))
            parts.append(s)
            length += len(s) + 1
        day = 1 + i % 28
        yield {"id": f"syn-{i}", "title": f"Update {i}: {rnd.choice(_PLACES)}", "source": "synthetic.example",
               "published": f"2023-{1 + i % 12:02d}-{day:02d}T07:30:00+03:00", "text": " ".join(parts)}


def gdelt_articles():
    import gzip

    p = ROOT.parent / "shared" / "datasets" / "news-gdelt-en-2022-2024" / "articles.jsonl.gz"
    if not p.is_file():
        return []
    with gzip.open(p, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def dev_articles():
    recs = []
    for name in ("events_dev", "aid_kiel_2022", "seed_brief"):
        p = DEV / f"{name}.articles.jsonl"
        if p.is_file():
            with open(p, encoding="utf-8") as f:
                recs.extend(json.loads(line) for line in f if line.strip())
    return recs


def corpus_profile(records: list[dict]) -> dict:
    """How event-dense a set of articles is: characters and sentences per article, the share of
    sentences with a trigger word (at the start of a word) of the pipeline's one trigger scan
    (``base.trigger_hits``: the sentences extractors look into), and events per article (what the
    extractors then build)."""
    import bisect

    from opslens.extract import _extractors, build_document, extract_document
    from opslens.extract.base import trigger_hits

    _extractors()  # every extractor's trigger words registered before the first scan
    n = sents = hit_sents = events = chars = 0
    for r in records:
        d = build_document(r)
        starts = [x.start for x in d.sentences]
        low = d.cache["lower"] if trigger_hits(d) else ""
        # a trigger at the start of a word ("aid", not the "aid" inside "said": the scan finds
        # substrings, the extractors then check word boundaries)
        hit = {bisect.bisect_right(starts, end) - 1 for hs in trigger_hits(d).values() for end, w in hs
               if end - len(w) < 0 or not low[end - len(w)].isalnum()}
        n += 1
        chars += len(d.text)
        sents += len(starts)
        hit_sents += len(hit)
        events += len(extract_document(build_document(r)))
    n = max(1, n)
    return {"chars": round(chars / n), "sentences": round(sents / n, 1),
            "trigger_sentence_share": round(hit_sents / max(1, sents), 3), "events_per_article": round(events / n, 2)}


class _Timed:
    """An iterator that keeps the wall and CPU time spent inside its source's ``next()`` (the
    generation of synthetic articles, a few microseconds per sentence), so it can be taken out of
    the extraction figures."""

    def __init__(self, source: Any):
        self.source = iter(source)
        self.wall = self.cpu = 0.0

    def __iter__(self) -> "_Timed":
        return self

    def __next__(self) -> Any:
        w, c = time.perf_counter(), time.process_time()
        try:
            return next(self.source)
        finally:
            self.wall += time.perf_counter() - w
            self.cpu += time.process_time() - c


def _child(kind: str, n: int, mix: tuple[float, float, float], types: list[str] | None) -> None:
    """Measure one run in this (fresh) process and print one JSON line."""
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    os.environ["TQDM_DISABLE"] = "1"
    from opslens.extract import _extractors, build_document, extract_records
    from opslens.extract.base import clear_doc_memos

    # warm-up: load lexicons and automata once, outside the timing
    list(extract_records(synthetic(3, seed=1)))
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if kind in ("dev", "gdelt"):
        recs = (dev_articles() if kind == "dev" else gdelt_articles()) * max(1, n)
        source = iter(recs)
        count = len(recs)
        chars = sum(len(r.get("text") or "") for r in recs) / max(1, count)
    else:
        source = synthetic_mix(n, mix)
        count = n
        chars = None
    events = 0
    source = _Timed(source)  # the time spent making synthetic articles is not extraction time
    t0, c0 = time.perf_counter(), time.process_time()
    for _ev in extract_records(source, types):
        events += 1
    dt = time.perf_counter() - t0 - source.wall
    cpu = time.process_time() - c0 - source.cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    per: dict[str, int] = {}
    if kind != "synthetic" or n <= 20000:
        sample = list(dev_articles() if kind == "dev" else gdelt_articles() if kind == "gdelt" else synthetic_mix(500, mix))
        docs = [build_document(r) for r in sample[:1000]]
        for ex in _extractors():
            if types and ex.name not in types:
                continue
            for d in docs:
                d.cache.clear()
            t = time.process_time()
            for d in docs:
                clear_doc_memos()  # as the pipeline does: no memo carried over from another document
                ex.extract(d)
            per[ex.name] = round(len(docs) / max(1e-9, time.process_time() - t))
    print(json.dumps({"kind": kind, "articles": count, "seconds": round(dt, 2), "source_cpu_seconds": round(source.cpu, 2), "articles_per_s": round(count / dt),
                      "cpu_seconds": round(cpu, 2), "articles_per_cpu_s": round(count / max(cpu, 1e-9)),
                      "events": events, "chars": chars, "peak_rss_mb": round(peak / 1024, 1),
                      "rss_after_warmup_mb": round(base_rss / 1024, 1), "per_extractor_docs_per_s": per}))


def _run(kind: str, n: int, mix: tuple[float, float, float], types: str) -> dict:
    r = subprocess.run([sys.executable, __file__, "--child", kind, str(n), "/".join(map(str, mix)), types or "all"],
                       capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def _per(r: dict) -> str:
    per = r.get("per_extractor_docs_per_s") or {}
    return ("\n    each extractor alone (docs/s): " + ", ".join(f"{k} {v}" for k, v in per.items())) if per else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="synthetic article counts (comma-separated)")
    ap.add_argument("--mixes", default="news-like=0.01/0.2/0.5,stress=0.10/0/0",
                    help="synthetic sets as NAME=DENSITY/NEAR_MISS/NEUTRAL, comma-separated: the share of event "
                         "sentences; of the others, the share of non-event sentences with trigger words; of the "
                         "filler left, the share without any trigger word")
    ap.add_argument("--repeat", type=int, default=4, help="passes over the real / dev articles")
    ap.add_argument("--types", default="", help="only these event types (comma-separated; default all)")
    ap.add_argument("--profile", action="store_true",
                    help="only compare how event-dense the sets are (sentences, trigger-sentence share, events per article)")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        _child(a.child[0], int(a.child[1]), _mix(a.child[2]), None if a.child[3] == "all" else a.child[3].split(","))
        return
    mixes = _mixes(a.mixes)
    if a.profile:
        os.environ["TQDM_DISABLE"] = "1"
        sets = [("real GDELT news bodies", gdelt_articles()), ("dev articles (events + aid + seed)", dev_articles())]
        sets += [(f"synthetic {name} ~3 KB ({_label(mix)})", list(synthetic_mix(1000, mix))) for name, mix in mixes]
        for label, recs in sets:
            if recs:
                print(f"{label}: {corpus_profile(recs)}")
        return
    print(f"python {sys.version.split()[0]}, one core per run, fresh process per run, "
          f"event types: {a.types or 'all'}; CPU seconds are the process's own (robust on a busy machine), "
          f"each extractor alone in documents per CPU second")
    for kind, label in (("gdelt", "real GDELT news bodies"), ("dev", "dev articles (events + aid + seed)")):
        if (gdelt_articles() if kind == "gdelt" else dev_articles()):
            r = _run(kind, a.repeat, (0.0, 0.0, 0.0), a.types)
            print(f"{label} x{a.repeat}: {r['articles']} articles, {r['chars']:.0f} chars avg, "
                  f"{r['articles_per_s']} articles/s wall, {r['articles_per_cpu_s']} articles per CPU second, {r['events']} events, peak RSS {r['peak_rss_mb']} MB{_per(r)}")
        else:
            print(f"{label}: not present under ../shared, skipped")
    for name, mix in mixes:
        for n in (int(x) for x in a.sizes.split(",") if x):
            r = _run("synthetic", n, mix, a.types)
            print(f"synthetic {name} ~3 KB x {n} ({_label(mix)}): {r['seconds']} s, "
                  f"{r['articles_per_s']} articles/s wall, {r['articles_per_cpu_s']} articles per CPU second, "
                  f"{r['events']} events ({r['events'] / n:.2f} per article), peak RSS {r['peak_rss_mb']} MB "
                  f"(making the articles took another {r['source_cpu_seconds']} CPU s, not counted) "
                  f"(after warm-up {r['rss_after_warmup_mb']} MB){_per(r)}")


def _mix(spec: str) -> tuple[float, float, float]:
    """``"0.01/0.2/0.5"`` -> ``(0.01, 0.2, 0.5)`` (density, near-miss, neutral; missing parts 0)."""
    parts = [float(x) for x in spec.split("/")]
    if not 1 <= len(parts) <= 3 or not all(0 <= x <= 1 for x in parts):
        raise ValueError(spec)
    return tuple(parts + [0.0] * (3 - len(parts)))  # type: ignore[return-value]


def synthetic_mix(n: int, mix: tuple[float, float, float]):
    """:func:`synthetic` articles of one mix (density, near-miss, neutral)."""
    density, near_miss, neutral = mix
    return synthetic(n, density=density, near_miss=near_miss, neutral=neutral)


def _label(mix: tuple[float, float, float]) -> str:
    return f"event density {mix[0]}, near-miss {mix[1]}, neutral {mix[2]}"


def _mixes(spec: str) -> list[tuple[str, tuple[float, float, float]]]:
    """``"news-like=0.01/0.2/0.5,stress=0.10/0/0"`` -> ``[("news-like", (0.01, 0.2, 0.5)), ("stress", (0.1, 0.0, 0.0))]``."""
    out = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        try:
            name, rest = part.split("=")
            out.append((name, _mix(rest)))
        except ValueError:
            raise SystemExit(f"--mixes: {part!r} is not NAME=DENSITY/NEAR_MISS/NEUTRAL with shares in 0..1 "
                             "(e.g. news-like=0.01/0.2/0.5)") from None
    return out

if __name__ == "__main__":
    main()
