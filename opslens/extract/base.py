"""The extractor interface: one extractor per event type, same signature, found through a registry.

An extractor is a class with a ``name`` and ``extract(doc) -> list[dict]`` returning
event mentions in the contract (``opslens.schema.empty_event`` gives a blank one).
Register it with ``@register``; ``opslens.extract.extract_events`` runs every registered
extractor over every article.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Protocol


@dataclass(frozen=True)
class Sentence:
    """A sentence of ``Document.text``: ``text == doc.text[start:end]``."""

    text: str
    start: int
    end: int


@dataclass
class Document:
    """One article as extractors see it.

    ``published`` is tz-aware (or None); ``sentences`` cover ``text``; the title is kept
    apart (evidence offsets always point into ``text``; a title-only event uses
    ``{"text": title, "in": "title"}`` as evidence).
    """

    article_id: str
    text: str
    title: str | None = None
    published: datetime | None = None
    source: str | None = None
    url: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    #: scratch space for shared components (e.g. cached gazetteer hits), per document
    cache: dict[str, Any] = field(default_factory=dict)


class Extractor(Protocol):
    name: str

    def extract(self, doc: Document) -> list[dict[str, Any]]: ...


EXTRACTORS: dict[str, type] = {}


def register(cls: type) -> type:
    """Class decorator: add an extractor to the registry under ``cls.name``."""
    name = getattr(cls, "name", None)
    if not name:
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    EXTRACTORS[name] = cls
    return cls


def registered() -> dict[str, Callable[[], Extractor]]:
    return dict(EXTRACTORS)
