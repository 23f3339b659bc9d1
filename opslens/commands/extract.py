"""``opslens extract ARTICLES.jsonl --out EVENTS.jsonl``: the event contract, file to file.

Reads article records (JSON Lines, the article contract; missing optional fields, null
``published``, empty text and extra fields are all fine), streams them through the extractors
and writes one event mention per line. ``-`` reads stdin / writes stdout.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="article JSON Lines -> event JSON Lines (the event contract)",
                       description=__doc__.splitlines()[0])
    p.add_argument("articles", help="article file (JSON Lines, .jsonl or .jsonl.gz; '-' for stdin)")
    p.add_argument("--out", "-o", required=True, help="event file to write (JSON Lines; '-' for stdout)")
    p.add_argument("--types", help="comma-separated event types to extract (default: all), "
                                   "e.g. drone_attack,missile_attack")
    p.set_defaults(func=run)


def _read(path: str) -> Iterator[dict[str, Any]]:
    if path == "-":
        fh = sys.stdin
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(path, "no such file", "pass a JSON Lines file of articles (one object per line)")
        if p.suffix == ".gz":
            import gzip

            fh = gzip.open(p, "rt", encoding="utf-8-sig")
        else:
            fh = open(p, encoding="utf-8-sig")  # a byte-order mark is tolerated
    try:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            line = line.lstrip("\ufeff")
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{n}", f"not valid JSON ({e.msg} at column {e.colno})",
                                 "each line must be one JSON object in the article contract") from e
            if not isinstance(rec, dict):
                raise InputError(f"{path}:{n}", f"a JSON {type(rec).__name__}, not an object",
                                 "each line must be one JSON object in the article contract")
            if rec.get("id") is None:
                rec["id"] = f"line-{n}"
            yield rec
    finally:
        if fh is not sys.stdin:
            fh.close()


def run(args: argparse.Namespace) -> int:
    from ..extract import extract_records
    from ..schema import EVENT_TYPES

    types = None
    if getattr(args, "types", None):
        types = [t.strip() for t in args.types.split(",") if t.strip()]
        bad = [t for t in types if t not in EVENT_TYPES]
        if bad:
            raise InputError(f"--types {args.types}", f"unknown event type(s) {bad}",
                             f"choose from {','.join(EVENT_TYPES)}")
    out_path = args.out
    out = sys.stdout if out_path == "-" else None
    n_art = n_ev = 0

    def counted(it: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal n_art
        for r in it:
            n_art += 1
            yield r

    try:
        if out is None:
            Path(out_path).parent.mkdir(parents=True, exist_ok=True)
            out = open(out_path, "w", encoding="utf-8")
    except OSError as e:
        raise InputError(out_path, f"cannot write ({e.strerror})", "choose a writable --out path") from e
    try:
        from tqdm.auto import tqdm

        records = tqdm(counted(_read(args.articles)), desc="extract", unit="article")
        for ev in extract_records(records, types):
            out.write(json.dumps(ev, ensure_ascii=False) + "\n")
            n_ev += 1
    finally:
        if out is not sys.stdout:
            out.close()
    log.info("%d articles -> %d events in %s", n_art, n_ev, out_path)
    return 0
