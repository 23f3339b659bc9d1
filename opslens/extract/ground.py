"""Ground assaults (``ground_assault``), section 6 of the contract.

A ground assault is an attack by ground forces reported with a count or a named place or
direction: "more than 60 enemy attacks were repulsed", "7 attacks repulsed in Donbas",
"repelled a Russian attack near Brody" (count 1), "Russian troops captured Melitopol",
"advance within 20 miles of Kyiv". Attacks by missiles, drones, aircraft or artillery are not
ground assaults, nor are plans, threats or running totals.

Per sentence (prefiltered by trigger words): a *repel* pattern (repelled / repulsed ... attacks,
attacks were repulsed) stands on its own when it has a count or a place; a *move* pattern
(captured, advanced on, stormed, offensive in, fighting continues in) needs a named place.
``count`` only when stated ("5 attacks", "an offensive" = 1; "attacks near 11 settlements" has
none). Mentions merge per date and region like drone/missile attacks.
"""
from __future__ import annotations

import re
from typing import Any

from ..schema import empty_event
from .attacks import _HEDGE, _NATIONAL, _NATIONAL_WORDS, _claimant_fn, _may_hold, _past_year, casualties, event_date
from .base import Document, gate_patterns, lower_twin, register, register_triggers, testable_lower, trigger_hits, words_testable
from .numbers import find_quantities
from .places import find_places, locate

__all__ = ["GroundAssaultExtractor"]

_F = re.IGNORECASE
_PREFILTER = re.compile(r"\b(?:repel|repuls|repell|attack|assault|offensive|advanc|captur|seiz|retook|recaptur|storm|fallen|"
                        r"fell\s+to|liberat|encircl|fighting|battle|took\s+control|push)", _F)
#: substrings checked with ``in`` (C speed) before any regex runs
_STEMS = ("repel", "repuls", "attack", "assault", "offensive", "advanc", "captur", "seiz", "retook", "recaptur", "storm",
          "fallen", "fell to", "liberat", "encircl", "fighting", "battle", "took control", "push")
_COUNT_VERB = re.compile(r"\b(?:carried\s+out|conducted|made|mounted|undertook|launched)\s+(?:\w+\s+){0,3}?"
                         r"(?:attacks|assaults|offensives|storming\s+attempts)\b", re.IGNORECASE)
_NOUN = r"(?:attacks?|assaults?|offensives?|offensive\s+actions|attempts?\s+to\s+(?:advance|attack|storm|break\s+through)|storming\s+attempts?)"
_REPEL = re.compile(
    rf"\b(?:repel\w*|repuls\w*|beat\s+(?:off|back)|fought\s+off|thwart\w*|foiled|stopped|halted|deterred)\b(?:[^.;]{{0,90}}?)\b{_NOUN}\b|"
    rf"\b{_NOUN}\s+(?:\w+\s+){{0,6}}?(?:were|was|have\s+been|had\s+been|being)\s+(?:\w+\s+)?(?:repel\w*|repuls\w*|thwarted|stopped|beaten\s+off)", _F)
_MOVE = re.compile(
    r"\b(?<!the\s)(?<!newly\s)(?<!-)(?<!temporarily\s)(?<!recently\s)(?<!\bin\s)(?:(?:captur|seiz)(?:ed|es)(?!\s+(?:\d|a\s+total|total|over\s+\d|more\s+than|about|some|several|dozens|hundreds|districts|territor|areas|regions|parts|civilians|people|prisoners|"
    r"soldiers|servicemen|hostages|equipment|tanks|weapons|documents|russian\s+(?:soldiers|troops|tanks))|\s+by)|took\s+control\s+of|retook|recaptur\w*|"
    r"(?:(?:forces|troops|military|army|defenders|soldiers|units|brigade|ukraine|ukrainians|they|afu|zsu)\s+(?:\w+\s+){0,2}?|"
    r"(?:was|were|been)\s+(?:\w+\s+)?)liberat(?:ed|es)\b(?!\s+from)|storm(?:ed|s)\b|"
    r"and\s+advanc(?:e|es|ing)\b|"
    r"has\s+fallen|fell\s+to|advanc(?:e|ed|es|ing)\s+(?:on|toward|towards|into|within|in|near|to)|"
    r"pressed\s+(?:its|their|the)\s+offensive|offensive\s+(?:in|on|near|toward|towards|against)|assault\s+on|"
    r"(?:fighting|battles?|clashes)\s+(?:continues?|continued|rag(?:es|ed|ing)|(?:is|are|was|were)\s+(?:under\s*way|ongoing|going\s+on))|"
    r"surrender(?:ed|s)\s+(?:its|their)\s+positions|push(?:ed|ing)?\s+(?:toward|towards|into)|ground\s+(?:attack|assault|offensive)|"
    r"(?:attempted|tried|trying|attempts?)\s+to\s+(?:advance|storm|break\s+through|attack)|"
    r"offensive\s+(?:actions|operations)|launched\s+(?:an?\s+)?(?:ground\s+)?(?:offensive|assault))\b", _F)
