"""Weapons named in text -> canonical model and kind (drone / missile).

Knowledge lives in ``opslens/data/weapons.csv``: ``alias`` (surface form), ``weapon`` (canonical
model as in the Air Force data's ``missiles_and_uav.csv``, e.g. ``Shahed-136/131``,
``X-101/X-555``, ``C-300``; outside that list the common English name, e.g. ``HIMARS``,
``Storm Shadow``, ``Tochka-U``; empty for generic words such as "drones", "cruise missiles"),
``kind`` (``drone`` / ``missile``), ``case`` (``s`` = match as written, ``i`` = any case),
``actor`` (who fields it, when that is a fact of the weapon) and ``trigger`` (``1`` when the word
alone makes a sentence about a drone/missile event; ``0`` for e.g. "Uragan", an MLRS that only
counts when the text calls its munitions missiles).

Loaded once into one Aho-Corasick automaton; whole-word matches, longest first.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple

from .base import register_triggers, trigger_hits

if TYPE_CHECKING:
    from .base import Document

__all__ = ["Weapon", "WeaponMatch", "find_weapons", "doc_weapons", "canonical_weapon"]


@dataclass(frozen=True)
class Weapon:
    """A weapons.csv entry."""

    weapon: str | None
    kind: str
    actor: str | None
    trigger: bool


class WeaponMatch(NamedTuple):
    """``text[start:end]`` names ``weapon`` (None for a generic word) of ``kind``."""

    start: int
    end: int
    alias: str
    weapon: str | None
    kind: str
    actor: str | None
    trigger: bool


class _Lexicon:
    def __init__(self) -> None:
        import ahocorasick

        self.exact: dict[str, Weapon] = {}
        self.folded: dict[str, Weapon] = {}
        self.canon: dict[str, str] = {}
        with resources.files("opslens.data").joinpath("weapons.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                w = Weapon(r["weapon"] or None, r["kind"], r["actor"] or None, r.get("trigger", "1") != "0")
                if r["case"] == "i":
                    self.folded[r["alias"].lower()] = w
                else:
                    self.exact[r["alias"]] = w
                if w.weapon:
                    self.canon[r["alias"].lower()] = w.weapon
                    self.canon[w.weapon.lower()] = w.weapon
        self.auto_exact = ahocorasick.Automaton()
        for a in self.exact:
            self.auto_exact.add_word(a, a)
        self.auto_exact.make_automaton()
        self.auto_folded = ahocorasick.Automaton()
        for a in self.folded:
            self.auto_folded.add_word(a, a)
        self.auto_folded.make_automaton()


@lru_cache(maxsize=1)
def _lex() -> _Lexicon:
    return _Lexicon()


def _bounded(text: str, s: int, e: int) -> bool:
    if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "-/"):
        return False
    if e < len(text) and (text[e].isalnum() or (text[e] in "-/" and e + 1 < len(text) and text[e + 1].isalnum())):
        return False
    return True


def _leftmost_longest(hits: list[tuple[int, int, str, Weapon]]) -> list[WeaponMatch]:
    """The non-overlapping matches among ``hits`` (start, end, alias, weapon): left to right,
    the longest alias first where several start at the same place."""
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[WeaponMatch] = []
    last = -1
    for s, e, a, w in hits:
        if s < last:
            continue
        out.append(WeaponMatch(s, e, a, w.weapon, w.kind, w.actor, w.trigger))
        last = e
    return out


def find_weapons(text: str) -> list[WeaponMatch]:
    """Every weapon word in ``text`` (models and generic drone/missile words), left to right."""
    if not text:
        return []
    lex = _lex()
    hits: list[tuple[int, int, str, Weapon]] = []
    for end, a in lex.auto_exact.iter(text):
        s = end - len(a) + 1
        if _bounded(text, s, end + 1):
            hits.append((s, end + 1, text[s:end + 1], lex.exact[a]))
    low = text.lower()
    for end, a in lex.auto_folded.iter(low):
        s = end - len(a) + 1
        if _bounded(text, s, end + 1):
            hits.append((s, end + 1, text[s:end + 1], lex.folded[a]))
    return _leftmost_longest(hits)


def _trigger_words() -> list[str]:
    lex = _lex()
    return list(lex.exact) + list(lex.folded)


register_triggers("weapons", _trigger_words)


def doc_weapons(doc: Document) -> list[WeaponMatch]:
    """:func:`find_weapons` of ``doc.text``, from the document's one shared trigger scan
    (:func:`opslens.extract.base.trigger_hits`) instead of two passes of its own."""
    text = doc.text
    if not text:
        return []
    found = trigger_hits(doc).get("weapons")
    if not found:
        return []
    if len(doc.cache["lower"]) != len(text):  # lower-casing changed offsets (rare letters): scan the text itself
        return find_weapons(text)
    lex = _lex()
    hits: list[tuple[int, int, str, Weapon]] = []
    for end, word in found:
        s, e = end - len(word) + 1, end + 1
        if not _bounded(text, s, e):
            continue
        seg = text[s:e]
        w = lex.exact.get(seg)  # a case-sensitive alias, written as in the lexicon
        if w is not None:
            hits.append((s, e, seg, w))
        w = lex.folded.get(word)
        if w is not None:
            hits.append((s, e, seg, w))
    return _leftmost_longest(hits)


def canonical_weapon(name: str | None) -> str | None:
    """Any known spelling -> canonical model (``"Kh-101"`` -> ``"X-101/X-555"``); None if unknown."""
    if not name:
        return None
    return _lex().canon.get(name.strip().lower())
