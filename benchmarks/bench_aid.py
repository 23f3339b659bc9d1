"""Speed of the aid_announcement + procurement extractors (prints figures; not a timed test).

    .venv/bin/python benchmarks/bench_aid.py [--n 2000]

Three sets: real GDELT English news bodies as they are (~3.1 KB each, ../shared/datasets/
news-gdelt-en-2022-2024), and 3 KB articles built by concatenating development articles from
../shared/eval/dev (news leads and bodies from events_dev, aid-rich; aid-dense Kiel tracker
texts). It builds the Documents and does the pipeline's shared per-document work first (sentence
splitting and the one trigger scan of ``opslens.extract.base.trigger_hits``, measured with the
whole pipeline in bench_extract.py), then times only the two extractors, emptying the per-document
memos before each article as the pipeline does (repeated articles gain nothing). CPU seconds of
this process are the per-core figure (they hold on a busy shared machine); wall-clock is printed
beside them. Without ../shared, hand-written sentences are used.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from pathlib import Path

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"
GDELT = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "news-gdelt-en-2022-2024" / "articles.jsonl.gz"


def gdelt(n: int) -> list[dict]:
    """Real news bodies as they are (repeated up to ``n``)."""
    if not GDELT.is_file():
        return []
    with gzip.open(GDELT, "rt", encoding="utf-8") as f:
        recs = [json.loads(line) for line in f if line.strip()]
    return (recs * (n // max(1, len(recs)) + 1))[:n] if recs else []
FALLBACK = [
    "Canada will provide Ukraine with eight M777 howitzers, the defence minister said on Tuesday.",
    "Russian forces launched 40 cruise missiles at Ukrainian cities overnight, the Air Force said.",
    "The Netherlands announced a further €25 million in humanitarian aid for Ukraine.",
    "Fighting continued near Bakhmut, where more than 60 attacks were repulsed over the past day.",
    "Officials said the talks would focus on air defence and ammunition.",
]


def articles(path: Path | None, n: int, size: int = 3000) -> list[dict]:
    texts = FALLBACK
    if path is not None and path.is_file():
        with path.open(encoding="utf-8") as f:
            texts = [t for t in (json.loads(line).get("text") for line in f) if t]
    rnd = random.Random(1)
    out = []
    for i in range(n):
        t = ""
        while len(t) < size:
            t += rnd.choice(texts) + "\n"
        out.append({"id": str(i), "title": "headline", "text": t[:size], "published": "2022-05-01"})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    a = ap.parse_args()
    from opslens.extract import build_document
    from opslens.extract.base import trigger_hits
    try:
        from opslens.extract.base import clear_doc_memos
    except ImportError:  # an older pipeline without per-document memos
        def clear_doc_memos() -> None:
            return None
    from opslens.extract.aid import AidExtractor
    from opslens.extract.procurement import ProcurementExtractor

    ex = [AidExtractor(), ProcurementExtractor()]
    for e in ex:  # load lexicons and compile patterns outside the timing
        e.extract(build_document({"id": "w", "text": FALLBACK[0], "published": "2022-05-01"}))
    for name, src in (("real news (GDELT bodies)", None),
                      ("aid-rich news (events_dev bodies)", DEV / "events_dev.articles.jsonl"),
                      ("aid-dense (Kiel tracker texts)", DEV / "aid_kiel_2022.articles.jsonl")):
        recs = gdelt(a.n) if src is None else articles(src if src.is_file() else None, a.n)
        if not recs:
            continue
        docs = [build_document(r) for r in recs]
        for d in docs:  # the pipeline's shared per-document work (sentences are split lazily)
            _ = d.sentences
            trigger_hits(d)
        t0, c0 = time.perf_counter(), time.process_time()
        n_ev = 0
        for d in docs:
            clear_doc_memos()  # as the pipeline does before each article: no memo carries over
            n_ev += sum(len(e.extract(d)) for e in ex)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        print(f"{name}: {len(docs) / dc:,.0f} articles per CPU second ({len(docs) / dt:,.0f}/s wall), "
              f"{dc * 1000 / len(docs):.2f} ms/article ({len(docs)} x 3 KB, {n_ev} events)")


if __name__ == "__main__":
    main()