#: "missile attacks", "air attacks", "artillery attacks" ... are not ground assaults
_NOT_GROUND = re.compile(
    r"\b(?:missile|rocket|drone|uav|air|aerial|artillery|cyber|hacker|terror(?:ist)?|chemical|nuclear|shelling|"
    r"mortar|kamikaze|bomb|airstrikes?|strike|mlrs|grad)\s+(?:\w+\s+)?(?:attacks?|assaults?|offensives?|strikes?)\b", _F)
_RUNNING = re.compile(r"\bsince\s+(?:the\s+(?:start|beginning|outbreak)\s+of\s+the\s+(?:war|invasion)|february\s+24|24\s+february|"
                      r"the\s+full-scale)\b|\bin\s+total\b", _F)
_COUNT = re.compile(rf"^\s+(?:(?:more|other|further|separate|enemy|russian|ground|fierce|major|new|massive)\s+){{0,3}}"
                    rf"(?:(?:attacks?|assaults?|offensives?|storming\s+attempts?|attempts?\s+to\s+(?:advance|attack|storm)))\b", _F)
_ONE = re.compile(rf"\b(?:an?|one|another|yet\s+another|single)\s+(?:(?:\w+|\w+-\w+)\s+){{0,3}}?(?:attack|assault|offensive|storming\s+attempt)\b(?!\s+(?:helicopter|drone|aircraft|plane|on\s+(?:the\s+)?(?:air|power)))", _F)
_UKR_ACTOR = re.compile(r"\b(?:Ukrainian|Ukraine'?s?|Ukraine’s)\s+(?:forces|troops|army|military|armed\s+forces|soldiers|defenders)\s+"
                        r"(?:\w+\s+){0,3}?(?:retook|recaptured|liberated|captured|advanced|pushed|stormed|launched\s+(?:a\s+)?counter)|"
                        r"\bcounteroffensive\b|\bcounter-offensive\b|surrendered\s+(?:its|their)\s+positions\s+to\s+Ukrainian", _F)


register_triggers("ground", lambda: _STEMS)

#: a blank ground-assault event (``empty_event``: every field null but type; copied per event)
_BLANK = empty_event("", "ground_assault")


#: words one of which every match holds (one per branch; _RX1 and _RX4 are case-sensitive, their
#: words are looked for in the text itself): a sentence without any is not searched
_RUNNING_WORDS = ("since", "total")
_UKR_ACTOR_WORDS = ("ukrain", "counter")
_RX1_WORDS = ("direction", "axis", "sector", "JFO", "Joint", "Donbas")
_RX4_WORDS = ("settlements", "villages", "towns", "directions", "areas")

_FUTURE = re.compile(r"\b(?:will|shall|going\s+to|in\s+order\s+to|to\s+continue|plans?\s+to|intends?\s+to|prepar\w+\s+to|"
                     r"wants?\s+to|aims?\s+to|expected\s+to|could|would|may|might)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:not|no\s+longer|never|n't|nor)\s+(?:\w+\s+)?$", re.IGNORECASE)
_ON_CIVILIANS = re.compile(r"^\s+(?:\w+\s+){0,3}?on\s+(?:the\s+)?(?:ukrainian\s+)?(?:populated|residential|civilian|settlements|towns|cities|"
                           r"villages|infrastructure|positions\s+of\s+civilians|health|hospitals|medical|schools|energy)", re.IGNORECASE)
_BY_WEAPONS = re.compile(r"^\s+(?:from|with|using|by)\s+(?:\w+\s+){0,2}?(?:rocket|mlrs|artillery|multiple|salvo|mortars?|tanks?|"
                         r"aircraft|aviation|drones?|missiles?|grad|uragan|smerch|tornado)", re.IGNORECASE)


