"""`opslens report`: run the weekly report notebook and print the path of its HTML."""
from __future__ import annotations

import argparse


def _week(value: str) -> str:
    from ..errors import ParameterError
    from ..reportlib import parse_week

    if value.strip().lower() == "latest":
        return "latest"
    try:
        return parse_week(value, param="--week").label
    except ParameterError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="write the weekly report (papermill notebook -> HTML, PNG, CSV)",
        description="Run notebooks/weekly_report.ipynb for one ISO week and write reports/<week>/: "
                    "the executed notebook, a standalone HTML page, figures as PNG and tables as CSV. "
                    "Prints the path of the HTML. Exit 1 when a cell fails (the executed notebook "
                    "with the traceback is kept).")
    p.add_argument("--week", type=_week, default="latest",
                   help="ISO week, e.g. 2022-W46, or 'latest' (latest complete week in the store; default)")
    p.add_argument("--data", metavar="DIR", default=None, help="data directory holding the article store")
    p.add_argument("--out", metavar="DIR", default=None, help="output folder (default: reports/<week>/)")
    p.add_argument("--context-weeks", type=int, default=3, metavar="N",
                   help="previous weeks shown for context (default 3)")
    p.add_argument("--types", nargs="+", default=None, metavar="TYPE",
                   help="event types to report (default: all)")
    p.add_argument("--outlets", nargs="+", default=None, metavar="DOMAIN",
                   help="only articles from these outlets (default: all)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import logging

    from ..report import run_report

    if getattr(args, "verbose", 0) < 2:  # papermill logs every path at INFO; -vv shows them
        logging.getLogger("papermill").setLevel(logging.WARNING)

    html = run_report(args.week, data_dir=args.data, out_dir=args.out, context_weeks=args.context_weeks,
                      event_types=args.types, outlets=args.outlets)
    print(html)
    return 0
