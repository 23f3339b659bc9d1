"""Aid and procurement items: equipment and supplies named in text, with their quantities.

Knowledge lives in ``opslens/data/items.csv`` (``alias,name,head,category``): an alias
("Abrams", "M1 Abrams tanks", "Panzerhaubitze 2000") maps to a canonical item ``name``
("M1 Abrams tank", "PzH 2000 self-propelled howitzer"), its generic ``head`` ("tank",
"howitzer") and the aid ``category`` it suggests (``military``/``humanitarian``/empty).
Aliases match whole words, case-insensitively, singular or plural.

Quantities come from :mod:`opslens.extract.numbers` and attach to the item right after them
("31 tanks", "more than 900 Stinger anti-aircraft systems", "six additional CAESAR
howitzers", "5 units of 155-mm howitzers"). A counted thing that is not in the lexicon is still
an item, named by its noun phrase in the singular ("70,000 tons of thermal coal" ->
``ton of thermal coal``; "1650 mobile heating systems" -> ``mobile heating system``), unless it
is a time span, a share, people or money.

Counts stated without a number right before the item: "a field hospital" (one of a countable
item; not "ammunition"), "the number of generators is 25", "30 as the number of drones", a
figure quoted from a source ('"200" units of Brimstone missiles'), a joint delivery's share per
donor ("six howitzers, three by each"), the share for Ukraine ("110000 rations, out of which
60000 go to Ukraine"), a named part ("2,400 stretchers, 300 of which are for children" adds
``pediatric hospital bed`` x1184) and an assumed count ("we assume 300 are anti-armour weapons").

>>> [(i.name, i.quantity["value"]) for i in find_items("It will send 31 Abrams tanks.")]
[('M1 Abrams tank', 31)]
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any, NamedTuple

from .base import gate_patterns
from .dates import MONTH_NUMBERS
from .numbers import find_quantities

__all__ = ["ItemMatch", "find_items", "item_names", "singular", "merge_generic_items", "has_digit"]


class ItemMatch(NamedTuple):
    """An item mention: ``text[start:end]`` covers the quantity (if any) and the item words."""

    start: int
    end: int
    name: str
    quantity: dict[str, Any] | None
    category: str | None
    head: str | None


@lru_cache(maxsize=1)
def _not_items() -> frozenset[str]:
    """Words that make a counted noun phrase no item (``opslens/data/not_items.txt``)."""
    text = resources.files("opslens.data").joinpath("not_items.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())
#: a unit word followed by "of" names the item after it ("tons of coal")
_UNITS = set("""
ton tons tonne tonnes t kg kilograms kilogram litre litres liter liters l cubic pair pairs piece pieces
set sets unit units box boxes pack packs pallet pallets container containers wagon wagons truckload
truckloads trucks truck batch batches kit kits round rounds bag bags bottle bottles dose doses barrel barrels
""".split())
_STOP = set("""
and or of to for from in on at by with worth which that who were was are is be been will would has have had
as the a an its their his her this these those than per each into over under about including include includes
such while but also plus via through within without amounting valued totalling totaling
""".split())
_SKIP_MODIFIERS = {"additional", "more", "new", "further", "extra", "other", "modified", "used", "refurbished",
                   "brand-new", "overhauled", "fully-equipped", "soviet-era", "soviet-made", "german-made",
                   "us-made", "u.s.-made", "american-made", "modern", "old", "older", "heavy", "light",
                   "operational", "military", "several"}
_VERBS = {"arrive", "arrives", "arrived", "go", "goes", "went", "sent", "left", "reach", "reached", "include",
          "includes", "included", "will", "would", "can", "could", "may", "might", "must", "should", "shall",
          "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did",
          "delivered", "donated", "provided", "given", "transferred", "handed", "shipped", "pledged"}
_MONTHS = frozenset(MONTH_NUMBERS)  # month names and their short forms, lower-case
_WORD = re.compile(r"[A-Za-z][\w\-/.']*|\d+(?:mm|-mm)?")


def singular(word: str) -> str:
    """English singular of one (plural) word, by suffix rules."""
    w = word
    lw = w.lower()
    if len(w) <= 3 or lw.endswith(("ss", "us", "is", "ics", "series")):
        return w
    if lw.endswith("ies") and len(w) > 4:
        return w[:-3] + ("Y" if w[-3].isupper() else "y")
    if lw.endswith(("ches", "shes", "xes", "sses", "zes")):
        return w[:-2]
    if lw.endswith("ves") and lw not in ("vehicles",) and not lw.endswith("ives"):
        return w[:-3] + "f"
    if lw.endswith("s") and not lw.endswith("'s"):
        return w[:-1]
    return w


def _singular_phrase(phrase: str) -> str:
    words = phrase.split()
    if not words:
        return phrase
    if len(words) >= 3 and words[1].lower() == "of" and words[0].lower() in _UNITS:
        return " ".join([singular(words[0])] + words[1:])
    return " ".join(words[:-1] + [singular(words[-1])])


#: "fuel prices", "food security", "gas supplies were cut": the market, not goods
_NOT_GOODS_AFTER = re.compile(r"\s+(?:prices?|costs?|shortages?|crisis|security|production|exports?|imports?|markets?|industry|"
                              r"inflation|supplies\s+were|supply\s+chains?)\b")


class _Lexicon:
    def __init__(self, rows: list[dict[str, str]]):
        import ahocorasick

        self.auto = ahocorasick.Automaton()
        for r in rows:
            alias = r["alias"].strip()
            if not alias:
                continue
            entry = (len(alias), r["name"].strip(), (r.get("head") or "").strip() or None,
                     (r.get("category") or "").strip() or None)
            self.auto.add_word(alias.lower(), entry)
        self.auto.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, str, str | None, str | None]]:
        low = text.lower()
        if len(low) != len(text):
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        cands = []
        for end_idx, (length, name, head, cat) in self.auto.iter(low):
            start, end = end_idx - length + 1, end_idx + 1
            if start > 0 and (low[start - 1].isalnum() or low[start - 1] == "-"):
                continue
            # plural / possessive endings
            for suf in ("es", "s", "’s", "'s"):
                if low.startswith(suf, end) and (end + len(suf) == len(low) or not low[end + len(suf)].isalnum()):
                    end += len(suf)
                    break
            if _NOT_GOODS_AFTER.match(low, end, end + 24):
                continue
            # a variant number: "Brimstone-1", "Leopard-2" (not "tank-killer")
            v = _VARIANT.match(low, end)
            if v and low[end - 1].isalpha():
                end = v.end()
            if end < len(low) and (low[end].isalnum() or (low[end] == "-" and end + 1 < len(low) and low[end + 1].isalnum())):
                continue
            cands.append((start, end, name, head, cat))
        if len(cands) > 1:
            cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        out, last = [], -1
        for c in cands:
            if c[0] >= last:
                out.append(c)
                last = c[1]
        return out


_VARIANT = re.compile(r"-\d{1,3}[a-z]?\b")


@lru_cache(maxsize=1)
def item_rows() -> tuple[dict[str, str], ...]:
    """The rows of ``opslens/data/items.csv`` (alias, name, head, category), read once per process
    for every user of the item list (the lexicon, the heads, the aid prefilter). Do not mutate."""
    with resources.files("opslens.data").joinpath("items.csv").open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon(list(item_rows()))


_YEARLIKE = re.compile(r"(?<![\w.,$€£-])((?:19|20)\d\d)(?=\s+[a-z])")


#: cheap test before the full quantity parser: a digit or a number word
_NUMBER_WORDS = frozenset("""
one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen
nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands dozen dozens scores tens
""".split())
_ANY_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z]+")


def has_digit(text: str) -> bool:
    r"""``re.search(r"\d", text) is not None``, faster: ASCII text needs only ten substring tests
    (``\d`` also matches the digits of other scripts, so other text is searched as before)."""
    if text.isascii():
        return any(map(text.__contains__, "0123456789"))
    return _ANY_DIGIT.search(text) is not None


def maybe_number(text: str) -> bool:
    """Could ``text`` hold a quantity (a digit or a number word)? A fast superset test (a word
    scan, not an alternation tried at every character)."""
    return has_digit(text) or not _NUMBER_WORDS.isdisjoint(_LETTERS.findall(text.lower()))


_CALIBRE = re.compile(r"(?<![\d.,])\d{2,3}\s?-?mm\b", re.IGNORECASE)
#: right before a number that is part of a date: a month name ("February 28", "October 2022") or
#: a preposition of time ("in 2023", "since 2014")
_DATE_BEFORE = re.compile(r"(?:\b(?:in|since|from|until|till|during|early|late|mid|year)|\b(?:%s)\.?)\s+$"
                          % "|".join(sorted(_MONTHS, key=len, reverse=True)), re.IGNORECASE)
_MONTH_BEFORE = re.compile(r"\b(?:%s)\.?\s+$" % "|".join(sorted(_MONTHS, key=len, reverse=True)), re.IGNORECASE)


def _quantities(text: str) -> list[tuple[int, int, dict[str, Any]]]:
    if not maybe_number(text):
        return []
    # a calibre ("122-mm", "152 mm") is no count, and must not join the count before it ("900 122-mm")
    masked = _CALIBRE.sub(lambda m: " " * len(m.group(0)), text) if "mm" in text.lower() else text
    qs = [(q.start, q.end, q.quantity) for q in find_quantities(masked)]
    # "2000 rounds": a year-like number followed by a lowercase noun is a count
    for m in (_YEARLIKE.finditer(text) if "19" in text or "20" in text else ()):
        nxt = text[m.end():m.end() + 14].strip().split(" ")[0].lower().rstrip(".,;:")
        if nxt in _MONTHS or nxt in _STOP or any(s <= m.start() < e for s, e, _ in qs) or not nxt.endswith("s") \
                or nxt.endswith("ss") or nxt in _not_items():
            continue
        if _DATE_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            continue  # "in October 2022 corresponds", "in 2023 increases": a year and a verb
        v = int(m.group(1))
        qs.append((m.start(), m.end(), {"value": v, "lower": v, "upper": v, "qualifier": "exact"}))
    # "hand over 30 vehicles" is 30, not "over 30"
    fixed = []
    for qs_, qe, qd in qs:
        m = _OVER.match(text[qs_:qe])
        if m and _HAND_BEFORE.search(text[max(0, qs_ - 10):qs_]) and qd.get("lower") is not None:
            n = qd["lower"] - 1
            qd = {"value": n, "lower": n, "upper": n, "qualifier": "exact"}
            qs_ += m.end()
        fixed.append((qs_, qe, qd))
    fixed.sort(key=itemgetter(0))
    return fixed


#: "Source of Aid 4", "ID 3", "No. 2", "phase 2": a label, not a count
_LABEL_BEFORE = re.compile(r"\b(?:source|aid|id|no\.?|number|entry|table|page|annex|article|paragraph|section|"
                           r"chapter|phase|tranche|package|stage|resolution|round|part|level|step|category|"
                           r"group|figure|item)\s*$", re.IGNORECASE)


def _absorb(text: str, hits: list) -> list:
    """Join "M113 Armored Personnel Carriers (APCs)" / "Stinger anti-aircraft systems" into one hit."""
    out: list = []
    for h in hits:
        if out:
            a = out[-1]
            gap = text[a[1]:h[0]]
            if _ABSORB_GAP.fullmatch(gap) and (h[3] is not None and h[3] == a[3] or h[2] == a[3]) \
                    and a[2] != a[3]:
                end = h[1] + (1 if text[h[1]:h[1] + 1] == ")" and "(" in gap else 0)
                out[-1] = (a[0], end, a[2], a[3], a[4] or h[4])
                continue
        out.append(h)
    return out


def _gap_ok(gap: str) -> bool:
    """Words between a quantity and an item that still let the quantity count the item."""
    g = gap.strip().strip('"“”').strip()  # '"200" units of', a figure quoted from a source
    if not g or g.lower() == "of":  # "hundreds of drones"
        return True
    if _GAP_PUNCT.search(g) and not _GAP_WORDS.fullmatch(g):
        return False
    words = g.split()
    if len(words) > 4:
        return False
    if any(w.lower() in _STOP - {"of"} for w in words):
        return False
    if words[0].lower() in ("units", "pieces", "sets", "items") and len(words) >= 2 and words[1].lower() == "of":
        return True
    return all(w.lower() != "of" for w in words)


def _share_gap(text: str, qs_: int, gap: str) -> bool:
    """"of them, 12 are tanks", "we assume 300 are anti-armour weapons": a count of the item."""
    return gap.strip().lower() in ("are", "were") and bool(_SHARE_BEFORE.search(text[max(0, qs_ - 30):qs_]))


_SHARE_BEFORE = re.compile(r"(?:\bassumes?|\bestimates?|\bof\s+(?:them|these|those|which))\s*,?\s*(?:that\s+)?$", re.IGNORECASE)


def _noun_phrase(text: str, pos: int) -> tuple[str, int] | None:
    """The counted noun phrase starting at ``pos`` ("tons of thermal coal"), and its end."""
    words = []
    end = pos
    i = pos
    seen_unit_of = False
    while len(words) < 6:
        j = _BLANKS.match(text, i).end()  # type: ignore[union-attr]
        w = _WORD.match(text, j)
        if not w:
            break
        tok = w.group(0).rstrip(".")
        low = tok.lower()
        if low == "of" and words and words[-1].lower() in _UNITS and not seen_unit_of:
            seen_unit_of = True
            words.append(tok)
            i = j + len(tok)
            continue
        if low in _STOP or (low in _MONTHS and not words):
            break
        if words and not seen_unit_of and (low in _VERBS or (low.endswith("ed") and low.isalpha() and len(low) > 4)):
            break
        if seen_unit_of and words[-1].lower() != "of" and (low in _VERBS or (low.endswith("ed") and low.isalpha())):
            break
        if tok[0].isdigit() and not _CALIBRE_TOKEN.fullmatch(tok):
            break
        words.append(tok)
        i = j + len(tok)
        end = i
        if i < len(text) and text[i] in ",;:()[]":
            break
    while words and words[-1].lower() == "of":
        words.pop()
    while words and words[0].lower() in _SKIP_MODIFIERS and len(words) > 1:
        words.pop(0)
    if not words:
        return None
    not_items = _not_items()
    if words[0].lower() in not_items or words[-1].lower() in not_items or words[0].lower() in _VERBS \
            or (words[0].lower().endswith("ed") and words[0].isalpha() and words[0].islower()):
        return None
    if len(words) >= 2 and words[0].lower() in _UNITS and words[1].lower() != "of" and words[0].lower() in ("t", "l"):
        return None
    return " ".join(words), end


def _exact(n: int) -> dict[str, Any]:
    return {"value": n, "lower": n, "upper": n, "qualifier": "exact"}


#: "a field hospital", "an ambulance", "a single radar": one of a countable item
_ONE_BEFORE = re.compile(r"(?:^|[^\w-])(?:a|an|a\s+single|one\s+single)\s+(?:(?:new|mobile|modern|additional|further|"
                         r"second-hand|used|fully[- ]equipped|special)\s+)?$", re.IGNORECASE)
#: uncountable heads: "an ammunition depot" says nothing about a count
_MASS_WORDS = {"ammunition", "food", "fuel", "medicine", "medicines", "equipment", "aid", "clothing", "water", "supplies",
               "coal", "gas", "armour", "armor", "materiel", "material", "gear", "assistance", "support"}
#: "the amount of T-72 donated is 25", "we decrease the number of tanks to 10"
_NUMBER_OF_BEFORE = re.compile(r"\b(?:number|amount|count)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_NUMBER_OF_AFTER = re.compile(r"^(?:\s+[a-z]+){0,2}?\s+(?:is|was|are|were|to|at|equals|reached|stands\s+at)\s+"
                              r"(?:about\s+|around\s+)?(?=\S)", re.IGNORECASE)
#: "8 as the minimal number of pledged drones"
_AS_NUMBER_OF = re.compile(r"(?:^|\s)(\d[\d,]*)\s+as\s+the\s+(?:\w+\s+)?number\s+of\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
#: "six howitzers, three by each of the two countries": a joint delivery's share per donor
_EACH_AFTER = re.compile(r"^\s*,?\s*(?:with\s+|i\.e\.\s+)?(\w+|\d[\d,]*)\s+(?:by|from|of\s+them\s+by)?\s*each\b",
                         re.IGNORECASE)
#: "80000 blankets, out of which 60000 go to Ukraine"
_SHARE_AFTER = re.compile(r"^\s*,?\s*(?:out\s+)?of\s+(?:which|these|them)\s*,?\s+(?:only\s+)?(\d[\d,]*)\s+"
                          r"(?:are|were|go|went|is|will)\b[^.;]{0,40}?\bUkrain", re.IGNORECASE)


#: "2,400 stretchers, 300 of which are for children"
_SUBSET_AFTER = re.compile(r"^\s*,\s*(\d[\d,]*)\s+of\s+(?:which|them|these)\s+(?:are|were)\s+([A-Za-z][\w-]+)", re.IGNORECASE)


def _count_at(text: str, pos: int) -> dict[str, Any] | None:
    qs = find_quantities(text[pos:pos + 40])
    return qs[0].quantity if qs and qs[0].start == 0 else None


def _stated_count(text: str, s: int, e: int, name: str, head: str | None) -> dict[str, Any] | None:
    """The count of an item named without a number right before it: a statement of its number
    ("the number of X is 10", "12 as the number of X"), or one ("a field hospital")."""
    before = text[max(0, s - 60):s]
    # cheap word tests before the patterns (their words hold none of the letters i/k/s that
    # non-ASCII characters case-fold to, so a test on lower-cased text is exact)
    low = before.lower()
    tail = before[-24:].lower()
    if ("number" in tail or "amount" in tail or "count" in tail) and _NUMBER_OF_BEFORE.search(before[-24:]):
        m = _NUMBER_OF_AFTER.match(text[e:e + 40])
        if m:
            q = _count_at(text, e + m.end())
            if q is not None:
                return q
    m = _AS_NUMBER_OF.search(before) if "number" in low else None
    if m:
        return _exact(int(m.group(1).replace(",", "")))
    if _ONE_BEFORE.search(before[-30:]) and not text[s:e].lower().endswith("s") \
            and name.lower().split()[-1] not in _MASS_WORDS:
        return _exact(1)
    return None


def _per_donor(text: str, e: int) -> dict[str, Any] | None:
    m = _EACH_AFTER.match(text[e:e + 40])
    if not m:
        return None
    return _count_at(m.group(1), 0)


def _share_for_recipient(text: str, e: int) -> dict[str, Any] | None:
    m = _SHARE_AFTER.match(text[e:e + 90])
    return _exact(int(m.group(1).replace(",", ""))) if m else None


#: a calibre written right before an ammunition word: "152mm", "152 mm", "152-mm"
_CALIBRE_BEFORE = re.compile(r"(?<![\d.,])(\d{2,3})\s?-?mm\s+$", re.IGNORECASE)


def item_names(text: str) -> list[tuple[int, int, str, str | None, str | None]]:
    """The names of the item lexicon in ``text``: (start, end, name, head, category), left to right,
    before quantities are attached. :func:`find_items` reports each of them (joined up, with any
    count), whatever its ``exclude``, except a name inside a counted unit phrase ("28 tons of medical
    equipment"), which it replaces by the phrase: so a non-empty list means ``find_items(text)``
    finds something, and in a text without a number (no quantity, no unit phrase) it reports every
    name. Every item it reports with a ``head`` has the head of one of these names."""
    return _lexicon().find(text)


def find_items(text: str, *, exclude: list[tuple[int, int]] | None = None,
               names: list[tuple[int, int, str, str | None, str | None]] | None = None) -> list[ItemMatch]:
    """Items named in ``text`` with attached quantities, left to right.

    ``exclude``: character spans (e.g. money phrases) whose numbers are not item counts.
    ``names``: :func:`item_names` of ``text`` when the caller already has them.
    """
    if not text:
        return []
    exclude = exclude or []
    hits = _absorb(text, _lexicon().find(text) if names is None else names)
    qs = [q for q in _quantities(text) if not any(s < q[1] and q[0] < e for s, e in exclude)
          and not _LABEL_BEFORE.search(text[max(0, q[0] - 24):q[0]])]
    # a quantity immediately followed by "mm"/"x4" etc. is a calibre or a model, not a count
    qs = [q for q in qs if not _UNIT_AFTER.match(text[q[1]:q[1] + 8])]
    used_q: set[int] = set()
    out: list[ItemMatch] = []
    for s, e, name, head, cat in hits:
        qty = None
        start = s
        for k in range(len(qs) - 1, -1, -1):
            qs_, qe, qd = qs[k]
            if qe <= s and k not in used_q and (_gap_ok(text[qe:s]) or _share_gap(text, qs_, text[qe:s])):
                # the quantity must be the nearest number before the item
                if any(q2[0] >= qe and q2[1] <= s for q2 in qs if q2 is not qs[k]):
                    break
                qty, start = qd, qs_
                used_q.add(k)
                break
            if qe <= s:
                break
        if qty is None:
            qty = _stated_count(text, s, e, name, head)
        else:
            qty = _per_donor(text, e) or _share_for_recipient(text, e) or qty
        if head == "ammunition" and not any(ch.isdigit() for ch in name):
            cal = _CALIBRE_BEFORE.search(text, max(0, s - 12), s)
            if cal:  # "40,000 152mm artillery rounds" -> "152mm artillery round"
                name = f"{cal.group(1)}mm {'round' if name == 'round of ammunition' else name}"
        out.append(ItemMatch(start, e, name, qty, cat, head))
        sub = _SUBSET_AFTER.match(text[e:e + 50]) if qty is not None else None
        if sub:
            # "2,400 stretchers, 300 of which are for children": the named part counted too
            n = int(sub.group(1).replace(",", ""))
            out.append(ItemMatch(e + sub.start(1), e + sub.end(), f"{sub.group(2).lower()} {name}", _exact(n), cat, head))
    # counted things not in the lexicon
    hit_spans = [(h[0], h[1]) for h in hits]
    for k, (qs_, qe, qd) in enumerate(qs):
        if k in used_q:
            continue
        if _MONTH_BEFORE.search(text, max(0, qs_ - 12), qs_):
            continue  # "on February 28 it was announced": a day of the month, not a count
        np_ = _noun_phrase(text, qe)
        if np_ is None:
            continue
        phrase, end = np_
        # a lexicon item inside the phrase already got this quantity? then skip
        if any(qe <= hs < end for hs, _ in hit_spans):
            inner = [o for o in out if qe <= o.start < end or (o.start <= qs_ and o.end >= end)]
            if any(o.quantity is qd for o in inner):
                continue
            # lexicon item inside a unit phrase: "28 tons of medical equipment" -> unit item
            if not _WORD_OF.match(text[qe:end]):
                continue
            out = [o for o in out if not (qe <= o.start and o.end <= end + 2)]
        name = _singular_phrase(phrase)
        out.append(ItemMatch(qs_, end, name.lower() if not any(c.isupper() for c in name[1:]) else name, qd, None, None))
    out.sort(key=lambda m: m.start)
    return out


def merge_generic_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Contract items with a counted generic item ("tank" x31) folded into an uncounted specific one
    of the same kind ("M1 Abrams tank") named in the same event; duplicates dropped."""
    heads = {}
    try:
        lex_rows = _head_of()
    except Exception:  # pragma: no cover - data file missing
        lex_rows = {}
    for it in items:
        heads[it["name"]] = lex_rows.get(it["name"])
    out: list[dict[str, Any]] = []
    for it in items:
        name, q = it["name"], it.get("quantity")
        generic = lex_rows.get(name) == name
        if generic and q is not None:
            target = next((o for o in out if o["quantity"] is None and heads.get(o["name"]) == name and o["name"] != name), None)
            if target is not None:
                target["quantity"] = q
                continue
        same = next((o for o in out if o["name"] == name), None)
        if same is not None:
            if same["quantity"] is None and q is not None:
                same["quantity"] = q
            elif q is None or same["quantity"] == q:
                continue
            else:
                out.append({"name": name, "quantity": q})
            continue
        if not generic or q is not None or not any(heads.get(o["name"]) == name for o in out):
            out.append({"name": name, "quantity": q})
    # a specific item followed later by a counted generic one
    final: list[dict[str, Any]] = []
    for it in out:
        if lex_rows.get(it["name"]) == it["name"] and it["quantity"] is not None:
            target = next((o for o in final if o["quantity"] is None and heads.get(o["name"]) == it["name"] and o["name"] != it["name"]), None)
            if target is not None:
                target["quantity"] = it["quantity"]
                continue
        final.append(it)
    return final


@lru_cache(maxsize=1)
def _head_of() -> dict[str, str | None]:
    """canonical item name -> its generic head (a head is its own head)."""
    return {r["name"].strip(): (r.get("head") or "").strip() or None for r in item_rows()}


# patterns used inside functions, compiled once
_OVER = re.compile(r"over\s+", re.I)
_GAP_PUNCT = re.compile(r"[,;:.()\[\]]")
_BLANKS = re.compile(r"[ \t\u00a0]*")
_HAND_BEFORE = re.compile(r"\bhand(?:s|ed|ing)?\s+$", re.I)
_GAP_WORDS = re.compile(r"(?:[\w\-/]+\s+){0,3}[\w\-/.]+")
_ABSORB_GAP = re.compile(r"\s*\(?\s*")
_CALIBRE_TOKEN = re.compile(r"\d+(?:mm|-mm)")
_UNIT_AFTER = re.compile(r"\s?(?:mm|cm|x\d|%|-mm|per\s*cent)", re.I)
_WORD_OF = re.compile(r"\s*\w+\s+of\b")


gate_patterns(globals())  # same matches, fewer regex attempts (see base.first_char_gate)
