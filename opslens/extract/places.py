"""Places named in text -> canonical place, admin1, country and coordinates.

Knowledge lives in ``opslens/data/gazetteer.csv`` (built by ``opslens/data/build_gazetteer.py``
from GeoNames, see ``opslens/data/ATTRIBUTION.md``), loaded once on first use into an
Aho-Corasick automaton (pyahocorasick). Matching is case-sensitive and whole-word, so common words
("Bar", "Mala") only fire when they are capitalised and not on the stoplist
(``opslens/data/place_stopwords.txt``), and names known only from the postal list (small villages)
need a locative cue before them ("near", "village of", "in").

Ambiguous names are resolved by context, not by first match: a candidate in an oblast that the
text names elsewhere wins, then the better source (hand-added > GeoNames city > English village
list > postal list), then population.

Region phrases: "Kyiv region", "Kharkiv oblast", "the region of Poltava", "Donetsk and Luhansk
regions", "Zaporizhzhia direction" -> the oblast; "Kyiv" alone -> the city (admin1 ``Kyiv City``);
"Bakhmut direction" -> Bakhmut. A place right after "from" (a launch area) is marked as origin.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, NamedTuple

from .base import doc_memo, gate_patterns

__all__ = ["Place", "PlaceMatch", "dateline_end", "find_places", "locate", "place_record", "oblast_place"]

_SOURCE_RANK = {"extra": 0, "geonames": 1, "csc": 2, "postal": 3}
_LOCATIVE = re.compile(
    r"(?:\b(?:near|in|at|of|outside|around|towards?|village|villages|settlement|settlements|town|city|"
    r"districts?|community|hromada|from|and|on|over|into|to|across|between)\s+(?:the\s+)?|,\s*)$")
#: a launch area: "from the Belgorod region", also later in a list ("from the Caspian Sea and the Volgodonsk area")
_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?(?:(?:temporarily\s+)?occupied\s+)?(?:(?:territory|direction|area|side)\s+of\s+)?"
                     r"(?:(?-i:[A-Z])[\w'’-]*\s+(?:(?-i:[A-Z])[\w'’-]*\s+)?(?:sea|area|region|oblast|direction|airfield)?\s*"
                     r"(?:,\s*(?:and\s+)?|and\s+)(?:the\s+)?){0,3}$", re.IGNORECASE)
_REGION_OF = re.compile(r"\b(?:region|oblast|province)\s+of\s+$", re.IGNORECASE)
_PLURAL_REGION = re.compile(r"^\s*(?:,\s*|\s+and\s+|\s*&\s*)[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?\s+(?:regions|oblasts|provinces)\b")
#: a capital standing for its government ("Kyiv said", "a counter-attack by Kyiv", "Moscow's forces")
_METONYM_AFTER = re.compile(
    r"^(?:\s+(?:has|have|had|is|was|will|would|could|said|says|say|claims?|claimed|denied|denies|accused|accuses|wants|"
    r"asked|announced|hopes|insists|believes|blamed|blames|warned|warns|responded|rejected|agreed|demanded|sought|launched|"
    r"and\s+(?:Moscow|Kyiv|Washington|its\s+allies|the\s+West))\b|['’]s\s+(?:forces|troops|army|military|government|allies|"
    r"counter-?offensive|western\s+allies|backers|partners|leadership|officials|request|position|claims?))")
_METONYM_BEFORE = re.compile(r"\b(?:by|between|with|against|to|from|for|and|urged|told|accused|supplied|armed|backing|help)\s+$")
_CAPITALS = {"Kyiv", "Moscow", "Minsk"}
_DIRECTION = re.compile(r"^\s+(?:direction|axis|sector|front)\b", re.IGNORECASE)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DL_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
_DL_OUTLET = r"\([^()\n]{1,40}\)"
#: a dateline ("KYIV, Oct 17 (Reuters) -", "Kyiv, Ukraine (CNN) -", "ODESA -") names where the
#: story was filed, not where anything happened: places in it are never event places. Capitals
#: alone do; a mixed-case name needs a date or an outlet in brackets before the dash.
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z'’.\-]+(?:\s[A-Z][A-Z'’.\-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
    rf"(?:,?\s*{_DL_DATE})?\s*(?:{_DL_OUTLET})?"
    r"|[A-Z][a-z'’\-]+(?:\s[A-Z][a-z'’\-]+){0,2}(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?"
    rf"(?:,?\s*{_DL_DATE}\s*(?:{_DL_OUTLET})?|\s*{_DL_OUTLET}))\s*[-—–]{{1,2}}(?=\s)")
#: a place name that is part of a news outlet's name ("Kyiv Independent", "Kyiv Post")
_OUTLET_AFTER = re.compile(r"\s(?:Independent|Post|Wire|Times|Herald|Journal|Pravda|Telegraph|Insider|Observer|"
                           r"Express|Daily|Today|Gazette|Tribune|Chronicle)\b")


def dateline_end(text: str) -> int:
    """Offset where the dateline at the start of ``text`` ends ("KYIV, Oct 17 (Reuters) -"), 0 when none."""
    if "-" not in text and "—" not in text and "–" not in text:
        return 0  # every dateline ends with a dash
    m = _DATELINE.match(text)
    return m.end() if m else 0


@dataclass(frozen=True)
class Place:
    """A gazetteer entry."""

    name: str
    kind: str  # city / village / oblast / region
    admin1: str | None
    country: str
    lat: float | None
    lon: float | None
    population: int
    source: str


class PlaceMatch(NamedTuple):
    """A place named at ``text[start:end]``; ``place`` is the chosen reading.

    ``role`` is ``"origin"`` for a launch area ("from the Belgorod region"), ``"actor"`` for a
    capital standing for its government ("Kyiv said", "a counter-attack by Kyiv"), else ``"target"``.
    """

    start: int
    end: int
    alias: str
    place: Place
    role: str


class _Gazetteer:
    def __init__(self) -> None:
        import ahocorasick

        self.entries: dict[str, list[Place]] = {}
        self.stems: dict[str, Place] = {}  # "Kyiv" -> Kyiv Oblast (for "region of Kyiv")
        self.oblasts: dict[str, Place] = {}  # admin1 name -> its oblast entry
        data = resources.files("opslens.data")
        with data.joinpath("gazetteer.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                p = Place(r["place"], r["kind"], r["admin1"] or None, r["country"],
                          float(r["lat"]) if r["lat"] else None, float(r["lon"]) if r["lon"] else None,
                          int(r["population"] or 0), r["source"])
                self.entries.setdefault(r["alias"], []).append(p)
                if p.kind == "oblast":
                    m = re.fullmatch(r"(.+?)\s+(?:region|Region|oblast|Oblast|province|Province)", r["alias"])
                    if m and r["source"] == "extra":
                        self.stems.setdefault(m.group(1), p)
                    if p.admin1:
                        self.oblasts.setdefault(p.admin1, p)
        for a in ("Crimea",):
            if a in self.entries:
                self.oblasts.setdefault("Crimea", self.entries[a][0])
        stop = data.joinpath("place_stopwords.txt")
        self.stopwords: set[str] = set()
        if stop.is_file():
            with stop.open(encoding="utf-8") as f:
                self.stopwords = {ln.strip() for ln in f if ln.strip() and not ln.startswith("#")}
        self.auto = ahocorasick.Automaton()
        for alias in self.entries:
            if alias in self.stopwords or len(alias) < 3:
                continue
            self.auto.add_word(alias, alias)
        self.auto.make_automaton()


@lru_cache(maxsize=1)
def _gaz() -> _Gazetteer:
    return _Gazetteer()


def _raw_matches(text: str) -> list[tuple[int, int, str]]:
    """Longest, non-overlapping, whole-word alias hits."""
    g = _gaz()
    hits = []
    n = len(text)
    for end_idx, alias in g.auto.iter(text):
        start = end_idx - len(alias) + 1
        end = end_idx + 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-_"):
            continue
        if end < n and (text[end].isalnum() or (text[end] in "-" and end + 1 < n and text[end + 1].isalpha())):
            continue
        hits.append((start, end, alias))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[int, int, str]] = []
    last_end = -1
    for s, e, a in hits:
        if s >= last_end:
            out.append((s, e, a))
            last_end = e
        elif out and e - s > out[-1][1] - out[-1][0] and s == out[-1][0]:
            out[-1] = (s, e, a)
            last_end = e
    return out


def _choose(cands: list[Place], named_admin1: set[str]) -> Place:
    if len(cands) == 1:  # an unambiguous name (most): nothing to weigh
        return cands[0]

    # context (an oblast named in the text) outweighs one or two steps of source rank, so a
    # postal-list village in the named oblast beats a far-away small town, but not a city
    def key(p: Place) -> tuple[Any, ...]:
        cost = _SOURCE_RANK.get(p.source, 9) + (0 if p.admin1 in named_admin1 else 2.5)
        cost -= 1.0 if p.population >= 100_000 else 0.5 if p.population >= 20_000 else 0.0
        return (cost, -p.population)

    return min(cands, key=key)


def find_places(text: str, *, context_admin1: Iterable[str] = ()) -> list[PlaceMatch]:
    """Every place named in ``text``, left to right, each resolved to one gazetteer entry.

    ``context_admin1``: oblasts named elsewhere in the article, used to resolve ambiguous names.
    Memoised per text and context within a document (extractors look up the same sentence and
    window more than once).
    """
    if not text:
        return []
    return list(_find_places(text, frozenset(context_admin1)))


@doc_memo()
def _find_places(text: str, context_admin1: frozenset[str]) -> tuple[PlaceMatch, ...]:
    return tuple(_find_places_uncached(text, context_admin1))


def _find_places_uncached(text: str, context_admin1: Iterable[str]) -> list[PlaceMatch]:
    g = _gaz()
    raw = _raw_matches(text)
    if not raw:
        return []
    dl = dateline_end(text) if text[:1].isupper() or text[:1].isspace() else 0
    # places in a dateline or an outlet's name are not places of the story
    raw = [h for h in raw if h[0] >= dl and not _OUTLET_AFTER.match(text, h[1])]
    if not raw:
        return []
    named = set(context_admin1)
    for _s, _e, a in raw:
        cands = g.entries[a]
        for p in cands:
            if p.kind == "oblast" and p.admin1:
                named.add(p.admin1)
        # an unambiguous town ("Kramatorsk") also tells which oblast nearby villages are in
        a1s = {p.admin1 for p in cands}
        if len(a1s) == 1 and cands[0].admin1 and cands[0].source in ("extra", "geonames"):
            named.add(cands[0].admin1)
    out: list[PlaceMatch] = []
    for s, e, a in raw:
        cands = g.entries[a]
        before = text[max(0, s - 60):s]
        after = text[e:e + 60]
        if all(p.source in ("postal", "csc") for p in cands):
            # small villages: only after a locative cue, and never a sentence-initial word
            if not _LOCATIVE.search(before) or not before.strip():
                continue
            # a village name found in several oblasts, none of them named: a coin toss, so unknown
            if len({p.admin1 for p in cands}) > 1 and not any(p.admin1 in named for p in cands):
                continue
        place = _choose(cands, named)
        # "region of Poltava", "Donetsk and Luhansk regions", "Zaporizhzhia direction" -> the oblast
        if place.kind in ("city", "village") and a in g.stems:
            if _REGION_OF.search(before) or _PLURAL_REGION.match(after) or _DIRECTION.match(after):
                place = g.stems[a]
        role = "origin" if _ORIGIN.search(before) else "target"
        if place.name in _CAPITALS and place.kind == "city" and (
                _METONYM_AFTER.match(after) or (_METONYM_BEFORE.search(before) and not re.match(r"^\s*(?:region|oblast|city)", after))):
            role = "actor"
        out.append(PlaceMatch(s, e, a, place, role))
    return out


def oblast_place(admin1: str) -> Place | None:
    """The gazetteer entry of an oblast (its canonical name and centre)."""
    return _gaz().oblasts.get(admin1)


def place_record(p: Place | None, country: str | None = None) -> dict[str, Any]:
    """Contract fields ``place``, ``admin1``, ``country``, ``lat``, ``lon`` for a place (or none)."""
    if p is None:
        return {"place": None, "admin1": None, "country": country, "lat": None, "lon": None}
    return {"place": p.name, "admin1": p.admin1, "country": p.country, "lat": p.lat, "lon": p.lon}


def locate(text: str, *, context_admin1: Iterable[str] = (), default_country: str | None = None
           ) -> dict[str, Any]:
    """The place of an event told in ``text`` (a sentence or two), as contract fields.

    Targets only (launch areas after "from" are ignored). One place -> it. Several places in one
    admin1 -> the settlement when only one is named, else the oblast. Places in several admin1
    units (a nationwide or multi-region report) -> place and admin1 null, country kept when all
    agree.
    """
    return dict(_locate(text, frozenset(context_admin1), default_country))


@doc_memo()
def _locate(text: str, context_admin1: frozenset[str], default_country: str | None) -> dict[str, Any]:
    """:func:`locate`, memoised (callers get a copy)."""
    matches = [m for m in find_places(text, context_admin1=context_admin1) if m.role == "target"]
    if not matches:
        return place_record(None, default_country)
    towns = {m.place.admin1 for m in matches if m.place.source in ("extra", "geonames") or m.place.kind == "oblast"}
    if len(towns) == 1 and None not in towns:
        # a small village that resolved elsewhere does not outvote the towns and oblasts named
        matches = [m for m in matches if m.place.admin1 in towns or m.place.source in ("extra", "geonames")]
    admin1s = {m.place.admin1 for m in matches}
    countries = {m.place.country for m in matches}
    if len(admin1s) > 1 or None in admin1s:
        regions = [m.place for m in matches if m.place.admin1 is None]
        if len(admin1s) == 1 and regions:  # "Donbas" alone
            p = regions[0]
            return {"place": p.name, "admin1": None, "country": p.country, "lat": p.lat, "lon": p.lon}
        return place_record(None, countries.pop() if len(countries) == 1 else default_country)
    settlements = {m.place.name: m.place for m in matches if m.place.kind in ("city", "village")}
    if len(settlements) == 1:
        return place_record(next(iter(settlements.values())))
    admin1 = next(iter(admin1s))
    ob = oblast_place(admin1) if admin1 else None
    if ob is not None:
        return place_record(ob)
    return place_record(matches[0].place)


gate_patterns(globals())  # same matches, fewer regex attempts (see base.first_char_gate)