def _count(text: str) -> dict[str, Any] | None:
    for q in find_quantities(text):
        m = _COUNT.match(text[q.end:q.end + 60])
        if m and not _ON_CIVILIANS.match(text[q.end + m.end():q.end + m.end() + 60]) and not _BY_WEAPONS.match(
                text[q.end + m.end():q.end + m.end() + 60]):
            return q.quantity
    if _ONE.search(text):
        return {"value": 1, "lower": 1, "upper": 1, "qualifier": "exact"}
    return None


#: words every match of _REPEL / _MOVE / _COUNT_VERB contains (lower-case): a sentence without
#: any of them cannot match, so the patterns are not run (tests/test_ground.py checks the lists)
_REPEL_WORDS = ("repel", "repuls", "beat", "fought", "thwart", "foiled", "stopped", "halted", "deterred")
_MOVE_WORDS = ("captur", "seiz", "took", "liberat", "storm", "advanc", "fallen", "fell", "offensive", "assault",
               "fighting", "battle", "clashes", "surrender", "push", "ground", "attempt", "tried", "trying")
_COUNT_WORDS = ("attacks", "assaults", "offensives", "storming")
#: a sharper test for _MOVE (it is the costliest pattern): every match holds one of the single
#: words, or one word of each group of a pair (tests/test_ground.py checks this too)
_MOVE_SINGLE = ("captured", "captures", "seized", "seizes", "retook", "recaptur", "liberated", "liberates", "stormed",
                "storms", "advanc", "fallen", "fell", "offensive", "assault", "surrender")
_MOVE_PAIRS = ((("took",), ("control",)),
               (("fighting", "battle", "clashes"), ("continu", "rag", "under", "ongoing", "going")),
               (("push",), ("toward", "into")),
               (("ground",), ("attack",)),
               (("attempt", "tried", "trying"), ("advance", "storm", "break", "attack")))


def _move_may_match(low: str) -> bool:
    """False only when _MOVE surely finds nothing in ``low`` (lower-cased ASCII text)."""
    has = low.__contains__
    return (any(map(has, _MOVE_SINGLE))
            or any(any(map(has, first)) and any(map(has, second)) for first, second in _MOVE_PAIRS))


def _pattern_gates(text: str, low: str | None = None) -> tuple[bool, bool, bool]:
    """Whether _REPEL, _MOVE and _COUNT_VERB may match ``text``: False only when the word lists
    show that the pattern surely finds nothing (all True for text whose letters case-fold beyond
    ASCII, where lower() could hide a match). ``low``: ``text.lower()`` when the caller has it."""
    if not words_testable(text):
        return True, True, True
    if low is None:
        low = text.lower()
    has = low.__contains__
    return any(map(has, _REPEL_WORDS)), _move_may_match(low), any(map(has, _COUNT_WORDS))


def _may_assault(text: str, gates: tuple[bool, bool, bool] | None = None) -> bool:
    """True when a repel, move or counted-assault pattern matches ``text`` (word lists first: cheap;
    ``gates``: :func:`_pattern_gates` of ``text`` when the caller has them)."""
    may_repel, may_move, may_count = gates or _pattern_gates(text)
    return ((may_repel and _REPEL.search(text) is not None)
            or (may_move and _MOVE.search(text) is not None)
            or (may_count and _COUNT_VERB.search(text) is not None))


