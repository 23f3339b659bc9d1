"""Store benchmark (prints figures; not a test).

    .venv/bin/python benchmarks/bench_store.py [--articles 1000000] [--base 20000] [--skip-html]

1. write throughput: ``--base`` synthetic articles (1-3 KB of text each) through the full
   identity path (``StoreWriter.add``: hashing, MinHash, versions) -> articles/s and MB/s;
2. read throughput: ``load_articles()`` of that store -> articles/s and MB/s;
3. a synthetic store of ``--articles`` articles made by replicating the base rows with shifted
   dates (as a chronological ingest would write them), then the time and memory to load one
   week (target < 1 s), before and after compaction;
4. ingest from saved HTML: ``opslens.ingest`` over the benchmark pages in
   ``../shared/datasets/article-extraction-benchmark/html`` and ``data/sample/html`` when present
   -> pages/s (target >= 30 pages/s per core).

Everything is written below a temporary folder that is removed at the end.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

WORDS = ("air defence drone drones missile missiles region regional city village oblast overnight morning "
         "evening officials said reported governor administration forces attack attacks shot down destroyed "
         "launched damaged infrastructure energy power grid repair crews residents shelter alert warehouse "
         "port railway station bridge front line assault assaults repelled positions artillery shelling "
         "aid package equipment delivered announced ministry defence minister partners talks summit "
         "budget million billion dollars euros tanks vehicles ammunition shells systems the a of in on "
         "and to with for by at from after before during near over under about more than").split()


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def synthetic_records(n: int, start: dt.datetime, seed: int = 7) -> list[dict]:
    """``n`` distinct articles, 1-3 KB of text, spread evenly over 21 days from ``start``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    words = np.array(WORDS)
    sources = [f"outlet{i}.example.com" for i in range(40)]
    span = 21 * 86400
    out = []
    for i in range(n):
        k = int(rng.integers(170, 500))  # ~6 chars a word -> 1-3 KB
        text = " ".join(words[rng.integers(0, len(words), k)]) + f" Report {i}."
        src = sources[i % len(sources)]
        t = start + dt.timedelta(seconds=int(i * span / n))
        out.append({"url": f"https://{src}/news/{i}", "title": f"Report {i}", "published": t.isoformat(),
                    "published_source": "meta", "source": src, "text": text, "authors": [],
                    "language": "en", "origin": "url", "extra": {}})
    return out


def bench_write_read(base: int, data: Path) -> None:
    from opslens.articles import load_articles
    from opslens.store import ArticleStore

    recs = synthetic_records(base, dt.datetime(2022, 1, 3, tzinfo=dt.timezone.utc))
    mb = sum(len(r["text"].encode()) for r in recs) / 1e6
    t0 = time.perf_counter()
    with ArticleStore(data).writer(batch_size=5000) as w:
        for r in recs:
            w.add(r)
    t = time.perf_counter() - t0
    disk = sum(f.stat().st_size for f in (data / "articles").rglob("*.parquet")) / 1e6
    print(f"write  {base:>9,} articles  {t:6.2f} s  {base / t:9,.0f} articles/s  {mb / t:6.1f} MB/s of text"
          f"  ({mb:.0f} MB text -> {disk:.0f} MB Parquet)")
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        df = load_articles(data_dir=data)
        times.append(time.perf_counter() - t0)
    t = statistics.median(times)
    print(f"read   {len(df):>9,} articles  {t:6.2f} s  {len(df) / t:9,.0f} articles/s  {mb / t:6.1f} MB/s of text"
          f"  (load_articles(), all columns, median of 3)")


