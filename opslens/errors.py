"""Exceptions a user can cause. Each message names the input, what was wrong and what to do."""
from __future__ import annotations


class OpsLensError(Exception):
    """Base class: the CLI prints ``opslens: <message>`` and exits 1."""


class InputError(OpsLensError):
    """A user-supplied input (file, URL, feed, WARC, export) cannot be used."""

    def __init__(self, source: object, problem: str, hint: str | None = None):
        self.source = str(source)
        self.problem = problem
        self.hint = hint
        msg = f"{self.source}: {problem}"
        if hint:
            msg += f"; {hint}"
        super().__init__(msg)


class FetchError(InputError):
    """A URL could not be fetched (dead host, 404, too many retries, robots.txt)."""


class StoreError(OpsLensError):
    """The on-disk store is missing, unreadable or corrupted."""


class ParameterError(OpsLensError):
    """A notebook / report parameter has the wrong type or value."""