def ground_mentions(doc: Document) -> list[dict[str, Any]]:
    """Ground-assault mentions (one dict per sentence or title) with their fields."""
    out: list[dict[str, Any]] = []
    # one Aho-Corasick pass over the lower-cased text finds the sentences worth a regex
    import bisect

    found = trigger_hits(doc).get("ground", ())  # the document's one trigger scan
    title_hit = bool(doc.title and _PREFILTER.search(doc.title))
    if not found and not title_hit:
        return out
    items: list[tuple[int, str, int | None, int | None]] = []
    if found:
        sents = doc.sentences
        starts = [s.start for s in sents]
        hit = {bisect.bisect_right(starts, end) - 1 for end, _ in found}
        items = [(i, sents[i].text, sents[i].start, sents[i].end) for i in sorted(hit) if i >= 0]
    if title_hit:
        items.append((-1, doc.title, None, None))
    for i, text, start, end in items:
        low = testable_lower(text)
        gates = _pattern_gates(text, low)  # the word tests first: they turn away most sentences
        if not any(gates):
            continue
        # the case-insensitive patterns run as their case-sensitive twins over the lower-cased
        # sentence (base.lower_twin: the same matches at the same offsets, several times faster)
        s = text if low is None else low
        prefilter, repel_rx, move_rx, count_rx, not_ground, running, hedge = _SENTENCE_TESTS[low is None]
        if not prefilter.search(s):
            continue
        may_repel, may_move, may_count = gates
        # the first match of each pattern the word lists allow (:func:`_may_assault`, found once)
        r0 = repel_rx.search(s) if may_repel else None
        m0 = move_rx.search(s) if may_move else None
        if r0 is None and m0 is None and not (may_count and count_rx.search(s)):
            continue  # no assault pattern at all (most sentences that merely say "attack")
        bad = [m.span() for m in not_ground.finditer(s)]

        def ok(m: re.Match[str]) -> bool:
            return not any(a < m.end() and m.start() < b for a, b in bad)

        # the first match that is no missile or air attack (a pattern the word lists rule out is
        # not scanned again)
        repel = (r0 if ok(r0) else next((m for m in repel_rx.finditer(s) if ok(m)), None)) if r0 else None
        move = (m0 if ok(m0) else next((m for m in move_rx.finditer(s) if ok(m)), None)) if m0 else None
        if not (repel or move):
            # "the enemy carried out 12 attacks": a counted ground assault without a repel verb
            cv = count_rx.search(s) if may_count else None
            if cv and ok(cv) and _count(text) and not _ONE.search(text):
                repel = cv
        if not (repel or move):
            continue
        if (_may_hold(low, _RUNNING_WORDS) and running.search(s)) or (hedge.search(s) and not repel):
            continue
        if _past_year(text, doc):
            continue
        trig = repel or move
        if _RX0.search(text[max(0, trig.start() - 40):trig.start()]):
            continue  # "since Russia captured Crimea": background
        if _NEGATED.search(text[max(0, trig.start() - 30):trig.start()]):
            continue  # "the enemy is not advancing"
        if _FUTURE.search(text[max(0, trig.start() - 40):trig.start()]):
            continue  # "will recapture Lyman", "regrouping in order to continue their offensive"
        if _RX2.match(text[trig.start():trig.end()]) and not any(
                m.role == "target" for m in find_places(text[max(0, trig.start() - 80):trig.start()])):
            continue  # "X has fallen" needs the place before the verb ("power poles have fallen" is not)
        # the place attacked is named near the verb ("captured Melitopol", "Kreminna ... has fallen");
        # looked up only when it decides something (a move needs one; a report without an oblast
        # takes the window's)
        w0, w1 = max(0, trig.start() - 80), min(len(text), trig.end() + 80)
        near = None if repel else [m for m in find_places(text[w0:w1]) if m.role == "target"]
        if not repel and not near:
            continue
        loc = locate(text)
        if _may_hold(low, _NATIONAL_WORDS) and _NATIONAL.search(text):
            loc = {"place": None, "admin1": None, "country": "UA", "lat": None, "lon": None}
        elif not loc.get("admin1"):
            if near is None:
                near = [m for m in find_places(text[w0:w1]) if m.role == "target"]
            a1s = {m.place.admin1 for m in near}
            if near and len(a1s) == 1 and None not in a1s:
                loc = locate(text[w0:w1])
        cnt = _count(text) if repel or _RX3.search(text) else None
        direction = _RX1.search(text) if _may_hold(text, _RX1_WORDS) else None
        named = (loc.get("country") is not None or direction is not None or bool(find_places(text))
                 or (_may_hold(text, _RX4_WORDS) and bool(_RX4.search(text))))
        if repel and not (cnt or named):
            continue
        if not repel and not named:
            continue
        d, prec = event_date(doc, i, text)
        out.append({"i": i, "text": text, "start": start, "end": end, "loc": loc, "count": cnt, "date": d,
                    "precision": prec, "repel": bool(repel),
                    "actor": "Ukraine" if _may_hold(low, _UKR_ACTOR_WORDS) and _UKR_ACTOR.search(text) else "Russia",
                    "claimed_by": _claimant_fn()(text)})
    return out


