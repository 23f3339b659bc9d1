"""``opslens parse FILE... --out ARTICLES.jsonl``: saved HTML pages -> article contract, offline.

Each ``FILE`` is an ``.html``/``.htm``/``.html.gz`` page or a folder of them. The article id is the
file name without ``.html``/``.htm``/``.gz``. Output lines carry the contract fields (``id``,
``url``, ``title``, ``published``, ``source``, ``text``) plus ``published_source``,
``canonical_url``, ``authors`` and ``language``. Pages that cannot be read are reported and
skipped; the exit code is then 1 (the others are still written).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from ..errors import InputError

log = logging.getLogger(__name__)

OUTPUT_FIELDS = ("id", "url", "title", "published", "source", "text",
                 "published_source", "canonical_url", "authors", "language")


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..parse import BODY_EXTRACTORS, DEFAULT_EXTRACTOR

    p = sub.add_parser(
        "parse", help="parse saved HTML pages offline into article JSON Lines",
        description="Parse saved HTML pages (.html, .htm, .html.gz, or folders of them) offline into the "
                    "article contract, one JSON object per line; id = file name without extensions.")
    p.add_argument("files", nargs="+", metavar="FILE", help="HTML file or folder of HTML files")
    p.add_argument("--out", "-o", required=True, metavar="ARTICLES.jsonl", help="output file ('-' for stdout)")
    p.add_argument("--extractor", default=DEFAULT_EXTRACTOR, choices=sorted(BODY_EXTRACTORS),
                   help=f"body-text extractor (default: {DEFAULT_EXTRACTOR})")
    p.add_argument("--no-date-fallback", action="store_true",
                   help="skip the htmldate fallback when no structured date is found (faster)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from ..parse import parse_html
    from ..sources import html_files, page_id, read_html_file

    files: list[Path] = []
    failed = 0
    for f in args.files:
        try:
            files.extend(html_files(f))
        except InputError as e:
            log.error("%s", e)
            failed += 1
    if not files:
        raise InputError(", ".join(args.files), "no HTML pages found", "pass .html/.htm/.html.gz files or folders")
    rows = []
    for path in tqdm(files, desc="parse", unit="page", disable=None if not os.environ.get("TQDM_DISABLE") else True):
        try:
            body = read_html_file(path)
            rec = parse_html(body, None, extractor=args.extractor, origin=f"html:{path}",
                             date_fallback=not args.no_date_fallback)
        except InputError as e:
            log.error("%s", e)
            failed += 1
            continue
        rec["id"] = page_id(path)
        rows.append({k: rec.get(k) for k in OUTPUT_FIELDS})
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.out == "-":
        sys.stdout.write(data)
    else:
        from ..store import atomic_write_bytes

        out = Path(args.out)
        atomic_write_bytes(out, data.encode("utf-8"))
        log.info("wrote %d articles to %s", len(rows), out)
    if failed:
        log.error("%d input(s) could not be parsed", failed)
    return 1 if failed else 0
