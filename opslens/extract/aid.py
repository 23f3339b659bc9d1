"""``aid_announcement``: pledges, announcements and deliveries of military, financial or
humanitarian support to a party of the war (contract sections 2, 6, 7, 8).

How a document is read:

1. One Aho-Corasick pass over the text finds every cue of ``opslens/data/aid_cues.csv`` (roles
   ``give``/``give_weak`` verbs, ``aidnoun``/``noun``, ``buy``/``sell``, ``attack``, ``negative``,
   ``total``, ``cat_*``) plus item names and money words. Only sentences whose cues could make an
   aid or purchase sentence are analysed further (money, items, actors), which keeps extraction
   cheap on ordinary war news.
2. An aid sentence has a giving verb with something given (money, a named or counted item, an aid
   noun), or an aid noun with money/items ("a EUR 500M tranche"). Calls, requests, debates,
   proposals, refusals, hedges ("could send"), allegations, troop deployments, sanctions packages,
   running totals ("since February", "so far") and attack reports ("destroyed 12 drones supplied
   by Iran") are not events. In a news story, a background remark about aid in general (no giving
   party, no figure, no counted goods: "Aid trackers distinguish pledges from deliveries") is not
   an event and joins a package only right after it, about it ("The package also includes ...").
   A negative cue only counts in the clause of the giving verb ("will
   supply X but will not provide tanks" is still an event). A sentence whose main verb is a sale
   or purchase is left to :mod:`opslens.extract.procurement`.
3. Donors come from :mod:`opslens.extract.actors`: the subject countries/organisations before the
   giving verb (coordinated subjects -> one event per donor, section 8), else "from X" when the
   recipient is the subject, else the donor named just before ("He announced ..."). Channels
   (World Bank, IMF, UN agencies) are donors only as subjects. The recipient is Ukraine unless the
   text sends the aid to another named party ("drones to Russia").
4. Sentences about the same donor's package merge into one event (one per donor and recipient):
   items (:mod:`opslens.extract.items`, a counted generic noun folded into the named model:
   "Abrams tanks ... 31 tanks" -> M1 Abrams tank x31), the value (:mod:`opslens.extract.money`, in
   the stated currency, or its euro equivalent given in brackets; a bare "$" is the donor's own
   dollar for Canada/Australia/New Zealand; a figure tagged with the text's own tracker entry code
   first, then the text's last statement of the figure it reports -- "Hence, we report ... NZD 3
   million", "..., add X and count Y", "Thus, the value equals Y", "only Y go to Ukraine", "increased
   the fund to Y" (not "we do not count", "previously reported", "a total of") --, then new money
   over background and totals, figures tagged with another entry's code last; a joint package's
   sum is given to no donor), and the
   category (an explicit "military/humanitarian/financial aid" phrase in the lead, else weighted
   cue counts and item categories -- what is given decides, not an office's name such as "the
   Minister of Defence thanked ..."; humanitarian when nothing says).
5. Dates follow section 7: the announcement is the publication day unless the package's sentences
   (or the one before/after) date it; future delivery times ("will arrive at the end of May") and
   dates after publication do not date the announcement.
6. A headline announcing aid counts when the body does not already give that donor's event and
   does not withdraw the figure (evidence ``{"text": title, "in": "title"}``). A short text
   without headline is read as the description of one package (tracker entries): its donor may be
   implicit, every counted good in it belongs to the package, and a bare list of goods ("Medical
   supplies and 20 generators.") is an event with low confidence.
"""
from __future__ import annotations

import csv
import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from ..schema import empty_event
from .actors import ActorMatch, claimant_country, find_actors
from .base import Document, Sentence, first_char_gate, gate_patterns, lower_twin, register, register_triggers, testable_lower, trigger_hits, words_testable
from .items import find_items, has_digit, item_names, item_rows, maybe_number, merge_generic_items
from .money import find_money, local_dollar

__all__ = ["AidExtractor", "sentence_cues", "Cues"]

log = logging.getLogger(__name__)

RECIPIENT_DEFAULT = "Ukraine"
_ROLES = ("give", "give_weak", "aidnoun", "noun", "negative", "total", "total_soft", "buy", "sell", "attack",
          "cat_military", "cat_financial", "cat_humanitarian")


_INNER_SUFFIXES = ("", "s", "es", "d", "ed", "ing")
_ROLE_SET = frozenset(_ROLES) | {"item", "money", "train"}
_TRIGGER_ROLES = frozenset(("give", "aidnoun", "buy", "sell"))


_DETAIL_ROLES = frozenset(("negative", "total", "total_soft", "cat_military", "cat_financial", "cat_humanitarian"))


@lru_cache(maxsize=2)
def _cue_automaton(detail: bool = False) -> Any:
    """One Aho-Corasick automaton over every cue of ``aid_cues.csv``: lowercased literal ->
    list of (role, trailing wildcard). Inner wildcards ("call* on") are expanded to common
    inflections; a trailing ``*`` matches any word ending."""
    import ahocorasick

    auto = ahocorasick.Automaton()
    for key, roles in _cue_table(detail).items():
        auto.add_word(key, (len(key), roles))
    auto.make_automaton()
    return auto


