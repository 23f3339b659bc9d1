"""``opslens series``: event mentions -> merged events -> daily national series (CSV).

    opslens series EVENTS.jsonl --out SERIES.csv [--type drone_attack] [--by-weapon] [--from D] [--to D]
    opslens series --official --out OFFICIAL.csv [--from D] [--to D] [--by-weapon]
"""
from __future__ import annotations

import argparse
import logging
import sys
from datetime import datetime

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "series", help="merge event mentions and write the daily national series (CSV)",
        description="Merge the event mentions written by `opslens extract` (JSON Lines, one mention per line) "
                    "into events and write the daily series of contract section 3: "
                    "date,type,weapon,launched,destroyed,events,articles (+ count, ranges, lower_bound). "
                    "With --official, write the official Air Force counts in the same columns instead.")
    p.add_argument("events", nargs="?", metavar="EVENTS", help="event mention file (.jsonl, .jsonl.gz or .parquet)")
    p.add_argument("--out", "-o", metavar="SERIES.csv", help="output CSV (default: standard output)")
    p.add_argument("--type", action="append", metavar="TYPE",
                   help="event type to include (repeatable; default: drone_attack, missile_attack, ground_assault)")
    p.add_argument("--by-weapon", action="store_true", help="add one row per weapon model")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day")
    p.add_argument("--country", default="UA", help="ISO code of the country attacked (default UA; 'all' for every country)")
    p.add_argument("--events-out", metavar="EVENTS.jsonl", help="also write the merged events (JSON Lines)")
    p.add_argument("--links-out", metavar="LINKS.csv", help="also write the mention -> event links (CSV)")
    p.add_argument("--split-official-statements", action="store_true",
                   help="two exact claims of the same official claimant (Air Force, General Staff, MoD) on one day whose "
                        "figures all differ and whose texts name no reporting window are two statements (two windows), "
                        "summed (off by default: a figure put on the wrong day then counts twice)")
    p.add_argument("--official", action="store_true", help="write the official daily counts instead of merging EVENTS")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..official import official_series
    from ..series import daily_series, read_mentions, write_series

    from ..schema import EVENT_TYPES

    if args.official == bool(args.events):
        return _usage("give an EVENTS file or --official (not both)")
    for name, v in (("--from", args.start), ("--to", args.end)):
        if v is not None:
            try:
                datetime.strptime(v, "%Y-%m-%d")
            except ValueError:
                return _usage(f"{name} {v!r}: not a date; use YYYY-MM-DD")
    allowed = ("drone_attack", "missile_attack") if args.official else EVENT_TYPES
    bad = [t for t in (args.type or ()) if t not in allowed]
    if bad:
        return _usage(f"--type {bad[0]!r}: use one of {', '.join(allowed)}")
    if args.official:
        series = official_series(args.start, args.end, by_weapon=args.by_weapon, type=args.type)
    else:
        from ..merge import MergeOptions, merge_events

        mentions = read_mentions(args.events)
        events, links = merge_events(mentions, MergeOptions(split_official_statements=args.split_official_statements))
        log.info("%s: %d mentions -> %d events", args.events, len(mentions), len(events))
        if args.events_out:
            _write_events(events, args.events_out)
        if args.links_out:
            out = links.copy()
            out["date"] = out["date"].dt.strftime("%Y-%m-%d")
            out.to_csv(args.links_out, index=False, lineterminator="\n")
        country = None if args.country.lower() == "all" else args.country
        series = daily_series(events, type=args.type, by_weapon=args.by_weapon, start=args.start, end=args.end,
                              country=country)
    write_series(series, args.out or sys.stdout)
    if args.out:
        log.info("wrote %d rows to %s", len(series), args.out)
    return 0


def _usage(message: str) -> int:
    print(f"opslens series: error: {message}", file=sys.stderr)
    return 2


def _write_events(events, path: str) -> None:
    out = events.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out.to_json(path, orient="records", lines=True, force_ascii=False)
