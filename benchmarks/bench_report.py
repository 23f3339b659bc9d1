#!/usr/bin/env python3
"""Weekly report on the bundled sample corpus, end to end: `opslens report` from process start to
the HTML written. Target <= 10 s (papermill's own floor is ~2.5 s from its CLI, a kernel start
~1.3 s on this kind of machine, see ../shared/MEASURED.md).

Usage (from the project root)::

    .venv/bin/python benchmarks/bench_report.py [--runs 3] [--week 2022-W46] [--data DIR]

Without ``--data`` the sample corpus (data/sample: HTML pages, feed, WARC) is ingested into a
temporary store first (timed separately, not part of the report figure). The first report run
also extracts the events of the store (cached next to the articles afterwards), so it is printed
apart as "cold"; the following runs are "warm", the steady state of a weekly cron job.
Also printed: a trivial notebook under papermill's CLI (the floor) and the report's cell times.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, TQDM_DISABLE="1"))
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-3000:]}")
    return dt, r


def papermill_floor(tmp: Path) -> float:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("x = 1")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    p = tmp / "trivial.ipynb"
    nbformat.write(nb, p)
    dt, _ = run([str(BIN / "papermill"), "--no-progress-bar", str(p), str(tmp / "trivial.out.ipynb")])
    return dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="warm runs (default 3)")
    ap.add_argument("--week", default="2022-W46")
    ap.add_argument("--data", default=None, help="existing store (default: ingest data/sample into a temp dir)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="opslens-bench-") as tmp_s:
        tmp = Path(tmp_s)
        store = Path(args.data) if args.data else tmp / "store"
        if not args.data:
            sample = ROOT / "data" / "sample"
            inputs = [sample / "html", sample / "feed.xml", sample / "sample.warc.gz"]
            dt, _ = run([str(BIN / "opslens"), "-q", "ingest", *map(str, inputs), "--data", str(store)])
            print(f"ingest data/sample (not part of the report figure): {dt:.2f} s")
        print(f"papermill CLI, trivial notebook (floor): {papermill_floor(tmp):.2f} s")
        cmd = [str(BIN / "opslens"), "-q", "report", "--week", args.week, "--data", str(store), "--out", str(tmp / "out")]
        cold, r = run(cmd)
        html = Path(r.stdout.strip().splitlines()[-1])
        # a cron job after each ingest runs cold, so the target holds for this run too
        print(f"opslens report --week {args.week}, cold (extracts and caches events): {cold:.2f} s; "
              f"target <= 10 s: {'met' if cold <= 10 else 'NOT met'}")
        warm = [run(cmd)[0] for _ in range(args.runs)]
        med = statistics.median(warm)
        print(f"opslens report --week {args.week}, warm, {args.runs} runs: median {med:.2f} s "
              f"(min {min(warm):.2f}, max {max(warm):.2f}); target <= 10 s: {'met' if med <= 10 else 'NOT met'}")
        nb = json.loads((tmp / "out" / "weekly_report.ipynb").read_text())
        cells = [(i, c["metadata"].get("papermill", {}).get("duration") or 0.0) for i, c in enumerate(nb["cells"])
                 if c["cell_type"] == "code"]
        total = sum(d for _i, d in cells)
        print(f"cells of the last run: {total:.2f} s in {len(cells)} code cells; slowest: "
              + ", ".join(f"#{i} {d:.2f} s" for i, d in sorted(cells, key=lambda x: -x[1])[:3]))
        print(f"HTML: {html.stat().st_size / 1e6:.2f} MB, {len(list((tmp / 'out' / 'figures').glob('*.png')))} figures, "
              f"{len(list((tmp / 'out' / 'tables').glob('*.csv')))} tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