@register
class GroundAssaultExtractor:
    """``ground_assault`` events."""

    name = "ground_assault"

    def extract(self, doc: Document) -> list[dict[str, Any]]:
        ms = ground_mentions(doc)
        if not ms:
            return []
        body = [m for m in ms if m["i"] >= 0]
        title = [m for m in ms if m["i"] < 0]
        groups: list[list[dict[str, Any]]] = []
        for m in body:
            # a count with no place is a national total: its own event, apart from placed reports
            m["national"] = bool(m["count"]) and not m["loc"].get("country")
            # the same figure told twice ("7 attacks repulsed in Donbas ... repelled 7 attacks") is one report
            same = next((g for g in groups if g[0]["date"] == m["date"] and m["count"] and any(
                x["count"] and x["count"]["value"] == m["count"]["value"] for x in g)), None)
            if same is not None:
                same.append(m)
                continue
            for g in groups:
                if g[0]["date"] != m["date"] or g[0]["national"] != m["national"]:
                    continue
                a1 = {x["loc"].get("admin1") for x in g if x["loc"].get("admin1")}
                ma = m["loc"].get("admin1")
                if ma and a1 and ma not in a1:
                    continue
                g.append(m)
                break
            else:
                groups.append([m])
        if not groups:
            groups = [title[:1]]
            title = []
        events = []
        for gi, g in enumerate(groups):
            lead = next((m for m in g if m["count"]), g[0])
            ev = {**_BLANK, "article_id": doc.article_id}
            cnt = next((m["count"] for m in g if m["count"]), None)
            if cnt is None and gi == 0 and title:
                cnt = title[0]["count"]
            ev["count"] = cnt
            loc = lead["loc"]
            if not loc.get("country") and not lead.get("national"):
                loc = next((m["loc"] for m in g if m["loc"].get("admin1")), loc)
            if (gi == 0 and title and not loc.get("admin1") and not lead.get("national")
                    and not any(m["loc"].get("country") for m in g)):
                loc = title[0]["loc"]
            ev.update({k: loc.get(k) for k in ("place", "admin1", "country", "lat", "lon")})
            ev["country"] = ev["country"] or "UA"
            ev["date"] = lead["date"].isoformat() if lead["date"] else None
            ev["date_precision"] = lead["precision"] if lead["date"] else None
            ev["actor"] = lead["actor"]
            ev["claimed_by"] = next((m["claimed_by"] for m in g if m["claimed_by"]), None)
            if lead["i"] >= 0:
                ev["evidence"] = {"text": lead["text"], "start": lead["start"], "end": lead["end"]}
                cas = casualties(lead["text"])
            else:
                ev["evidence"] = {"text": lead["text"], "in": "title"}
                cas = {}
            ev["killed"] = cas.get("killed")
            ev["injured"] = cas.get("injured")
            ev["confidence"] = 0.5 + (0.2 if cnt else 0) + (0.1 if ev["admin1"] else 0) + (0.1 if lead["repel"] else 0)
            events.append(ev)
        return events


# patterns used inside functions, compiled once (and gated with the rest)
_RX0 = re.compile(r"\bsince\s+(?:\w+\s+){0,3}$", _F)
_RX1 = re.compile(r"\b(?:[A-Z][\w'’-]+\s+)+(?:direction|directions|axis|sector)\b|\bJFO\b|\bJoint\s+Forces\s+Operation\b|"
                              r"\bDonbas{1,2}\b", 0)
_RX2 = re.compile(r"has\s+fallen|fell\s+to", _F)
_RX3 = re.compile(r"\b(?:attack|assault|offensive)", _F)
_RX4 = re.compile(r"\b(?:\d+|\w+)\s+(?:settlements|villages|towns|directions|areas)\b", 0)


gate_patterns(globals())  # same matches, fewer regex attempts (see base.first_char_gate)

#: the patterns :func:`ground_mentions` runs over a whole sentence (gated above): [0] their
#: lower-case twins for the lower-cased sentence, [1] the patterns themselves (for text whose
#: lower() could hide a match)
_SENTENCE_CI = (_PREFILTER, _REPEL, _MOVE, _COUNT_VERB, _NOT_GROUND, _RUNNING, _HEDGE)
_SENTENCE_TESTS = (tuple(map(lower_twin, _SENTENCE_CI)), _SENTENCE_CI)
