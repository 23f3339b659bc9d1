"""Ingest speed, end to end through the CLI: pages per CPU second, and the cost of a rerun.

Runs ``opslens -q ingest ...`` in a subprocess (imports included, as a user sees it) into a fresh
temporary store, then once more into the same store (every page already stored: pages are read
and hashed but not parsed). CPU time is the child's user+sys (``resource.RUSAGE_CHILDREN``).

Inputs: the article-extraction benchmark pages in ../shared (88 large pages; skipped when absent)
and the project's sample (data/sample/html, feed.xml, sample.warc.gz).

    .venv/bin/python benchmarks/bench_ingest.py

Measured 2026-11-26 on the team machine (2 cores, shared), median of 2-3 runs:

=====================================  ======  ========  ===========================
run                                    wall s  CPU s     pages / CPU s
=====================================  ======  ========  ===========================
benchmark html, 88 pages, fresh        2.7     2.66      33 (target >= 30)
benchmark html, rerun                  0.64    0.62      (nothing parsed)
sample html+feed+warc, rerun, before   1.78    1.78      (every page parsed again)
sample html+feed+warc, rerun, after    0.67    0.66      (nothing parsed)
same, store built by the old code      1.77    1.83      1st rerun parses (logs hashes)
  ... its 2nd and later reruns         0.75    0.62      (nothing parsed)
=====================================  ======  ========  ===========================

"before" = commit a25cbd9 (every rerun parsed every page again), "after" = this change.

About 0.5 s of each run is imports (pandas, pyarrow, newspaper, trafilatura) and opening the
store; the rest of a fresh run is ~23 ms a page, mostly trafilatura. dateparser is never loaded
(the htmldate fallback runs without its extensive search).
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BENCH_HTML = SHARED / "datasets" / "article-extraction-benchmark" / "html"
SAMPLE = ROOT / "data" / "sample"


def run(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, child CPU seconds, last output line) of ``opslens -q ingest ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    env = dict(os.environ, TQDM_DISABLE="1")
    r = subprocess.run([sys.executable, "-m", "opslens", "-q", "ingest", *args], capture_output=True,
                       text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode != 0:
        raise SystemExit(f"opslens ingest failed ({r.returncode}): {r.stderr[-2000:]}")
    return wall, cpu, r.stdout.strip().splitlines()[-1]


def report(name: str, pages: int | None, wall: float, cpu: float, line: str) -> None:
    rate = f"{pages / cpu:6.1f} pages/CPU-s" if pages else " " * 17
    print(f"{name:<38} wall {wall:5.2f} s  CPU {cpu:5.2f} s  {rate}  | {line}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        if BENCH_HTML.is_dir():
            n = sum(1 for p in BENCH_HTML.iterdir() if p.name.endswith((".html", ".html.gz")))
            store = Path(tmp) / "bench"
            report(f"benchmark html ({n} pages), fresh", n, *run([str(BENCH_HTML), "--data", str(store)]))
            report("benchmark html, rerun", None, *run([str(BENCH_HTML), "--data", str(store)]))
        else:
            print(f"{BENCH_HTML} absent: benchmark pages skipped")
        inputs = [str(SAMPLE / "html"), str(SAMPLE / "feed.xml"), str(SAMPLE / "sample.warc.gz")]
        store = Path(tmp) / "sample"
        report("sample html+feed+warc, fresh", None, *run([*inputs, "--data", str(store)]))
        report("sample html+feed+warc, rerun", None, *run([*inputs, "--data", str(store)]))
        report("sample html+feed+warc, rerun --reparse", None, *run([*inputs, "--data", str(store), "--reparse"]))


if __name__ == "__main__":
    main()
