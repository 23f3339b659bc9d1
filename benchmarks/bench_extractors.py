#!/usr/bin/env python
"""Body-text extractors on the article-extraction benchmark pages: speed and F1.

Prints, for each extractor in ``opslens.parse.BODY_EXTRACTORS``: pages/s and MB/s of HTML (one
core, pages already decoded in memory) both per wall-clock second and per CPU second of this
process (the CPU figure is the per-core rate and holds on a busy shared machine), and the F1 of ``../shared/eval/score.py html`` when the
scorer and ground truth are present. Then the whole ``parse_html`` (metadata + date + default body
extractor: what ingest from saved HTML does per page) with a per-step time split.

    .venv/bin/python benchmarks/bench_extractors.py [--extractors trafilatura,newspaper] [--limit N]

Not a test: figures depend on the machine (see ../shared/MEASURED.md for this machine's class).
"""
from __future__ import annotations

import argparse
import gzip
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
BENCH = SHARED / "datasets" / "article-extraction-benchmark"


def load_pages(limit: int | None) -> list[tuple[str, str, int]]:
    from opslens.fetch import decode_html

    files = sorted((BENCH / "html").glob("*.html.gz"))[: limit or None]
    pages = []
    for p in files:
        raw = gzip.decompress(p.read_bytes())
        pages.append((p.name[: -len(".html.gz")], decode_html(raw)[0], len(raw)))
    return pages


def score(rows: list[dict]) -> dict | None:
    scorer, gold = SHARED / "eval" / "score.py", BENCH / "ground-truth.json"
    if not scorer.is_file() or not gold.is_file():
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    res = subprocess.run([sys.executable, str(scorer), "html", "--pred", f.name, "--gold", str(gold), "--json"],
                         capture_output=True, text=True)
    Path(f.name).unlink()
    return json.loads(res.stdout) if res.returncode == 0 else None


def main() -> int:
    from opslens import parse as P

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extractors", default=",".join(P.BODY_EXTRACTORS), help="comma-separated names")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    a = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if not (BENCH / "html").is_dir():
        print(f"benchmark pages not found in {BENCH / 'html'}", file=sys.stderr)
        return 1
    pages = load_pages(a.limit)
    mb = sum(n for _, _, n in pages) / 1e6
    print(f"{len(pages)} pages, {mb:.1f} MB of HTML (median {sorted(n for *_, n in pages)[len(pages) // 2] / 1e3:.0f} KB)")
    # warm-up: imports and lazy caches are not part of the per-page cost
    for name in a.extractors.split(","):
        P.BODY_EXTRACTORS[name](pages[0][1], None)
    print(f"{'extractor':24s} {'pages/s':>8s} {'MB/s':>6s} {'p/cpu-s':>8s} {'MB/cpu-s':>8s} {'F1':>6s} {'P':>6s} {'R':>6s}")
    for name in a.extractors.split(","):
        fn = P.BODY_EXTRACTORS[name]
        rows, t0, c0 = [], time.perf_counter(), time.process_time()
        for pid, html, _ in pages:
            rows.append({"id": pid, "text": fn(html, None)})
        dt, ct = time.perf_counter() - t0, time.process_time() - c0
        s = score(rows) if a.limit is None else None
        f1 = f"{s['f1']:.3f} {s['precision']:.3f} {s['recall']:.3f}" if s else "   -      -      -"
        print(f"{name:24s} {len(pages) / dt:8.1f} {mb / dt:6.2f} {len(pages) / ct:8.1f} {mb / ct:8.2f} {f1}")

    # Whole parse_html, as ingest from saved HTML runs it, with a time split per step.
    import lxml.html  # noqa: F401

    from opslens.pubdate import find_date

    ce = P._content_extractor()
    split = {"lxml parse": 0.0, "newspaper metadata": 0.0, "date": 0.0, "body": 0.0}
    for pid, html, _ in pages:
        t = time.perf_counter()
        tree = P._parse_tree(html)
        split["lxml parse"] += time.perf_counter() - t
        t = time.perf_counter()
        P._title(tree, ce), P._authors(tree, ce), P._canonical(tree, None, ce), P._language(tree, ce)
        split["newspaper metadata"] += time.perf_counter() - t
        t = time.perf_counter()
        find_date(tree, None, html=html)
        split["date"] += time.perf_counter() - t
        t = time.perf_counter()
        P.extract_body(html, None)
        split["body"] += time.perf_counter() - t
    total = sum(split.values())
    print(f"\nparse_html steps, default extractor ({P.DEFAULT_EXTRACTOR}): "
          + ", ".join(f"{k} {v / total:.0%}" for k, v in split.items()))
    rows, t0, c0 = [], time.perf_counter(), time.process_time()
    for pid, html, _ in pages:
        rows.append({"id": pid, **{k: v for k, v in P.parse_html(html).items() if k in ("url", "title", "text")}})
    dt, ct = time.perf_counter() - t0, time.process_time() - c0
    s = score(rows) if a.limit is None else None
    print(f"parse_html end to end: {len(pages) / dt:.1f} pages/s, {mb / dt:.2f} MB/s wall; "
          f"{len(pages) / ct:.1f} pages/s, {mb / ct:.2f} MB/s per CPU second (one core)"
          + (f"; F1 {s['f1']:.3f}" if s else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
