"""`opslens ingest INPUT...`: add articles from URLs, feeds, saved HTML, WARC files and exports."""
from __future__ import annotations

import argparse
import sys


#: at most this many distinct error messages are printed; the ingest log has them all
MAX_ERRORS_SHOWN = 20


def _mapping(items: list[str] | None, parser: argparse.ArgumentParser) -> dict[str, str]:
    from ..errors import InputError
    from ..sources import parse_mapping

    out: dict[str, str] = {}
    for item in items or []:
        col, sep, fld = item.partition("=")
        if not sep or not col.strip() or not fld.strip():
            parser.error(f"--map {item!r}: expected COLUMN=FIELD, e.g. --map headline=title")
        try:
            parse_mapping({col.strip(): fld.strip()})
        except InputError as e:
            parser.error(f"--map {col.strip()}={fld.strip()}: {e.problem}; {e.hint}")
        out[col.strip()] = fld.strip()
    return out


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest", help="add articles to the store (URLs, feeds, HTML, WARC, JSONL/CSV exports)",
        description="Fetch / read and parse articles, and add them to the article store. "
                    "Inputs: http(s) URLs, a .txt file of URLs, RSS/Atom feeds (URL or file), saved "
                    ".html files or folders, .warc/.warc.gz files, .jsonl/.csv exports. Re-running "
                    "is safe and fast: pages whose raw bytes are already stored are not parsed again, changed "
                    "pages become new versions. Export columns: --map COL=FIELD renames a column only in "
                    "rows that have it and never overwrites a field the row already has.",
        epilog="Options may come before, between or after the inputs. Prints one summary line; exit 0 if any input "
               "succeeded (or there was nothing new), 1 if every input failed, 2 on bad usage. "
               "Details per item: <data>/ingest_log.jsonl.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="URL, feed, file or folder")
    p.add_argument("--data", metavar="DIR", help="store directory (default: $OPSLENS_DATA_DIR or data/store)")
    p.add_argument("--map", action="append", metavar="COL=FIELD", default=[],
                   help="export column -> article field (repeatable), e.g. --map headline=title")
    p.add_argument("--delay", type=float, default=1.0, metavar="S",
                   help="seconds between requests to one host (default 1.0)")
    p.add_argument("--batch", type=int, default=500, metavar="N",
                   help="articles per committed batch (default 500)")
    p.add_argument("--extractor", metavar="NAME", help="body-text extractor (default: the best measured)")
    p.add_argument("--compact", action="store_true", help="merge small part files afterwards")
    p.add_argument("--reparse", action="store_true",
                   help="parse every page again, even pages whose raw bytes are already stored "
                        "(they are skipped by default; use after changing --extractor)")
    p.add_argument("--refresh", action="store_true",
                   help="download URLs again instead of using the raw cache, to catch updated articles "
                        "(a changed page becomes a new version)")
    p.set_defaults(func=run, _parser=p)


def run(args: argparse.Namespace) -> int:
    from ..ingest import ingest
    from ..settings import get_settings
    from ..store import ArticleStore

    parser = args._parser
    mapping = _mapping(args.map, parser)
    if args.extractor is not None:
        from ..parse import BODY_EXTRACTORS

        if args.extractor not in BODY_EXTRACTORS:
            parser.error(f"--extractor {args.extractor!r}: choose one of {', '.join(sorted(BODY_EXTRACTORS))}")
    if args.batch < 1:
        parser.error("--batch must be at least 1")
    if args.delay < 0:
        parser.error("--delay must not be negative")
    stats = ingest(args.inputs, data_dir=args.data, batch_size=args.batch, extractor=args.extractor,
                   delay=args.delay, mapping=mapping, progress=not args.quiet,
                   reparse=args.reparse, refresh=args.refresh)
    shown: dict[str, int] = {}
    for e in stats.errors:
        msg = str(e)
        if len(shown) < MAX_ERRORS_SHOWN and msg not in shown:
            print(f"opslens: {msg}", file=sys.stderr)
        shown[msg] = shown.get(msg, 0) + 1
    hidden = len(stats.errors) - min(len(shown), MAX_ERRORS_SHOWN)
    if hidden > 0:
        log_path = get_settings(args.data).ingest_log
        print(f"opslens: ... and {hidden} more error(s) (repeats included); all are in {log_path}",
              file=sys.stderr)
    if args.compact and stats.stored:
        store = ArticleStore(args.data)
        with store.writer() as w:
            w.compact()
    print(f"ingest: {stats.summary()} -> {stats.data_dir}")
    if stats.succeeded == 0 and stats.errors:
        return 1  # every input failed
    if stats.succeeded == 0:
        print("opslens: nothing new in the inputs (feeds already read, or no article pages found)",
              file=sys.stderr)
    return 0