@lru_cache(maxsize=2)
def _cue_table(detail: bool = False) -> dict[str, tuple[tuple[str, bool], ...]]:
    """Lowercased cue literal -> its (role, trailing wildcard) pairs (see :func:`_cue_automaton`)."""
    table: dict[str, list[tuple[str, bool]]] = {}
    with resources.files("opslens.data").joinpath("aid_cues.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            cue, role = r["cue"].strip().lower(), r["role"].strip()
            if not cue or role not in _ROLE_SET:
                continue
            wild = cue.endswith("*")
            cue = cue.rstrip("*")
            forms = [cue]
            if "*" in cue:
                head, _, tail = cue.partition("*")
                forms = [head + suf + tail for suf in _INNER_SUFFIXES]
            if (role in _DETAIL_ROLES) != detail:
                continue
            for form in forms:
                table.setdefault(re.sub(r"\s+", " ", form), []).append((role, wild))
    if not detail:
        # money words and training: prefilter roles ("money" symbols need no word boundary)
        for w in ("million", "billion", "bn", "mln", "eur", "usd", "gbp", "cad", "aud", "nzd", "chf", "sek", "nok", "dkk",
                  "isk", "pln", "czk", "huf", "bgn", "ron", "hrk", "jpy", "krw", "cny", "uah", "rub", "twd"):
            table.setdefault(w, []).append(("money", False))
        for sym in "$€£¥₴₽":
            table.setdefault(sym, []).append(("money_sym", False))
        table.setdefault("train", []).append(("train", True))
    # item names (prefilter only: a sentence naming equipment may list aid without a noun like "aid")
    for r in (item_rows() if not detail else ()):
        alias = re.sub(r"\s+", " ", r["alias"].strip().lower())
        if alias and ("item", True) not in table.get(alias, []):
            table.setdefault(alias, []).append(("item", True))
    return {k: tuple(v) for k, v in table.items()}


# the document-level trigger cues join the pipeline's one Aho-Corasick scan per document
register_triggers("aid", lambda: list(_cue_table(False)))


_WS_RX = re.compile(r"[\n\t\r\u00a0]")


def _cue_hits(text: str, detail: bool | None = None) -> list[tuple[int, int, str]]:
    """(start, end, role) of every cue in ``text``: trigger roles (``detail=False``), the detail
    roles negative/total/category (``True``) or both (``None``)."""
    if detail is None:
        return _cue_hits(text, False) + _cue_hits(text, True)
    return _cue_hits_one(text, detail)


def _cue_hits_one(text: str, detail: bool) -> list[tuple[int, int, str]]:
    """(start, end, role) of every cue in ``text``, whole words, leftmost-longest per role."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if "\n" in low or "\t" in low or "\r" in low or "\u00a0" in low:  # (substring tests are far cheaper than a scan)
        low = _WS_RX.sub(" ", low)
    return _spans_by_role(low, _cue_automaton(detail).iter(low))


def _spans_by_role(low: str, matches: Any, info: dict[str, tuple[int, Any]] | None = None) -> list[tuple[int, int, str]]:
    """Whole-word cue spans, leftmost-longest per role, from automaton matches
    ``(end index, (length, roles))`` over the lower-cased text ``low`` (with ``info``, matches are
    ``(end index, literal)`` and ``info`` gives each literal's ``(length, roles)``; literals it does
    not know are skipped)."""
    n = len(low)
    # role -> [(start, -end)]: sorted as they are, leftmost first and longest first at one start
    by_role: dict[str, list[tuple[int, int]]] = {}
    tail = _WORD_TAIL.match
    for end_idx, inf in matches:
        if info is not None:
            inf = info.get(inf)
            if inf is None:
                continue
        length, roles = inf
        start = end_idx - length + 1
        end = end_idx + 1
        if roles[0][0] == "money_sym":
            by_role.setdefault("money", []).append((start, -end))
            continue
        if start > 0:
            c = low[start - 1]
            if c.isalnum() or c == "-" or c == "_":
                continue
        closed = True  # the literal ends a word
        if end < n:
            c = low[end]
            closed = not (c.isalnum() or c == "-" or c == "_")
        ext = end if closed else -1  # where a trailing wildcard ends (found on first need)
        for role, wild in roles:
            if wild:  # a trailing wildcard runs to the end of the word
                if ext < 0:
                    ext = tail(low, end).end()
                e = ext
            elif closed:
                e = end
            else:
                continue
            spans = by_role.get(role)
            if spans is None:
                by_role[role] = [(start, -e)]
            else:
                spans.append((start, -e))
    out: list[tuple[int, int, str]] = []
    for role, spans in by_role.items():
        if len(spans) == 1:
            out.append((spans[0][0], -spans[0][1], role))
            continue
        spans.sort()
        last = -1
        for s_, neg_e in spans:
            if s_ >= last:
                last = -neg_e
                out.append((s_, last, role))
    return out


#: the rest of a word after a cue with a trailing wildcard (letters, digits, hyphens: ``[^\W_]`` is
#: exactly ``str.isalnum``)
_WORD_TAIL = re.compile(r"(?:[^\W_]|-)*")


@lru_cache(maxsize=1)
def _trigger_info() -> dict[str, tuple[int, tuple[tuple[str, bool], ...]]]:
    """Trigger cue literal -> (its length, its roles), as the automaton stores them."""
    return {w: (len(w), roles) for w, roles in _cue_table(False).items()}


def _doc_cue_hits(doc: Document) -> list[tuple[int, int, str]]:
    """:func:`_cue_hits` of the whole text (trigger roles), read off the pipeline's shared trigger
    scan (:func:`opslens.extract.base.trigger_hits`) when its lower-cased text keeps the offsets."""
    text = doc.text or ""
    found = trigger_hits(doc).get("aid", [])
    low = doc.cache.get("lower")
    if low is None or len(low) != len(text):
        return _cue_hits(text, False)
    return _spans_by_role(low, found, _trigger_info())


def _is_trigger(text: str, hits: list[tuple[int, int, str]]) -> bool:
    """Could this sentence be an aid or procurement sentence? (cheap test on cue hits; the full
    rules are in :func:`_analyse`)"""
    roles = {h[2] for h in hits}
    money = "money" in roles
    if "give" in roles or "aidnoun" in roles or "buy" in roles or "sell" in roles:
        if "attack" in roles and "aidnoun" not in roles:
            return False
        stuff = money or "noun" in roles or "item" in roles or "aidnoun" in roles or has_digit(text)
        return bool(stuff) or ("aidnoun" in roles and "give_weak" in roles)
    if "attack" in roles:
        return False
    if "train" in roles:
        return True
    if not money:
        return False
    if "noun" in roles:
        return True
    return " to " in text or " for " in text or bool(_VALUE_WORDS.search(text)) \
        or bool(_ACCOUNT_AFTER.search(text)) or bool(_ACCOUNT_BEFORE.search(text))


@dataclass
class Cues:
    """What one sentence says about aid (spans are offsets into the sentence text)."""

    give: list[tuple[int, int]] = field(default_factory=list)
    give_weak: list[tuple[int, int]] = field(default_factory=list)
    aidnoun: list[tuple[int, int]] = field(default_factory=list)
    noun: list[tuple[int, int]] = field(default_factory=list)
    attack: list[tuple[int, int]] = field(default_factory=list)
    negative: list[tuple[int, int]] = field(default_factory=list)
    total: list[tuple[int, int]] = field(default_factory=list)
    total_soft: list[tuple[int, int]] = field(default_factory=list)
    buy: list[tuple[int, int]] = field(default_factory=list)
    sell: list[tuple[int, int]] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)


def sentence_cues(text: str, hits: list[tuple[int, int, str]] | None = None) -> Cues:
    """Cue spans of every role in one sentence (see ``opslens/data/aid_cues.csv``)."""
    c = Cues()
    for s_, e_, role in (_cue_hits(text) if hits is None else hits):
        if role in _NOT_SPAN_ROLES:
            continue
        if role.startswith("cat_"):
            cat = role[4:]
            c.categories[cat] = c.categories.get(cat, 0) + 1
        else:
            getattr(c, role).append((s_, e_))
    for role in _SPAN_ROLES:
        spans = getattr(c, role)
        if len(spans) > 1:
            spans.sort()
    return c


_NOT_SPAN_ROLES = frozenset(("item", "money", "train"))
_SPAN_ROLES = ("give", "give_weak", "aidnoun", "noun", "negative", "total", "total_soft", "buy", "sell", "attack")


# --- sentences ---------------------------------------------------------------------------------

_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9€$£])|\n+")


_GLUED = re.compile(r"[.!?](?=[A-Z][a-z])")
#: the same, one pattern per mark: a pattern that starts with one literal character is searched
#: for much faster than one that starts with a class
_GLUED_AT = {mark: re.compile(re.escape(mark) + r"(?=[A-Z][a-z])") for mark in ".!?"}


def _glued_points(text: str) -> list[int]:
    """Positions of :data:`_GLUED` matches in ``text`` (a full stop, ! or ? glued to the capital
    word that follows), in order."""
    out = [m.start() for m in _GLUED_AT["."].finditer(text)]
    for mark in "!?":
        if mark in text:
            out += [m.start() for m in _GLUED_AT[mark].finditer(text)]
    out.sort()
    return out


def _sentences(doc: Document) -> list[Sentence]:
    if doc.sentences:
        # scraped text often glues sentences ("the fighting.But local reports"): split them too
        # (one scan of the whole text; a cut needs two lowercase letters before it and the capital
        # word after it inside the same sentence)
        text = doc.text or ""
        starts = [x.start for x in doc.sentences]
        cuts_of: dict[int, list[int]] = {}
        for p in _glued_points(text):
            i = bisect_right(starts, p) - 1
            if i < 0:
                continue
            snt = doc.sentences[i]
            if p - snt.start >= 2 and p + 3 <= snt.end and text[p - 2:p].isalpha() and text[p - 2:p].islower():
                cuts_of.setdefault(i, []).append(p + 1 - snt.start)
        if not cuts_of:
            return list(doc.sentences)
        out: list[Sentence] = []
        for i, snt in enumerate(doc.sentences):
            cuts = cuts_of.get(i)
            if not cuts:
                out.append(snt)
                continue
            prev = 0
            for c in cuts + [len(snt.text)]:
                piece = snt.text[prev:c]
                if piece.strip():
                    lead = len(piece) - len(piece.lstrip())
                    out.append(Sentence(piece.strip(), snt.start + prev + lead, snt.start + prev + lead + len(piece.strip())))
                prev = c
        return out
    out, pos = [], 0
    text = doc.text or ""
    for m in _SPLIT.finditer(text):
        if text[pos:m.start()].strip():
            out.append(_trim(text, pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append(_trim(text, pos, len(text)))
    return out


def _trim(text: str, s: int, e: int) -> Sentence:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Sentence(text[s:e], s, e)


# --- sentence analysis -------------------------------------------------------------------------

_FUTURE = re.compile(r"\b(?:will|would|to be|is to|are to|shall|in the coming|next (?:week|month|year)|by the end of|"
                     r"at the end of|later this|expected to|set to|due to)\b", re.IGNORECASE)
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_TO_FOR = re.compile(r"\b(?:to|for|into|towards?|toward|with|via|through|by|of|in|at|on|against|and\s+to|among|including|"
                     r"such\s+as|like|from)\s+(?:the\s+)?$",
                     re.IGNORECASE)
_RECIPIENT_BEFORE = re.compile(r"\b(?:to|for|supply|supplies|supplying|provide|provides|providing|give|gives|send|sends|"
                               r"sell|sells|arm|arming|help|helping|support|supporting)\s+(?:the\s+)?$", re.IGNORECASE)
_RECEIVE_AFTER = re.compile(r"^\s*(?:will|would|is to|has|have|had)?\s*(?:receive|received|receives|get|gets|got)\b", re.IGNORECASE)
_PASSIVE_TO = re.compile(r"\b(?:delivered|sent|supplied|provided|transferred|handed over|shipped|donated|given)\s+to\s+$", re.IGNORECASE)
_COORD = re.compile(r"^\s*(?:,|and|,\s*and|together with|as well as|&)\s*(?:the\s+)?$", re.IGNORECASE)
_NOT_DONOR_KINDS = ("claimant", "outlet")


def _donor_candidates(text: str, actors: list[ActorMatch], give_at: int | None) -> tuple[list[str], str | None]:
    """(donors, recipient) in one sentence, from actor positions around the giving verb."""
    recipient = None
    donors: list[str] = []
    from_donors: list[str] = []
    states = [a for a in actors if a.kind not in _NOT_DONOR_KINDS]
    # "the Chinese Red Cross": a national body of the country, not the international organisation
    states = [a for i, a in enumerate(states) if not (
        a.kind == "organisation" and i > 0 and states[i - 1].kind == "country" and not text[states[i - 1].end:a.start].strip())]
    for i, a in enumerate(states):
        before = text[max(0, a.start - 40):a.start]
        after = text[a.end:a.end + 40]
        if _FROM.search(before):
            if not _NOT_DONOR_AFTER_FROM.match(after):
                from_donors.append(a.name)
            continue
        if _RECEIVE_AFTER.match(after) and a.name != RECIPIENT_DEFAULT and recipient is None:
            recipient = a.name
            continue
        if a.name in ("Russia", "Belarus", "Ukraine") and (_RECIPIENT_BEFORE.search(before) or _PASSIVE_TO.search(before)):
            if a.name != RECIPIENT_DEFAULT and recipient is None:
                recipient = a.name
            continue
    subject_states = [a for a in states if (give_at is None or a.start < give_at) and a.name not in ("Ukraine", "Russia")
                      and not _TO_FOR.search(text[max(0, a.start - 30):a.start])]
    if from_donors and not subject_states:
        return _unique(from_donors), recipient
    # subjects: actors before the giving verb, not introduced by a preposition
    subj: list[ActorMatch] = []
    for a in states:
        if a.name == RECIPIENT_DEFAULT or a.name == recipient:
            continue
        if give_at is not None and a.start > give_at:
            break
        if _prep_blocked(text, a):
            continue
        subj.append(a)
    if subj:
        # keep coordinated subjects ("Germany and the Netherlands") as separate donors
        groups: list[list[ActorMatch]] = [[subj[0]]]
        for a in subj[1:]:
            prev = groups[-1][-1]
            if _COORD.match(text[prev.end:a.start]):
                groups[-1].append(a)
            else:
                groups.append([a])
        # the group nearest the verb is the grammatical subject
        for a in groups[-1]:
            donors.append(a.name)
        if len(groups) > 1 and all(a.name == RECIPIENT_DEFAULT for a in groups[-1]):
            donors = [a.name for a in groups[-2]]
    if not donors and give_at is not None:
        # "He announced the US would allocate": actor right after the first verb
        for a in states:
            if a.start > give_at and a.name not in (RECIPIENT_DEFAULT, recipient, "Russia") and not _prep_blocked(text, a) \
                    and not _RECIPIENT_BEFORE.search(text[max(0, a.start - 30):a.start]):
                donors.append(a.name)
                break
    return _unique(donors), recipient


def _prep_blocked(text: str, a: ActorMatch) -> bool:
    """Is the actor the object of a preposition ("to the World Bank", "of Ukraine")? "by X" and
    "the Government of X" still name the actor of the sentence."""
    before = text[max(0, a.start - 30):a.start]
    if _BY_BEFORE.search(before):
        return False
    if _OF_BEFORE.search(before):
        return not _OFFICE_OF_BEFORE.search(before)
    return bool(_TO_FOR.search(before))


def _unique(xs: list[str]) -> list[str]:
    out: list[str] = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


@dataclass(eq=False, slots=True)
class _Analysis:
    """One sentence as the aid rules see it. Items, actors and parties are computed on first use
    (for a sentence told again, ``_src``: once, by the analysis of its first telling)."""

    sent: Sentence
    cues: Cues
    _actors: list[ActorMatch] | None
    money: list[Any]
    _items: list[Any] | None
    is_aid: bool = False
    is_procurement: bool = False
    is_excluded: bool = False
    is_negated: bool = False
    is_request: bool = False
    give_at: int | None = None
    _parties: tuple[list[str], str | None] | None = None
    seller: str | None = None
    buyer: str | None = None
    _item_hit: bool = False  # the document pass found an item name in the sentence
    _src: _Analysis | None = None  # the same sentence's analysis where it was first told (:func:`_retold`)
    _names: list[Any] | None = None  # :func:`opslens.extract.items.item_names` of the sentence, once looked for

    @property
    def items(self) -> list[Any]:
        """Goods named in the sentence (:func:`opslens.extract.items.find_items`), found on first use."""
        if self._items is None:
            if self._src is not None:
                self._items = self._src.items
                return self._items
            t = self.sent.text
            # the lexicon's names are cues of the document pass: without one, without money and
            # without any number, the sentence names no item (find_items would find nothing)
            self._items = find_items(t, exclude=[(m.start, m.end) for m in self.money], names=self._names) \
                if self.money or self._item_hit or maybe_number(t) else []
        return self._items

    def _lexicon_names(self) -> list[Any] | None:
        """The item lexicon's names in a sentence whose goods are not found yet and where the
        document pass saw one (else None: ask :attr:`items`)."""
        if self._items is not None or self._src is not None or not self._item_hit:
            return None
        if self._names is None:
            self._names = item_names(self.sent.text)
        return self._names

    def has_items(self) -> bool:
        """``bool(self.items)``, without the quantities where a name of the item lexicon already
        answers (:attr:`items` is never empty when the lexicon names something in the sentence)."""
        return bool(self._lexicon_names()) or bool(self.items)

    def has_headed_item(self) -> bool:
        """``any(i.head for i in self.items)``, without the quantities where the lexicon's names
        already answer: no (every item with a head has the head of one of those names), or yes
        when the sentence holds no number (a headed name then always ends up in a headed item)."""
        names = self._lexicon_names()
        if names is not None:
            if not any(n[3] for n in names):
                return False
            if not maybe_number(self.sent.text):
                return True
        return any(i.head for i in self.items)

    @property
    def actors(self) -> list[ActorMatch]:
        if self._actors is None:
            self._actors = self._src.actors if self._src is not None else find_actors(self.sent.text)
        return self._actors

    @property
    def donors(self) -> list[str]:
        if self._parties is None:
            if self._src is not None:
                self._src.donors  # noqa: B018 - computes the parties of the first telling
                self._parties = self._src._parties
            else:
                self._parties = _donor_candidates(self.sent.text, self.actors, self.give_at)
        return self._parties[0]  # type: ignore[index]

    @property
    def recipient(self) -> str | None:
        self.donors  # noqa: B018 - computes the parties
        return self._parties[1] if self._parties else None


_LAUNCH_THINGS = r"(?:fund|facility|programme|program|initiative|appeal|project|campaign|platform|scheme|mechanism|coalition|call|tender)s?"
_LAUNCHED_THING_BEFORE = re.compile(r"\b" + _LAUNCH_THINGS + r"\s+(?:\w+\s+){0,1}(?:was\s+|were\s+|has\s+been\s+|is\s+)?$", re.IGNORECASE)
_LAUNCHED_THING_AFTER = re.compile(r"\s+(?:an?\s+|the\s+|its\s+)?(?:[\w-]+\s+){0,3}?" + _LAUNCH_THINGS + r"\b", re.IGNORECASE)
_GOODS_BEFORE = re.compile(r"(?:artillery|mortar|tank|howitzer|\d\s?mm|\d+|of|rounds? of)\s+$", re.IGNORECASE)
_UTILITY_BEFORE = re.compile(r"\b(?:water|gas|power|electricity|energy|oil|fuel|heat|heating|grain|food)\s+$", re.IGNORECASE)
_SINCE_TOTAL = re.compile(r"\bsince\s+(?:the\s+)?(?:january|february|march|april|may|june|july|august|september|october|"
                          r"november|december|(?:19|20)\d\d|spring|summer|autumn|fall|winter|last year|the war|the start|"
                          r"the beginning|the invasion|russia)\b", re.IGNORECASE)
_TO_BUY = re.compile(r"\b(?:to|for\s+the|for)\s+(?:buy|purchase|procure|acquire|purchases|procurement)\b|"
                     r"\bpurchase\s+of\b|\bbuy\s+(?:back)\b", re.IGNORECASE)


_TRAIN_PEOPLE = re.compile(r"\btrain(?:s|ed|ing)?\b[^.]{0,40}\b(?:soldiers|troops|servicemen|personnel|forces|pilots|"
                           r"crews|specialists|officers|military)\b", re.IGNORECASE)
_PERFECT = re.compile(r"\b(?:has|have|had)\s+(?:\w+\s+)?(?:provided|sent|given|delivered|allocated|supplied|donated|"
                      r"contributed|pledged|committed|transferred)\b", re.IGNORECASE)
_FRESH_WORD = re.compile(r"\b(?:new|additional|further|another|latest|next|extra)\b", re.IGNORECASE)
_BOUGHT_TO_GIVE = re.compile(r"\b(?:to|in\s+order\s+to)\s+(?:give|support|help|send|donate|supply|aid|transfer|hand)\b|"
                             r"\bfor\s+(?:the\s+)?(?:Ukrain|Kyiv|Kiev)", re.IGNORECASE)
_ARMS = re.compile(r"\b(?:weapons?|arms|equipment|jets?|planes?|drones?|missiles?)\b", re.IGNORECASE)
_TO_FOR_IN = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:to|for|in)\b", re.IGNORECASE)
_UKRAINE_OR_FOR = re.compile(r"\bUkrain|\bfor\b")


#: who speaks is not what is given: a minister's title, a ministry's or an industry's name
#: ("the Minister of Defence thanked ...", "a meeting of defence ministers", "the Health Ministry")
_OFFICE_NAME = re.compile(
    r"\b(?:vice[- ]|deputy\s+|prime\s+)?minist(?:er|ers|ry|ries)\s+(?:of|for)\s+(?:the\s+)?(?:[a-z]+\s+(?:and|&)\s+)?"
    r"(?:defen[cs]e|health|finance|economy|economic\s+development|energy|social\s+policy|emergency\s+situations|"
    r"emergencies|internal\s+affairs|foreign\s+affairs|infrastructure)\b|"
    r"\b(?:defen[cs]e|health|finance|energy|economy|emergencies|emergency)\s+(?:minist(?:er|ers|ry|ries)|secretary|"
    r"secretaries|chiefs?|officials?|industry|industries|compan(?:y|ies)|firms?|contractors?|manufacturers?|"
    r"executives?|attach[eé]s?|committee|council|staff)\b|"
    r"\bsecretary\s+of\s+(?:defen[cs]e|health|energy|the\s+treasury)\b|"
    r"\b(?:defen[cs]e|military|health|finance)\s+press\s+service\b", re.IGNORECASE)


#: a word of every match of :data:`_OFFICE_NAME` (lower case)
_OFFICE_WORDS = ("minist", "secretar", "chief", "official", "industr", "compan", "firm", "contractor", "manufacturer",
                 "executive", "attach", "committee", "council", "staff", "press")


def _category_hits_outside_names(text: str, hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Detail cue hits without the category cues that are part of an office's or a body's name."""
    if not any(h[2].startswith("cat_") for h in hits):
        return hits
    if words_testable(text):  # every name the pattern knows holds one of these words (a cheap test first)
        low = text.lower()
        if not any(map(low.__contains__, _OFFICE_WORDS)):
            return hits
        names = [m.span() for m in _OFFICE_NAME_LOWER.finditer(low)]  # (base.lower_twin: the same spans)
    else:
        names = [m.span() for m in _OFFICE_NAME.finditer(text)]
    if not names:
        return hits
    return [h for h in hits if not (h[2].startswith("cat_") and any(s <= h[0] and h[1] <= e for s, e in names))]


_SUPPLY_NOUN_AFTER = re.compile(r"\s+(?:now\s+|still\s+|mainly\s+|mostly\s+|largely\s+|usually\s+)?(?:comes?|came|is|was|"
                                r"remains?|remained|flows?|flowed|arrives?|arrived|depends?|depended|reaches|reached|"
                                r"runs?|ran|has|had|goes|went|moves?|moved|dried|dries)\b", re.IGNORECASE)


_CONTRACT_WORD = re.compile(r"\b(?:contract|deal|agreement|order)", re.IGNORECASE)
_SUPPLY_AFTER = re.compile(r"\s*(?:to\s+)?(?:supply|deliver|provide|sell|produce|manufacture|build|make|ship)\b", re.IGNORECASE)
_COMPANY_WORD = re.compile(r"\b(?:compan(?:y|ies)|firms?|(?:arms\s+)?makers?|manufacturers?|producers?|contractors?|suppliers?|"
                           r"shipyards?|industry|concern|plants?|factory|factories|corporation|enterprises?)\b", re.IGNORECASE)


def _analyse(sent: Sentence, hits: list[tuple[int, int, str]] | None = None) -> _Analysis:
    t = sent.text
    if hits is None:
        hits = _cue_hits(t, False)
    cues = sentence_cues(t, hits + _category_hits_outside_names(t, _cue_hits(t, True)))
    money = find_money(t)
    # items are read when a rule needs them (:attr:`_Analysis.items`): a figure already makes the
    # sentence substantial, so most money sentences never look for goods unless an event lists them
    a = _Analysis(sent, cues, None, money, None, _item_hit=any(h[2] == "item" for h in hits))

    def stuff() -> bool:
        return bool(money) or a.has_items()

    # "a fund launched by the government", "launched a new programme": not a launch of weapons
    cues.attack = [x for x in cues.attack if not (t[x[0]:x[1]].lower().startswith("launch") and (
        _LAUNCHED_THING_BEFORE.search(t[max(0, x[0] - 40):x[0]]) or _LAUNCHED_THING_AFTER.match(t[x[1]:x[1] + 40])))]
    # "artillery shells", "155mm shells" are goods, not shelling
    cues.attack = [x for x in cues.attack if not (t[x[0]:x[1]].lower().startswith("shell")
                                                 and _GOODS_BEFORE.search(t[max(0, x[0] - 20):x[0]]))]
    # procurement: a finite buy/sell verb, not "funds to buy"
    buy = [s for s in cues.buy if not _TO_BUY.search(t[max(0, s[0] - 12):s[1] + 4])]
    sell = list(cues.sell)
    for b in list(buy):
        # "a Czech company signed a contract to supply Ukraine with shells": the company sells
        if _CONTRACT_WORD.search(t, b[0], b[1]) and _SUPPLY_AFTER.match(t, b[1]) and _COMPANY_WORD.search(t, 0, b[0]):
            buy.remove(b)
            sell.append(b)
    if buy and _BOUGHT_TO_GIVE.search(t):
        buy = []  # bought to be given: aid
        cues.give.append(cues.buy[0])
    # (the cheap tests first: the goods of a sentence are looked for only when they decide)
    a.is_procurement = not cues.attack and bool((buy or sell) and not (cues.give and not buy and not sell)
                                                and (money or _ARMS.search(t) or a.has_headed_item()))
    # "water supply", "gas supplies": utilities, not deliveries
    cues.give = [g for g in cues.give if not (t[g[0]:g[1]].lower().startswith("suppl") and _UTILITY_BEFORE.search(t[max(0, g[0] - 16):g[0]]))]
    # "supply now comes by rail": the noun as the subject of a verb, not a delivery
    cues.give = [g for g in cues.give if not (t[g[0]:g[1]].lower() == "supply" and _SUPPLY_NOUN_AFTER.match(t, g[1]))]
    low = t.lower()
    if "since" in low and _SINCE_TOTAL.search(t):
        cues.total.append((0, 0))  # "since March", "since 2014": a running total
    cues.give = [g for g in cues.give if not _NOT_GIFT_AFTER.match(t[g[1]:g[1] + 20])]
    strong_give = bool(cues.give)
    aid_noun = bool(cues.aidnoun)
    first_aid = min([x[0] for x in cues.give + cues.aidnoun] or [len(t)])
    if cues.attack and (not aid_noun or cues.attack[0][0] < first_aid):
        a.is_aid = False  # "destroyed five UAVs", "launched 40 cruise missiles", "shell a humanitarian convoy"
    else:  # (the goods, ``stuff()``, are looked for last: only when they decide)
        a.is_aid = (strong_give and (aid_noun or bool(cues.noun) or stuff())) or (aid_noun and (bool(cues.give_weak) or stuff())) or \
            (bool(cues.noun) and bool(money) and not cues.buy and not cues.sell)
    # "£6 million to a fund for repairing Ukraine's power grid", "$2 million for technical support to Ukraine"
    if not a.is_aid and money and not cues.buy and not cues.sell and not cues.attack and \
            any(_TO_FOR_IN.match(t, m.end, m.end + 30) for m in money) and _UKRAINE_OR_FOR.search(t):
        a.is_aid = True
    # "is to train Ukrainian soldiers"
    if not a.is_aid and not cues.attack and "train" in low and _TRAIN_PEOPLE.search(t):
        a.is_aid = True
    # "gives you the latest developments" is not a gift
    neg_hits = [n for n in cues.negative if not _negative_exempt(t, n) and _same_clause(t, n, cues)]
    if "sanction" in low and "package" in low:
        neg_hits.append((0, 0))  # a sanctions package is not an aid package
    a.is_negated = bool(neg_hits)
    a.is_request = any(_REQUEST_WORD.match(t[n0:n1])
                       for n0, n1 in neg_hits)
    a.is_excluded = bool(neg_hits) or bool(cues.total) or (
        bool(cues.total_soft) and (not stuff() or (bool(_PERFECT.search(t)) and not _FRESH_WORD.search(t))))
    gv = sorted(cues.give) or [w for w in sorted(cues.give_weak) if w[0] > 0] or sorted(cues.give_weak)
    a.give_at = gv[0][0] if gv else None
    if a.is_procurement:
        a.buyer, a.seller = _procurement_parties(t, a.actors, buy, sell)
    return a


#: the seller follows "from": "from Poland", "from a Polish firm", "from a manufacturer in the Czech Republic"
_SELLER_BEFORE = re.compile(r"\bfrom\s+(?:the\s+|an?\s+)?(?:(?:[\w-]+\s+){0,3}?(?:manufacturer|company|firm|producer|maker|"
                            r"supplier|contractor|group|shipyard|plant|factory|vendor|consortium|industry)s?\s+"
                            r"(?:in|based\s+in|of|from)\s+(?:the\s+)?)?$", re.IGNORECASE)


def _procurement_parties(text: str, actors: list[ActorMatch], buy: list[tuple[int, int]],
                         sell: list[tuple[int, int]]) -> tuple[str | None, str | None]:
    """(buyer, seller): the subject of "buys"/"orders" and the party after "from"; the subject of
    "sells" and the party it sells to."""
    # a ministry or agency buys for its country: "Ukraine's defence ministry has signed a contract"
    states = []
    for a in actors:
        if a.kind == "claimant":
            country = claimant_country(a.name)
            if country is not None:
                states.append(ActorMatch(a.start, a.end, country, "country"))
        elif a.kind not in _NOT_DONOR_KINDS:
            states.append(a)
    buyer = seller = None
    for a in states:
        if _SELLER_BEFORE.search(text[max(0, a.start - 70):a.start]):
            seller = seller or a.name
    if buy and (not sell or buy[0][0] < sell[0][0]):
        before = [a for a in states if a.end <= buy[0][0] and a.name != seller]
        if before:
            buyer = before[-1].name
        else:
            after = [a for a in states if a.start >= buy[0][1] and a.name != seller
                     and _BY_BEFORE.search(text[max(0, a.start - 10):a.start])]
            buyer = after[0].name if after else None
    elif sell:
        before = [a for a in states if a.end <= sell[0][0]]
        if before and seller is None:
            seller = before[-1].name
        after = [a for a in states if a.start >= sell[0][1] and a.name != seller]
        if after:
            buyer = after[0].name
    return buyer, seller


_CLAUSE_BREAK = re.compile(r",?\s+but\s+|;\s+|,\s+while\s+|,\s+whereas\s+|\s+[-–—]\s+|\(|\)")


def _same_clause(text: str, span: tuple[int, int], cues: Cues) -> bool:
    """Does the negative cue govern the first giving verb? It does before it, and after it within
    the same clause ("will supply X but will not provide tanks": the refusal is another clause)."""
    # a parenthetical remark ("(a meeting discussing deliveries)") frames nothing
    if text.rfind("(", 0, span[0]) > text.rfind(")", 0, span[0]):
        return False
    triggers = sorted(cues.give + cues.aidnoun)
    if not triggers:
        return True
    g = triggers[0][0]
    if span[0] < g:
        return True  # a frame before the announcement ("suggested that the plan under discussion ...")
    return not _CLAUSE_BREAK.search(text[g:span[0]])


def _negative_exempt(text: str, span: tuple[int, int]) -> bool:
    """Negative cues that do not cancel an announcement: "ready to" after "announced", etc."""
    word = text[span[0]:span[1]].lower()
    if word in ("possible", "possibility") and re.search(r"\bas soon as possible\b", text, re.I):
        return True
    if word.startswith("request") and re.search(r"\b(?:at|upon|on|in response to)\s+(?:the\s+|a\s+)?(?:[\w'’]+\s+){0,3}request", text, re.I):
        return True  # "at the Ukrainian government's request" is delivery, not a request
    if word.startswith("consider") and re.search(r"\bwe\s+(?:do\s+not\s+)?consider\b|considered\s+as\b", text, re.I):
        return True  # tracker's own accounting remarks
    return False


# --- events ------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Draft:
    donor: str | None
    recipient: str | None
    parts: list[_Analysis]

    @property
    def first(self) -> _Analysis:
        """The lead sentence: the first that names this draft's donor (else the first)."""
        if self.donor is not None:
            for p in self.parts:
                if self.donor in p.donors:
                    return p
        return self.parts[0]


#: explicit statements of the kind of aid outweigh single cue words
_EXPLICIT = (
    ("military", re.compile(r"\b(?:military|defen[cs]e|defensive|security|lethal|non-lethal)\s+(?:aid|assistance|support|package|"
                            r"equipment|materiel|material|purposes?|articles)\b|\bweapons?\b|\bammunitions?\b|\barmed forces\b|"
                            r"\bnato\b|\bpeace facility\b|\bforeign military financing\b|\busai\b|\bfmf\b"), 3.0),
    ("humanitarian", re.compile(r"\bhumanitarian\b|\bcivil(?:ian)? protection\b|\bwinteri[sz]ation\b|\bin-kind\b"), 3.0),
    ("humanitarian", re.compile(r"\bfor\s+humanitarian\b|\bhumanitarian\s+(?:aid|assistance|purposes?|projects?|needs)\b"), 2.0),
    ("financial", re.compile(r"\b(?:financial|budget(?:ary)?|macro-?financial|economic|fiscal)\s+(?:aid|assistance|support)\b|"
                             r"\bloans?\b|\bguarantees?\b|\bbonds?\b|\bcredit line|\bswap line|\bbudget support|"
                             r"\b(?:world bank|imf|ebrd|development bank|investment bank)\b|\bgovernance\b|\breforms?\b|"
                             r"\bpublic services\b|\bcritical services\b|\b(?:trust|partnership|peace)\s+fund\b"), 3.0),
)


def _explicit_in(text: str, memo: dict[str, tuple[bool, ...]]) -> tuple[bool, ...]:
    """Which :data:`_EXPLICIT` statements ``text`` makes (``memo``: once per sentence and document)."""
    found = memo.get(text)
    if found is None:
        low = text.lower()
        found = memo[text] = tuple(any(map(low.__contains__, hints)) and rx.search(low) is not None
                                   for (_, rx, _), hints in zip(_EXPLICIT, _EXPLICIT_HINTS))
    return found


_EXPLICIT = tuple((cat, first_char_gate(rx), bonus) for cat, rx, bonus in _EXPLICIT)  # the same matches, fewer attempts


#: for each :data:`_EXPLICIT` pattern, words one of which every match contains (a cheap test first;
#: the patterns read lower-cased text, so a substring test is exact)
_EXPLICIT_HINTS = (
    ("military", "defen", "security", "lethal", "weapon", "ammunition", "armed forces", "nato", "peace facility", "usai", "fmf"),
    ("humanitarian", "protection", "winteri", "in-kind"),
    ("humanitarian",),
    ("financial", "budget", "economic", "fiscal", "loan", "guarantee", "bond", "credit line", "swap line", "world bank", "imf",
     "ebrd", "development bank", "investment bank", "governance", "reform", "public services", "critical services", "fund"),
)


def _category(parts: list[_Analysis], lead: _Analysis, items: list[dict[str, Any]], item_cats: list[str | None],
              memo: dict[str, tuple[bool, ...]] | None = None) -> str | None:
    score = {"military": 0.0, "financial": 0.0, "humanitarian": 0.0}
    memo = {} if memo is None else memo
    # the lead sentence naming exactly one kind of aid decides ("a $1 billion security assistance package")
    lead_found = _explicit_in(lead.sent.text, memo)
    named = {_EXPLICIT[i][0] for i in (0, 1, 3) if lead_found[i]}
    if len(named) == 1 and lead is parts[0]:
        return named.pop()
    for k, p in enumerate(parts):
        w = 3.0 if (p is lead or k == 0) else 1.0
        for cat, n in p.cues.categories.items():
            score[cat] += w * n
        for (cat, _, bonus), hit in zip(_EXPLICIT, _explicit_in(p.sent.text, memo)):
            if hit:
                score[cat] += bonus * w
    for c in item_cats:
        if c in score:
            score[c] += 1.0
    best = max(score.items(), key=lambda kv: kv[1])
    return best[0] if best[1] > 0 else "humanitarian"


#: "an additional $50 million": the new money; "in addition to the $120 million", "bringing the total
#: to $1 billion": background or totals
_FRESH_BEFORE = re.compile(r"\b(?:additional|further|new|another|extra|fresh)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_BACKGROUND_BEFORE = re.compile(r"(?:\bin addition to|\bon top of|\bprevious(?:ly)?|\bearlier|\balready|\btotal(?:ling)?|"
                                r"\bcomprising|\b(?:bring(?:s|ing)?|increas\w*|doubl\w*|rais\w*|up)\b[^.]{0,40}\bto)"
                                r"\s+(?:[\w()-]+\s+){0,4}$", re.IGNORECASE)
_VALUE_WORDS = re.compile(r"\b(?:value|valued|worth|amounts?|amounting|cost|costs|totals?|totalling)\b", re.IGNORECASE)


#: the text's own statement of the value it reports ("Hence, we report the value as
#: NZD 3 million", "we attribute the other USD 2.1 million", "which equals 14.2 million EUR")
#: (a cheap sentence test; :func:`_statements` finds the figures the statements are about)
_ACCOUNT_AFTER = re.compile(r"\bwe\s+(?:\w+\s+){0,3}?(?:report|attribute|count|calculate|estimate|add|arrive|quantify|apply|"
                            r"consider\s+here)\b|\b(?:thus|therefore|hence)\b|\bequals\b|\bequal\s+to\b|"
                            r"\bleaves\b|\badding up to\b|\bmaking it\b", re.IGNORECASE)
_ACCOUNT_BEFORE = re.compile(r"\bwhich\s+(?:is\s+the\s+amount\s+)?we\s+(?:report|attribute|count)\b|"
                             r"\b(?:which|that)\s+(?:is|was|are|were)\s+(?:\w+\s+)?reported\s+(?:here|in\s+this)\b", re.IGNORECASE)
#: statements that end right before the figure they state:
#: "we report / attribute / count / estimate / calculate / apply a value of X" (also "..., and count X"),
#: "Thus/Hence/Therefore, <subject> is / equals / amounts to X", "only X (of Y) go to Ukraine",
#: "increased the fund to X", "making it X"
_STATE_VERB = re.compile(
    r"(?:\bwe\b|\band\b)(?P<mid>[^.;:]{0,40}?)\b(?:report|attribute|count|calculate|estimate|quantify|apply|record|"
    r"consider|take|use|add|arrive\s+at|account\s+for|accounts\s+for|accounted\s+for)(?:s|d|ed|ing)?\b"
    r"(?:\s+(?:[\w'-]+|\([^)]*\))){0,7}?\s+$", re.IGNORECASE)
_STATE_COPULA = re.compile(
    r"\b(?:thus|therefore|hence|consequently|so)\b,?(?P<mid>[^.;]{0,100}?)\b(?:is|are|was|were|equals|equal\s+to|equals\s+to|"
    r"amounts?\s+to|amounting\s+to|comes?\s+to|stands?\s+at|totals|adding\s+up\s+to|(?:a\s+)?value\s+(?:of|as|at)|be)\s+"
    r"(?:about\s+|around\s+|approximately\s+)?$", re.IGNORECASE)
#: "(which) equals X", "is equal to X", "adding up to X", "which gives this package a value of X"
_STATE_EQUALS = re.compile(r"(?:\bequals?(?:\s+to)?|\b(?:is|are|be|was|were)\s+equal\s+to|\badding\s+up\s+to|"
                           r"\bwhich\s+gives\s+(?:[\w-]+\s+){0,3}a\s+value\s+of)\s+$", re.IGNORECASE)
_STATE_ONLY = re.compile(r"\bonly\s+(?:about\s+|around\s+)?$", re.IGNORECASE)
#: "it is unclear if the entire 120 million EUR was paid out": the package's whole value
_STATE_ENTIRE = re.compile(r"\b(?:the|this|its)\s+(?:entire|whole|full)\s+(?:sum\s+of\s+|amount\s+of\s+)?$", re.IGNORECASE)
_STATE_UPDATE = re.compile(
    r"(?:\b(?:increas|rais|extend|expand|top)\w*\s+(?:up\s+)?(?:the|this|its|that|their)\s+(?:[\w-]+\s+){0,2}"
    r"(?:fund|package|contribution|amount|pledge|budget|aid|assistance|support|donation)\s+to|\bmaking\s+it)\s+$", re.IGNORECASE)
#: "X, which is reported in this entry", "X, which we report"
_STATE_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?,?\s*(?:" + _ACCOUNT_BEFORE.pattern + r")", re.IGNORECASE)
_MAKING_IT = re.compile(r"\bmaking\s+it\s+$", re.IGNORECASE)
#: the figure that was finally given: "CHF 22 million have been finally contributed", "was finally worth X"
_FINALLY_BEFORE = re.compile(r"\bfinally\s+(?:worth|amounted\s+to|amounting\s+to|valued\s+at|came\s+to|totall?ed)\s+$",
                             re.IGNORECASE)
_FINALLY_AFTER = re.compile(r"\s+(?:have|has|had|was|were)\s+(?:been\s+)?(?:finally|eventually|ultimately)\s+"
                            r"(?:been\s+)?(?:contributed|disbursed|delivered|paid|provided|allocated|transferred|spent)\b",
                            re.IGNORECASE)
_NEGATED_MID = re.compile(r"\bnot\b|n't\b|\bnever\b|\bpreviously\b|\bcannot\b|\bno longer\b", re.IGNORECASE)
_TOTAL_OF = re.compile(r"\b(?:a|the)\s+total\s+(?:\w+\s+)?of\s+$|\btotal\s+$", re.IGNORECASE)
#: tracker entry codes (country, M/H/F for military/humanitarian/financial, number: "ITF1", "see UKF5",
#: "EEM1-5"): a figure tagged with another entry's code belongs to that entry, a figure tagged with
#: this text's own code (the article id ends with it) is the one it reports
_ENTRY_CODE = re.compile(r"\b[A-Z]{2}[MHF]\d{1,3}\b")
_OWN_CODE = re.compile(r"(?:^|[^A-Za-z0-9])([A-Z]{2}[MHF]\d{1,3})$")
#: a figure followed by its equivalent in euros in brackets: "DKK 300 million (EUR 42.8 million)"
_EQUIV_GAP = re.compile(r"\s*\(\s*(?:approx(?:\.|imately)?|about|around|roughly|ca\.|circa|equivalent\s+to|~|=)?\s*$", re.IGNORECASE)


def _money_of(m: Any, d: _Draft) -> dict[str, Any]:
    return local_dollar(m.money, d.donor) if m.bare_dollar else m.money


def _sent_money(doc: Document, a: _Analysis) -> list[Any]:
    """Money of a sentence, also for sentences the cheap prefilter did not analyse."""
    if a.money or a.cues is not _NO_CUES:
        return a.money
    cache = doc.cache.setdefault("aid_sent_money", {})
    if id(a) not in cache:
        cache[id(a)] = find_money(a.sent.text) if has_digit(a.sent.text) else []
    return cache[id(a)]



def _code_tag(t: str, money: list[Any], k: int, own: str | None) -> str | None:
    """``"own"``/``"other"`` when the ``k``-th figure of sentence ``t`` is tagged with an entry code
    ("(ITF1)", "for EEM6", "(see TWH1 -TWH8)") before the next figure, else None."""
    m = money[k]
    stop = money[k + 1].start if k + 1 < len(money) else len(t)
    window = t[m.end:min(stop, m.end + 60)]
    window = _WINDOW_STOP.split(window)[0]
    codes = _ENTRY_CODE.findall(window)
    if not codes:
        # "300 million SEK and 45 million SEK are grants (XXA1 and XXA2)": a pair shares its tag
        if k + 1 < len(money) and _AND_GAP.fullmatch(t[m.end:money[k + 1].start]):
            return _code_tag(t, money, k + 1, own)
        return None
    if own is not None and codes == [own] and not _CODE_RANGE.search(window):
        return "own"
    return "other"


def _equivalent(t: str, money: list[Any], k: int) -> Any:
    """The figure's equivalent in euros given right after it in brackets, else the figure."""
    m = money[k]
    if k + 1 < len(money):
        nxt = money[k + 1]
        if nxt.money.get("currency") == "EUR" and m.money.get("currency") != "EUR" and _EQUIV_GAP.fullmatch(t[m.end:nxt.start]):
            return nxt
    return m


def _has(low: str | None, words: tuple[str, ...]) -> bool:
    """Could a pattern needing one of ``words`` match? (``low``: the lower-cased text, None when
    a word test is not safe for it)"""
    return low is None or any(map(low.__contains__, words))


_VERB_STEMS = ("report", "attribute", "count", "calculate", "estimate", "quantify", "apply", "record", "consider", "take",
               "use", "add", "arrive", "account")


def _is_statement(t: str, m: Any, before_local: str, low: str | None) -> bool:
    """Is the figure ``m`` of ``t`` the subject of a statement of the reported value (the text
    ``before_local`` since the previous figure leads up to it)?"""
    if (_has(low, ("finally",)) and _FINALLY_BEFORE.search(before_local)) or _FINALLY_AFTER.match(t, m.end, m.end + 40):
        return True  # "X have finally been contributed", "was finally worth X"
    if _has(low, ("we", "and")) and _has(low, _VERB_STEMS):
        v = _STATE_VERB.search(before_local)
        if v and not _NEGATED_MID.search(v.group(0)) and (v.group(0).lower().startswith("we") or _WE.search(t[:m.start])):
            return True
    if _has(low, ("thus", "therefore", "hence", "consequently", "so")):
        c = _STATE_COPULA.search(before_local)
        if c and not _NEGATED_MID.search(c.group(0)) and not _BRING_INCLUDE_ADD.search(c.group("mid")):
            return True
    if _has(low, ("only",)) and _STATE_ONLY.search(before_local) and _UKRAIN.search(t[m.end:]):
        return True
    if _has(low, ("entire", "whole", "full")) and _STATE_ENTIRE.search(before_local):
        return True
    if _has(low, ("increas", "rais", "extend", "expand", "top", "making")) and _STATE_UPDATE.search(before_local):
        return True
    if _has(low, ("equal", "adding", "gives")) and _STATE_EQUALS.search(before_local):
        return True
    return bool(_STATE_AFTER.match(t[m.end:m.end + 60]) and not _NEGATED_MID.search(t[m.end:m.end + 60]))


def _statements(t: str, money: list[Any], own: str | None) -> list[int]:
    """Indices of the figures of sentence ``t`` that a statement of the reported value is about."""
    out: list[int] = []
    for k, m in enumerate(money):
        if _code_tag(t, money, k, own) == "other":
            continue
        before = t[max(0, m.start - 140):m.start]
        if k and money[k - 1].end > m.start - 140:
            before_local = t[money[k - 1].end:m.start]
        else:
            before_local = before
        # word pre-tests before each pattern (exact: lower-cased text without case-folding letters)
        low = testable_lower(before_local)
        tail = before_local[-30:]
        if ((low is None or "total" in tail.lower()) and _TOTAL_OF.search(tail)) or (
                _IN_TOTAL_AFTER.match(t[m.end:m.end + 40]) and not _MAKING_IT.search(before_local)):
            continue  # a total ("making it X in total" is this package's new size)
        if _is_statement(t, m, before_local, low):
            out.append(k)
    # "$12.5 million goes to Ukraine itself; that is the figure reported here"
    wb = _ACCOUNT_BEFORE.search(t)
    if wb:
        ks = [k for k, m in enumerate(money) if m.end <= wb.start() and _code_tag(t, money, k, own) != "other"]
        if ks and ks[-1] not in out:
            out.append(ks[-1])
            out.sort()
    return out


_PREFERRED_BEFORE = re.compile(r"(?:report(?:s|ed)?|value (?:of|as|at)|valued at|worth|amount(?:s|ing)? to|"
                               r"total(?:ling)? value(?: of)?)\s+(?:\w+\s+){0,4}$", re.IGNORECASE)


def _positions(doc: Document, analyses: list[_Analysis]) -> dict[int, int]:
    """id(analysis) -> its index (once per document)."""
    pos = doc.cache.get("aid_positions")
    if pos is None or len(pos) != len(analyses):
        pos = doc.cache["aid_positions"] = {id(a): i for i, a in enumerate(analyses)}
    return pos


def _donor_share(doc: Document, d: _Draft) -> dict[str, Any] | None:
    """A joint package's value for one donor: only a statement of the figure that names that donor
    ("We attribute a further 3 million EUR to Latvia", section 8)."""
    analyses: list[_Analysis] = doc.cache.get("aid_analyses") or []
    m_own = _OWN_CODE.search(doc.article_id or "")
    own = m_own.group(1) if m_own else None
    found = None
    for a in analyses:
        money = _sent_money(doc, a)
        if not money:
            continue
        actors = a.actors if a.cues is not _NO_CUES else find_actors(a.sent.text)
        named = [x.name for x in actors if x.kind in ("country", "organisation")]
        if named != [d.donor]:
            continue  # the statement must be about this donor alone
        ks = _statements(a.sent.text, money, own)
        if ks:
            found = _money_of(_equivalent(a.sent.text, money, ks[-1]), d)
    return found


def _pick_value(doc: Document, d: _Draft, taken: set[int]) -> dict[str, Any] | None:
    """The package's value: a figure tagged with the text's own entry code; else the last figure
    the text states it reports for this package ("Hence, we report ...", "Thus, the value equals
    ..."); else the first figure in the package's own sentences (new money before background and
    totals, figures tagged for other entries last); else a "worth/value/cost" figure right after."""
    analyses: list[_Analysis] = doc.cache.get("aid_analyses") or []
    try:
        lead_i = analyses.index(d.parts[0])
    except ValueError:
        lead_i = len(analyses)
    own_ids = {id(p) for p in d.parts}
    m_own = _OWN_CODE.search(doc.article_id or "")
    own = m_own.group(1) if m_own else None
    if own is not None:
        if "aid_own_figure" not in doc.cache:  # the first figure tagged with the text's own code, once per document
            doc.cache["aid_own_figure"] = next(((a, k) for a in analyses for k in range(len(_sent_money(doc, a)))
                                                if _code_tag(a.sent.text, _sent_money(doc, a), k, own) == "own"), None)
        if doc.cache["aid_own_figure"] is not None:
            a, k = doc.cache["aid_own_figure"]
            return _money_of(_equivalent(a.sent.text, _sent_money(doc, a), k), d)
    stated = None
    stmts = doc.cache.setdefault("aid_statements", {})  # id(analysis) -> (money, indices), once per document
    # the package's own stretch of text: up to the sentence where another package's text begins
    pos_of = _positions(doc, analyses)
    stop = min([pos_of[id(p)] for other in doc.cache.get("aid_drafts", []) if other is not d for p in other.parts
                if id(p) in pos_of and pos_of[id(p)] > lead_i and id(p) not in own_ids] or [len(analyses)])
    for a in analyses[lead_i:stop]:
        if id(a) not in stmts:
            money = _sent_money(doc, a)
            stmts[id(a)] = (money, _statements(a.sent.text, money, own) if money else [])
        money, ks = stmts[id(a)]
        if not ks or not (id(a) in own_ids or id(a) not in taken):
            continue
        if a.cues is not _NO_CUES and d.donor is not None and a.donors and d.donor not in a.donors:
            continue  # a statement about another donor's package
        stated = _money_of(_equivalent(a.sent.text, money, ks[-1]), d)
    if stated is not None:
        return stated
    preferred = _PREFERRED_BEFORE
    candidates: list[tuple[int, int, dict[str, Any]]] = []
    pos = pos_of
    for k, p in enumerate(d.parts):
        if not p.money and id(p) in pos and pos[id(p)] + 1 < len(analyses):
            # "... announced a new package for Ukraine. It is worth $1 billion."
            nxt = analyses[pos[id(p)] + 1]
            if nxt.money and _VALUE_WORDS.search(nxt.sent.text) and not nxt.is_excluded and not nxt.is_aid:
                candidates.append((10 * k - 1, k, _money_of(nxt.money[0], d)))
        t = p.sent.text
        for j, m in enumerate(p.money):
            before = t[max(0, m.start - 60):m.start]
            rank = 10 * k - (1 if preferred.search(before) else 0)
            if _FRESH_BEFORE.search(before):
                rank -= 2
            if _BACKGROUND_BEFORE.search(before) and not _UP_TO_BEFORE.search(before):
                rank += 1000  # background and totals only when nothing else is stated
            if _code_tag(t, p.money, j, own) == "other":
                rank += 2000
            candidates.append((rank, k, _money_of(_equivalent(t, p.money, j), d)))
    if candidates:
        candidates.sort(key=lambda c: (c[0], c[1]))
        return candidates[0][2]
    try:
        last_i = analyses.index(d.parts[-1])
    except ValueError:
        return None
    scan = analyses[last_i + 1:last_i + 4]
    if _is_package_text(doc):
        # a package description: "All the aid amounts to X" anywhere in it
        scan = [a for a in analyses if a not in d.parts]
    for a in scan:
        money = _sent_money(doc, a)
        first_neg = min([n[0] for n in a.cues.negative] or [len(a.sent.text)])
        if money and id(a) not in taken and _VALUE_WORDS.search(a.sent.text) and money[0].end <= first_neg \
                and not a.cues.total:
            return _money_of(money[0], d)
    return None


def _counted_items(doc: Document, a: _Analysis) -> list[Any]:
    """Counted items of one sentence (cached per document)."""
    cache = doc.cache.setdefault("aid_counted", {})
    if id(a) not in cache:
        money = a.money if a.cues is not _NO_CUES else find_money(a.sent.text)
        cache[id(a)] = [it for it in (a.items if a.cues is not _NO_CUES else
                                      find_items(a.sent.text, exclude=[(m.start, m.end) for m in money]))
                        if it.quantity is not None]
    return cache[id(a)]


def _event_dict(doc: Document, d: _Draft, kind: str, title_evidence: bool = False) -> dict[str, Any]:
    from .dates import resolve_date

    ev = empty_event(doc.article_id, kind)
    first = d.first
    ev["donor"] = d.donor
    ev["recipient"] = d.recipient
    raw_items: list[dict[str, Any]] = []
    item_cats: list[str | None] = []
    for p in d.parts:
        for it in p.items:
            raw_items.append({"name": it.name, "quantity": it.quantity})
            item_cats.append(it.category)
    if kind == "aid_announcement" and _is_package_text(doc) and len(doc.cache.get("aid_drafts") or [d]) == 1:
        # a short package description: counted goods anywhere in it belong to the package
        own = {id(p) for p in d.parts}
        for a in doc.cache.get("aid_analyses") or []:
            if id(a) in own or a.is_negated or not has_digit(a.sent.text):
                continue
            for it in _counted_items(doc, a):
                raw_items.append({"name": it.name, "quantity": it.quantity})
    ev["items"] = merge_generic_items(raw_items)
    if kind == "aid_announcement":
        ev["category"] = _category(d.parts, d.first, ev["items"], item_cats, doc.cache.setdefault("aid_explicit", {}))
    taken = {id(p) for other in doc.cache.get("aid_drafts", []) if other is not d for p in other.parts}
    ev["value"] = _pick_value(doc, d, taken) if (kind == "procurement" or d.donor is None or not _shared_value(d)) \
        else _donor_share(doc, d)
    # date: announcement day unless the text dates the announcement itself
    text = first.sent.text
    dates = doc.cache.setdefault("aid_dates", {})  # sentence text -> resolved date, once per document
    if "" not in dates:
        dates[""] = resolve_date("", doc.published)
    pub_day, _ = dates[""]
    day, prec = None, None
    for p in [first] + [p for p in d.parts if p is not first] + _before(doc, first, 1) + _after(doc, first, 1):
        key = p.sent.text
        if key not in dates:
            dates[key] = resolve_date(key, doc.published, default=False)
        day, prec = dates[key]
        if day is not None and prec in ("week", "month") and _FUTURE.search(p.sent.text):
            day, prec = None, None
        if day is not None and pub_day is not None and day > pub_day:
            day, prec = None, None
        if day is not None:
            break
    if day is None:
        day, prec = pub_day, ("day" if pub_day else None)
    ev["date"] = day.isoformat() if isinstance(day, date) else None
    ev["date_precision"] = prec if ev["date"] else None
    ev["claimed_by"] = next((m.name for m in (first.actors if first.cues is not _NO_CUES else find_actors(text))
                             if m.kind == "claimant"), None)
    if title_evidence:
        ev["evidence"] = {"text": doc.title, "in": "title"}
    else:
        ev["evidence"] = {"text": doc.text[first.sent.start:first.sent.end],
                          "start": first.sent.start, "end": first.sent.end}
    conf = 0.45 + (0.2 if d.donor else -0.15) + (0.15 if ev["value"] or any(i["quantity"] for i in ev["items"]) else 0)
    conf += 0.1 if first.cues.give and first.cues.aidnoun else 0
    ev["confidence"] = round(min(conf, 0.95) * (0.8 if title_evidence else 1.0), 2)
    return ev


def _located(doc: Document, a: _Analysis) -> tuple[list[_Analysis], int]:
    """The document's analysed sentences and the index of ``a`` among them (-1: not there)."""
    analyses = doc.cache.get("aid_analyses") or []
    try:
        return analyses, analyses.index(a)
    except ValueError:
        return analyses, -1


def _before(doc: Document, a: _Analysis, n: int) -> list[_Analysis]:
    """The ``n`` analysed sentences before ``a`` (nearest first)."""
    analyses, i = _located(doc, a)
    if i < 0:
        return []
    return [analyses[j] for j in range(i - 1, max(-1, i - 1 - n), -1)]


def _after(doc: Document, a: _Analysis, n: int) -> list[_Analysis]:
    """The ``n`` analysed sentences after ``a``."""
    analyses, i = _located(doc, a)
    if i < 0:
        return []
    return analyses[i + 1:i + 1 + n]


def _context_donor(doc: Document, d: _Draft) -> str | None:
    """Donor named in the sentences just before a donor-less package ("He announced ...")."""
    for p in _before(doc, d.parts[0], 2):
        for a in p.actors:
            if a.kind in ("country", "organisation") and a.name not in ("Ukraine", "Russia", d.recipient):
                return a.name
    return None


def _article_donor(analyses: list[_Analysis], d: _Draft) -> str | None:
    """The donor a short package description is about: the first subject donor in the text."""
    for a in analyses:
        for x in a.donors:
            if x not in ("Ukraine", "Russia", d.recipient) and x not in _CHANNELS:
                return x
    for kind in ("country", "organisation"):
        for a in analyses:
            for m in a.actors:
                if m.kind == kind and m.name not in ("Ukraine", "Russia", d.recipient) and m.name not in _CHANNELS:
                    return m.name
    return None


#: organisations that channel other donors' money; a donor only when they are the subject
_CHANNELS = {"World Bank", "International Monetary Fund", "European Bank for Reconstruction and Development", "United Nations",
             "UNHCR", "World Food Programme", "UNICEF", "World Health Organization", "International Committee of the Red Cross",
             "G7", "OSCE", "OECD", "NATO"}


def _shared_value(d: _Draft) -> bool:
    """True when the first sentence names several donors (a joint package: no per-donor value)."""
    return len(d.first.donors) > 1 and not _EACH.search(d.first.sent.text)




#: a sentence that goes on about the package just told ("It includes ...", "The package also ...")
_DEICTIC_START = re.compile(r"^\W*(?:it|they|these|this|those|the\s+(?:package|aid|assistance|support|delivery|deliveries|"
                            r"shipment|donation|contribution|tranche|equipment|weapons|funds?|money))\b", re.IGNORECASE)


def _generic(a: _Analysis) -> bool:
    """A background remark about aid in general ("Aid trackers distinguish pledges from deliveries",
    "Military aid has shifted from small arms to artillery"): no giving party, no figure, no
    counted goods -- nothing that makes it one package."""
    if a.money or [x for x in a.donors if x not in ("Ukraine", "Russia")]:
        return False
    return not any(i.quantity is not None for i in a.items)  # (the goods last: the costliest test)


def _drafts(doc: Document, analyses: list[_Analysis], kind: str) -> list[_Draft]:
    if not any((a.is_aid if kind == "aid_announcement" else a.is_procurement) for a in analyses):
        return []  # continuations only extend a draft
    drafts: list[_Draft] = []
    current: list[_Draft] = []
    last_idx = -10
    headline = not _is_package_text(doc)
    for idx, a in enumerate(analyses):
        flag = a.is_aid if kind == "aid_announcement" else a.is_procurement
        if flag and kind == "aid_announcement" and headline and not a.is_excluded and _generic(a):
            # background in a news story: only a remark right after a package, about it, joins it
            if current and idx - last_idx == 1 and _DEICTIC_START.match(a.sent.text):
                current[-1].parts.append(a)
                last_idx = idx
            continue
        if not flag or a.is_excluded:
            # continuation: counted items right after an aid sentence ("It includes 20 tanks.")
            if current and idx - last_idx == 1 and not a.is_excluded and not a.cues.attack and any(i.quantity for i in a.items) \
                    and (not (a.cues.give or a.cues.give_weak)
                         or not [x for x in a.donors if x not in [c.donor for c in current] and x not in ("Ukraine", "Russia")]):
                current[-1].parts.append(a)
                last_idx = idx
            continue
        if kind == "aid_announcement" and a.is_procurement:
            continue
        if kind == "procurement":
            d = next((d for d in drafts if d.donor == a.seller and d.recipient == a.buyer), None)
            if d is None and current and idx - last_idx <= 1 and (a.seller is None or current[-1].donor in (None, a.seller)):
                d = current[-1]
                d.donor = d.donor or a.seller
            if d is None:
                d = _Draft(a.seller, a.buyer, [a])  # type: ignore[arg-type]
                drafts.append(d)
            elif a not in d.parts:
                d.parts.append(a)
            current, last_idx = [d], idx
            continue
        donors = [x for x in a.donors if x != (a.recipient or RECIPIENT_DEFAULT)]
        if kind == "aid_announcement":
            donors = [x for x in donors if x != "Ukraine" and not (x == "Russia" and (a.recipient or RECIPIENT_DEFAULT) == "Ukraine")]
        recipient = a.recipient or RECIPIENT_DEFAULT
        if not donors:
            if current and idx - last_idx <= 3:
                current[-1].parts.append(a)
                last_idx = idx
                continue
            known = next((d for d in drafts if d.donor is None), None)
            if known is not None:
                known.parts.append(a)
            else:
                d = _Draft(None, recipient, [a])
                drafts.append(d)
                current = [d]
            last_idx = idx
            continue
        new_current = []
        for donor in donors:
            same = next((d for d in drafts if d.donor == donor and d.recipient == recipient), None)
            if same is None:
                # an earlier donor-less draft of this package takes the donor
                anon = next((d for d in drafts if d.donor is None), None)
                if anon is not None and len(donors) == 1 and idx - analyses.index(anon.parts[-1]) <= 2:
                    anon.donor = donor
                    anon.parts.append(a)
                    same = anon
                else:
                    same = _Draft(donor, recipient, [a])
                    drafts.append(same)
            elif a not in same.parts:
                same.parts.append(a)
            new_current.append(same)
        current = new_current
        last_idx = idx
    return drafts


def _analyse_doc(doc: Document) -> list[_Analysis]:
    key = "aid_analyses"
    if key in doc.cache:
        return doc.cache[key]
    out: list[_Analysis] = []
    text = doc.text or ""
    if text:
        all_hits = _doc_cue_hits(doc)
        if len(text) < 600 or not _GATE_ROLES.isdisjoint({h[2] for h in all_hits}):
            sents = _sentences(doc)
            # bucket the document's cue hits by sentence (offsets made relative to the sentence only
            # for the sentences analysed below)
            per_abs: dict[int, list[tuple[int, int, str]]] = {}
            starts = [x.start for x in sents]
            ends = [x.end for x in sents]
            for h in all_hits:
                i = bisect_right(starts, h[0]) - 1
                if i >= 0 and h[1] <= ends[i]:
                    bucket = per_abs.get(i)
                    if bucket is None:
                        per_abs[i] = [h]
                    else:
                        bucket.append(h)
            # a sentence without any cue or money word cannot be aid (the training rule needs "train")
            hot = [False] * len(sents)
            for k, hs in per_abs.items():
                hot[k] = _is_trigger(sents[k].text, hs)
            short = len(text) <= 1500
            memo: dict[tuple[str, tuple[tuple[int, int, str], ...]], _Analysis] = {}
            for k, x in enumerate(sents):
                # full analysis only where aid can be: trigger words, the sentence after an aid
                # sentence (continuations such as "It includes 20 tanks."), the opening of a short
                # description
                prev = out[k - 1] if k else None
                if hot[k] or (k == 0 and short) or (
                        prev is not None and (prev.is_aid or prev.is_procurement) and has_digit(x.text)):
                    # a sentence repeated in the article (a boilerplate line, a re-told lead) is read once
                    st = x.start
                    rel = [(h[0] - st, h[1] - st, h[2]) for h in per_abs.get(k, ())]
                    told = (x.text, tuple(rel))
                    seen = memo.get(told)
                    if seen is None:
                        memo[told] = seen = _analyse(x, rel)
                        out.append(seen)
                    else:
                        out.append(_retold(seen, x))
                else:
                    out.append(_Analysis(x, _NO_CUES, None, [], []))
    doc.cache[key] = out
    return out


def _retold(a: _Analysis, sent: Sentence) -> _Analysis:
    """The analysis ``a`` of the same sentence text told again at ``sent`` (another place in the
    article): the same findings (nothing changes them after :func:`_analyse`), its own sentence;
    items, actors and parties found on first use are found once, by ``a``."""
    return _Analysis(sent, a.cues, a._actors, a.money, a._items, a.is_aid, a.is_procurement, a.is_excluded,
                     a.is_negated, a.is_request, a.give_at, a._parties, a.seller, a.buyer, a._item_hit, a)


_GATE_ROLES = _TRIGGER_ROLES | {"money", "train"}
_NO_CUES = Cues()  # shared, never modified: sentences that were not analysed


def _title_analysis(doc: Document) -> _Analysis | None:
    if "aid_title" not in doc.cache:
        doc.cache["aid_title"] = _title_analysis_uncached(doc)
    return doc.cache["aid_title"]


def _title_analysis_uncached(doc: Document) -> _Analysis | None:
    if not doc.title or not doc.title.strip():
        return None
    title = doc.title.strip()
    # "Headline (02.11.22 08:15) « Section | Outlet": keep the headline
    title = _TITLE_TAIL.split(title)[0]
    hits = _cue_hits(title, False)
    # a headline without a giving, aid, buy or sell word, money or "train" can be neither aid nor a
    # purchase (every path to ``is_aid``/``is_procurement`` in :func:`_analyse` needs one): no analysis
    if _TRIGGER_ROLES.isdisjoint({h[2] for h in hits}) and "train" not in title.lower() and not find_money(title):
        return None
    return _analyse(Sentence(title, 0, len(title)), hits)


def _fragment_event(doc: Document, analyses: list[_Analysis]) -> _Draft | None:
    """A body that only describes an aid shipment ("Medical supplies. No further information.")."""
    if not analyses:
        return None
    first = analyses[0]
    if doc.title or first.is_excluded or len(doc.text) > 1500 or first.cues.attack or first.cues.buy or first.cues.sell:
        return None
    t = first.sent.text
    has_stuff = bool(first.items) or bool(first.cues.noun) or bool(first.cues.aidnoun) or bool(first.money)
    if not has_stuff or not (first.cues.categories or first.items or first.cues.aidnoun):
        return None
    # a description, not a story: no finite verb of its own before the first full stop
    if _FINITE_VERB.search(t) and not ((first.cues.noun or first.cues.aidnoun) and first.items):
        return None
    donors = [x for x in first.donors if x not in ("Ukraine", "Russia")]
    return _Draft(donors[0] if donors else None, RECIPIENT_DEFAULT, [first])


def _body_retracts(title: _Analysis, analyses: list[_Analysis]) -> bool:
    """The headline's figure is, in the body, only asked for / proposed ("Biden initiates $11.7bn" ->
    "will ask Congress to allocate $11.7bn")."""
    amounts = {m.money["amount"] for m in title.money}
    return any(a.is_request and amounts & {m.money["amount"] for m in a.money} for a in analyses)


def _merge_same_party(drafts: list[_Draft], analyses: list[_Analysis]) -> list[_Draft]:
    """One event per donor and recipient: drafts that ended up with the same parties are one package;
    a package whose only figure the text elsewhere only asks for or proposes is dropped."""
    order: dict[int, int] | None = None  # id(analysis) -> its index, made when two drafts merge
    out: list[_Draft] = []
    for d in drafts:
        same = next((o for o in out if o.donor == d.donor and o.recipient == d.recipient and d.donor is not None), None)
        if same is None:
            out.append(d)
        else:
            if order is None:
                order = {id(a): i for i, a in enumerate(analyses)}
            rank = order
            same.parts = sorted(same.parts + [p for p in d.parts if p not in same.parts], key=lambda p: rank.get(id(p), 0))
    keep = []
    for d in out:
        amounts = {m.money["amount"] for p in d.parts for m in p.money}
        if amounts and all(_body_retracts(p, analyses) for p in d.parts if p.money):
            continue
        keep.append(d)
    return keep


def _is_package_text(doc: Document) -> bool:
    """A short text without headline: the description of one aid package (tracker entries)."""
    return not doc.title and len(doc.text or "") <= 1500


def _keep(d: _Draft, kind: str, headline: bool = True) -> bool:
    """A draft is an event when its parties are known or its substance is unmistakable (a text
    without headline that describes a package is about that package)."""
    if kind == "procurement":
        return d.donor is not None or d.recipient is not None
    if d.donor is not None or not headline:
        return True
    return any((p.cues.aidnoun and (p.money or p.items)) or (p.cues.give and p.money) for p in d.parts)


def extract_kind(doc: Document, kind: str) -> list[dict[str, Any]]:
    """Events of ``kind`` (``aid_announcement`` or ``procurement``) in one document."""
    analyses = _analyse_doc(doc)
    headline = not _is_package_text(doc)
    drafts = [d for d in _drafts(doc, analyses, kind) if _keep(d, kind, headline)]
    # the parties of this kind's body drafts, as found (before any change below): the other kind's
    # pass reads them instead of drafting this kind again
    doc.cache.setdefault("aid_body_parties", {})[kind] = [(d.donor, d.recipient) for d in drafts]
    if kind == "aid_announcement":
        for d in drafts:
            if d.donor is None:  # "He announced ...", "The package ..." -> donor from context
                d.donor = _context_donor(doc, d) or (_article_donor(analyses, d) if _is_package_text(doc) else None)
    drafts = _merge_same_party(drafts, analyses)
    if kind == "aid_announcement" and drafts and not doc.title and analyses and len(doc.text) <= 1500:
        # a short package description opens with the goods it lists ("15 units of M113 APCs, ...")
        head = analyses[0]
        if head.items and not head.is_excluded and not any(head in d.parts for d in drafts):
            target = next((d for d in drafts if d.donor is None), drafts[0])
            target.parts.insert(0, head)
    doc.cache["aid_drafts"] = drafts
    events = [_event_dict(doc, d, kind) for d in drafts]
    other = "procurement" if kind == "aid_announcement" else "aid_announcement"
    body_other = doc.cache["aid_body_parties"].get(other)  # (donor, recipient) of the other kind's body drafts
    if body_other is None:
        body_other = [(d.donor, d.recipient) for d in _drafts(doc, analyses, other) if _keep(d, other, headline)]
    t = _title_analysis(doc)
    if t is not None and not t.is_excluded:
        flag = (t.is_aid and not t.is_procurement) if kind == "aid_announcement" else t.is_procurement
        if flag and kind == "procurement":
            d = _Draft(t.seller, t.buyer, [t])  # type: ignore[arg-type]
            same = any(x.recipient == d.recipient and x.donor in (None, d.donor) for x in drafts) or \
                any(x_donor == d.recipient for x_donor, _ in body_other)
            if _keep(d, kind) and not same:
                events.append(_event_dict(doc, d, kind, title_evidence=True))
        elif flag and _body_retracts(t, analyses):
            pass
        elif flag:
            donors = [x for x in t.donors if x not in ("Ukraine", t.recipient or RECIPIENT_DEFAULT)]
            for donor in donors or [None]:
                if donor is None and (drafts or body_other or not (t.money or t.items)):
                    continue
                if any(x.donor == donor for x in drafts) or any(x_donor == donor or x_recipient == donor for x_donor, x_recipient in body_other):
                    continue
                d = _Draft(donor, t.recipient or RECIPIENT_DEFAULT, [t])
                events.append(_event_dict(doc, d, kind, title_evidence=True))
    if not events and not body_other and kind == "aid_announcement" and not headline:
        # a package description that only tells the package as a running total ("X has provided
        # 448 million BGN since the beginning of the war") still describes that package
        tot = next((a for a in analyses if a.is_aid and a.is_excluded and not a.is_negated and not a.is_procurement
                    and a.money and [x for x in a.donors if x not in ("Ukraine", "Russia")]), None)
        if tot is not None:
            donors = [x for x in tot.donors if x not in ("Ukraine", "Russia")]
            d = _Draft(donors[0], tot.recipient or RECIPIENT_DEFAULT, [tot])
            doc.cache["aid_drafts"] = [d]
            ev = _event_dict(doc, d, kind)
            ev["confidence"] = 0.35
            events.append(ev)
    if not events and not body_other and kind == "aid_announcement":
        d = _fragment_event(doc, analyses)
        if d is not None:
            ev = _event_dict(doc, d, kind)
            ev["confidence"] = 0.3
            events.append(ev)
    return events


@register
class AidExtractor:
    """Aid announcements (see module docstring)."""

    name = "aid_announcement"

    def extract(self, doc: Document) -> list[dict[str, Any]]:
        return extract_kind(doc, "aid_announcement")


# patterns used inside functions, compiled once
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$", re.I)
_WINDOW_STOP = re.compile(r"[.;,)]")
_TITLE_TAIL = re.compile(r"\s+\(\d\d\.\d\d\.\d\d|\s+«\s|\s+\|\s")
_OFFICE_OF_BEFORE = re.compile(r"(?:government|ministry|minister|president|prime minister|chancellor|parliament|cabinet|people|embassy|department|secretary|leader|head|kingdom|republic)\s+of\s+(?:the\s+)?$", re.I)
_REQUEST_WORD = re.compile(r"(?:ask|request|propos|call|urg|seek|appeal|plead|demand)", re.I)
_AND_GAP = re.compile(r"\s+and\s+")
_CODE_RANGE = re.compile(r"[A-Z]\d{1,3}\s*[-–]\s*[A-Z]*\d")
_UKRAIN = re.compile(r"\bUkrain")
_EACH = re.compile(r"\beach\b", re.I)
_NOT_DONOR_AFTER_FROM = re.compile(r"\s*(?:aggression|attacks?|invasion|forces|troops|territory|side|strikes?|shelling|missiles?|occupation|army|military|soldiers|drones?)\b", re.I)
_NOT_GIFT_AFTER = re.compile(r"\s+(?:you|us|me|readers|them an? (?:idea|sense))\b|[\s-]+(?:lines?|chains?|routes?|convoys?)\b", re.I)
_IN_TOTAL_AFTER = re.compile(r"\s*(?:\([^)]*\)\s*)?in total\b")
_WE = re.compile(r"\bwe\b", re.I)
_BRING_INCLUDE_ADD = re.compile(r"\b(?:bring|includ|add)", re.I)
_UP_TO_BEFORE = re.compile(r"\bup\s+to\s+$", re.I)
_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|will|said|says)\b")


gate_patterns(globals())  # same matches, fewer regex attempts (see base.first_char_gate)
_OFFICE_NAME_LOWER = lower_twin(_OFFICE_NAME)