def build_replicated(base_dir: Path, big: Path, total: int) -> float:
    """Replicate the base store's rows into ``big`` until it holds ``total`` articles."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from opslens.store import ArticleStore, file_schema

    src = ArticleStore(base_dir)
    table = src.dataset(src.read_manifest().parts).to_table(columns=file_schema().names)
    table = table.sort_by("published")
    n = table.num_rows
    copies = -(-total // n)
    t0 = time.perf_counter()
    store = ArticleStore(big)
    with store.writer() as w:
        for k in range(copies):
            rows = min(n, total - k * n)
            t = table.slice(0, rows)
            shift = pa.scalar(dt.timedelta(days=21 * k), pa.duration("us"))
            pub = pc.add(t["published"], shift)
            suffix = f"-r{k}"
            ids = pc.binary_join_element_wise(t["id"], pa.scalar(suffix), "")
            urls = pc.binary_join_element_wise(t["canonical_url"], pa.scalar(suffix), "")
            t = t.set_column(t.schema.get_field_index("published"), "published", pub)
            t = t.set_column(t.schema.get_field_index("id"), "id", ids)
            t = t.set_column(t.schema.get_field_index("cluster_id"), "cluster_id", ids)
            t = t.set_column(t.schema.get_field_index("canonical_url"), "canonical_url", urls)
            t = t.set_column(t.schema.get_field_index("url"), "url", urls)
            months = pc.strftime(pub, format="%Y-%m")
            tables = {}
            for m in pc.unique(months).to_pylist():
                tables[m] = t.filter(pc.equal(months, m))
            w.write_tables(tables)
            if (k + 1) % 10 == 0:
                print(f"  ... {min(total, (k + 1) * n):,} articles", file=sys.stderr)
    return time.perf_counter() - t0


def bench_week(big: Path, label: str) -> None:
    from opslens.articles import load_articles
    from opslens.store import ArticleStore

    m = ArticleStore(big).read_manifest()
    total = sum(p.rows for p in m.parts)
    lo = min(dt.datetime.fromisoformat(p.min_published) for p in m.parts if p.min_published)
    hi = max(dt.datetime.fromisoformat(p.max_published) for p in m.parts if p.max_published)
    mid = lo + (hi - lo) / 2
    start = dt.datetime(mid.year, mid.month, mid.day, tzinfo=dt.timezone.utc)
    start -= dt.timedelta(days=start.weekday())  # a Monday in the middle of the store
    end = start + dt.timedelta(days=7)
    rss0 = rss_mb()
    t0 = time.perf_counter()
    df = load_articles(start, end, data_dir=big)
    first = time.perf_counter() - t0
    rss1 = rss_mb()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        df = load_articles(start, end, data_dir=big)
        times.append(time.perf_counter() - t0)
    tq = []
    for _ in range(3):
        t0 = time.perf_counter()
        dq = load_articles(start, end, query="shot down", columns=["id", "published", "title", "source"], data_dir=big)
        tq.append(time.perf_counter() - t0)
    files = len(ArticleStore(big).parts(start, end))
    print(f"week   {label}: {start:%Y-%m-%d} + 7 days, {len(df):,} of {total:,} articles from {files} of {len(m.parts)} part files: "
          f"first {first:.3f} s, median {statistics.median(times):.3f} s (target < 1 s); "
          f"DataFrame {df.memory_usage(deep=True).sum() / 1e6:.0f} MB, RSS change {rss1 - rss0:+.0f} MB; "
          f"with query='shot down' and 4 columns: {statistics.median(tq):.3f} s ({len(dq):,} rows)")


def bench_append(big: Path, total: int) -> None:
    """Open a writer on the big store (identity index) and add 1,000 new articles to it."""
    from opslens.store import ArticleStore

    new = synthetic_records(1000, dt.datetime(2023, 6, 5, tzinfo=dt.timezone.utc), seed=99)
    for r in new:
        r["url"] = r["url"].replace("/news/", "/late/")
    rss0 = rss_mb()
    t0 = time.perf_counter()
    with ArticleStore(big).writer() as w:
        t_open = time.perf_counter() - t0
        rss1 = rss_mb()
        t1 = time.perf_counter()
        res = [w.add(r).status for r in new]
    t_add = time.perf_counter() - t1
    print(f"append open a writer on {total:,} articles (identity index): {t_open:.1f} s, RSS change {rss1 - rss0:+.0f} MB; "
          f"add + commit 1,000 new articles: {t_add:.2f} s ({res.count('ok')} ok)")


def bench_html(tmp: Path) -> None:
    from opslens.ingest import ingest
    from opslens.settings import get_settings
    from opslens.sources import iter_records

    folders = [SHARED / "datasets" / "article-extraction-benchmark" / "html", ROOT / "data" / "sample" / "html"]
    for folder in folders:
        if not folder.is_dir():
            print(f"ingest {folder}: absent, skipped")
            continue
        pages = [p for p in folder.rglob("*") if p.is_file() and ".htm" in p.name]
        mb = sum(p.stat().st_size for p in pages) / 1e6
        data = tmp / f"html-{folder.parent.name}"
        t0 = time.perf_counter()
        stats = ingest([folder], data_dir=data, progress=False)
        t = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = ingest([folder], data_dir=data, progress=False)
        t_again = time.perf_counter() - t0
        t0 = time.perf_counter()
        n = sum(1 for _ in iter_records([folder], settings=get_settings(tmp / "parse-only"), on_error=lambda e: None))
        t_parse = time.perf_counter() - t0
        print(f"ingest {len(pages)} saved pages ({mb:.1f} MB) from {folder.relative_to(ROOT.parent)}: "
              f"{t:.1f} s, {len(pages) / t:.1f} pages/s on one core, {mb / t:.2f} MB/s "
              f"({stats.summary()}); target >= 30 pages/s/core. Parsing alone (iter_records, "
              f"{n} records) {t_parse:.1f} s = {100 * t_parse / t:.0f}% of it; rerun {t_again:.1f} s "
              f"({again.summary()})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1_000_000, help="size of the synthetic store")
    ap.add_argument("--base", type=int, default=20_000, help="articles written through the full path")
    ap.add_argument("--skip-html", action="store_true", help="skip the saved-HTML ingest figure")
    ap.add_argument("--html-only", action="store_true", help="only the saved-HTML ingest figure")
    ap.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (default: temp dir, removed)")
    args = ap.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="opslens-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, temp {tmp}")
        if args.html_only:
            bench_html(tmp)
            return 0
        base = tmp / "base"
        bench_write_read(args.base, base)
        big = tmp / "big"
        t = build_replicated(base, big, args.articles)
        disk = sum(f.stat().st_size for f in (big / "articles").rglob("*.parquet")) / 1e9
        print(f"built  {args.articles:,} articles by replication in {t:.1f} s ({args.articles / t:,.0f} articles/s, "
              f"{disk:.2f} GB on disk)")
        bench_week(big, "as ingested")
        from opslens.store import ArticleStore

        t0 = time.perf_counter()
        with ArticleStore(big).writer() as w:
            merged = w.compact(min_parts=2)
        print(f"compact merged {merged} part files in {time.perf_counter() - t0:.1f} s")
        bench_week(big, "compacted")
        bench_append(big, args.articles)
        if not args.skip_html:
            bench_html(tmp)
        import resource

        print(f"peak RSS of the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
