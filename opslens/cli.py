"""``opslens`` command line: a thin layer that parses, calls the library, returns an exit code.

Exit codes: 0 ok, 1 failed, 2 bad usage. Each sub-command lives in
``opslens/commands/<name>.py`` with ``add_parser(subparsers)`` and ``run(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from .errors import OpsLensError

#: sub-command name -> module in opslens.commands (order = order in --help)
COMMANDS = {
    "ingest": "ingest",
    "parse": "parse",
    "extract": "extract",
    "series": "series",
    "report": "report",
    "summary": "summary",
}

log = logging.getLogger("opslens")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit code 2 on bad usage, like argparse
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


class _CommandParser(_Parser):
    """Sub-command parser taking options anywhere among the inputs
    (``opslens ingest a.html --data D b.html``), via ``parse_known_intermixed_args``.

    The sub-parsers action calls ``parse_known_args``; that is routed to the intermixed variant,
    which itself calls ``parse_known_args`` (then the plain one runs, hence the guard).
    """

    _intermixed = False

    def parse_known_args(self, args=None, namespace=None):
        if self._intermixed:
            return super().parse_known_args(args, namespace)
        self._intermixed = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixed = False


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(prog="opslens", description="Follow military operations through the news.")
    p.add_argument("--version", action="version", version=f"opslens {__version__}")
    _add_output_options(p, default=0)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
    for name, module in COMMANDS.items():
        mod = importlib.import_module(f".commands.{module}", __package__)
        mod.add_parser(sub)
    for cmd in sub.choices.values():  # also after the command: `opslens ingest x.html -q`
        _add_output_options(cmd, default=argparse.SUPPRESS)
    return p


def _add_output_options(p: argparse.ArgumentParser, default) -> None:
    """-v/-q; on a sub-command their default is SUPPRESS so that a flag given before the
    command is not reset by the sub-command's defaults."""
    g = p.add_argument_group("output")
    g.add_argument("-v", "--verbose", action="count", default=default,
                   help="more log output, including the parsing libraries' own (-vv for debug)")
    quiet_default = argparse.SUPPRESS if default is argparse.SUPPRESS else False
    g.add_argument("-q", "--quiet", action="store_true", default=quiet_default,
                   help="only warnings and errors, no progress bars")


#: parsing libraries whose own log lines ("discarding data", "empty HTML tree") repeat, in
#: their words, a problem OpsLens reports itself; shown only with -v
QUIET_LIBRARIES = ("trafilatura", "htmldate", "newspaper", "justext", "courlan", "readability",
                   "charset_normalizer", "urllib3")


def _from_quiet_library(record: logging.LogRecord) -> bool:
    return record.name.split(".", 1)[0] in QUIET_LIBRARIES


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    root = logging.getLogger()
    had = list(root.handlers)  # an embedding program's (or pytest's) handlers are left alone
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose == 0:
        for handler in root.handlers:
            if handler not in had:
                handler.addFilter(lambda record: not _from_quiet_library(record))
    if quiet:
        import os

        os.environ.setdefault("TQDM_DISABLE", "1")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    _setup_logging(args.verbose, args.quiet)
    try:
        return int(args.func(args) or 0)
    except OpsLensError as e:
        print(f"opslens: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # a path OpsLens must write or read is unusable (not a folder, no space, ...)
        where = f"{e.filename}: " if e.filename else ""
        print(f"opslens: {where}{e.strerror or e}; check that the folder exists and is writable "
              "(store: --data DIR or OPSLENS_DATA_DIR; cache: OPSLENS_CACHE_DIR; reports: "
              "OPSLENS_REPORTS_DIR)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("opslens: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
