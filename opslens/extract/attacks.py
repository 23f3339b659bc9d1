"""Drone and missile attacks (``drone_attack``, ``missile_attack``), section 6 of the contract.

Per article:

1. Sentences with a drone/missile word (``weapons.find_weapons``; one Aho-Corasick pass) are
   the only ones looked at. Words that name the defender's or a non-attack thing ("anti-aircraft
   missile troops", "missile carriers", "drone operators", "anti-drone") are dropped.
2. A sentence is an event mention when it has an event verb (shot down, destroyed, launched,
   attacked, hit, struck, intercepted, ...) and is not a running total ("since the start of the
   war", "in total"), a hedge ("could", "plans to", "threatens") or a supply story ("supplies
   drones to", "bought").
3. Quantities attach to the drone/missile noun they stand before ("eight Iranian-made Shahed
   drones", "21 cruise missiles", "an X-59 missile" = 1); their role comes from the verb around
   them (destroy verbs -> ``destroyed``, launch verbs -> ``launched``; "N of them were shot down",
   "all of them"); "three missile strikes" is a ``count``. Casualties ("killing 3", "no
   casualties" = 0) come from the sentence and the next ones, or the headline.
4. Date (``dates.resolve_date``, with the preceding sentences and the title as context), place
   (``places.locate``; several regions = national, null), weapon model (the sentence, else the
   title), actor (Russia unless the text makes it Ukraine), claimant (``actors.find_claimant``).
5. Mentions of one type are merged per date and region into events; the headline fills gaps
   (numbers, model) and stands alone when the text has no mention (evidence ``in: title``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..schema import empty_event
from .base import Document, doc_memo, gate_patterns, lower_twin, register, testable_lower, words_testable
from .dates import explicit_date, has_date_words, resolve_date
from .numbers import QuantityMatch, find_quantities, parse_quantity
from .places import find_places, locate, place_record
from .weapons import WeaponMatch, doc_weapons, find_weapons

__all__ = ["DroneAttackExtractor", "MissileAttackExtractor", "attack_mentions", "casualties"]

TYPE_OF_KIND = {"drone": "drone_attack", "missile": "missile_attack"}
#: a blank event of each kind (``empty_event``: every field null but type; copied per event)
_BLANK = {kind: empty_event("", t) for kind, t in TYPE_OF_KIND.items()}

_F = re.IGNORECASE

#: verbs that make a drone/missile sentence an event
_EVENT_VERB = re.compile(
    r"\b(?:shot|shoot(?:s|ing)?|down(?:ed|s|ing)?|destroy(?:ed|s|ing)?|intercept(?:ed|s|ing)?|neutrali[sz](?:ed|es|ing)|"
    r"eliminat(?:ed|es|ing)|launch(?:ed|es|ing)?|fir(?:ed|es|ing)|attack(?:ed|s|ing)?|strik(?:e|es|ing)|struck|hit(?:s|ting)?|"
    r"target(?:ed|s|ing)|exploded|explosions?|crash(?:ed|es)|fell|landed|damag(?:ed|es|ing)|kill(?:ed|ing|s)|"
    r"shell(?:ed|ing)|bomb(?:ed|ing)|raid|barrage|salvo|wave|onslaught|spotted|repel(?:led|s)?|repuls(?:ed|es)|"
    r"engaged|detected|brought\s+down|took\s+down|taken\s+down|liquidated|air\s+raid|"
    r"used(?=\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|an?\s)))\b", _F)
_DESTROY = re.compile(
    r"\b(?:shot\s+down|shoots?\s+down|shooting\s+down|down(?:ed|s|ing)?|destroy(?:ed|s|ing)?|intercept(?:ed|s|ing)?|"
    r"neutrali[sz](?:ed|es|ing)|eliminat(?:ed|es|ing)|brought\s+down|took\s+down|taken\s+down|liquidated|"
    r"shot|hit\s+by\s+air\s+defen[cs]e|were\s+hit|was\s+hit|knocked\s+out|(?:have\s+)?hit\s+(?:four|three|two|one|\d+)\s+enemy)\b", _F)
_LAUNCH = re.compile(
    r"\b(?:launch(?:ed|es|ing)?|fir(?:ed|es|ing)|attack(?:ed|s|ing)?\s+(?:\w+\s+){0,6}?with|us(?:ed|es|ing)|sent|deploy(?:ed|s)|"
    r"struck|strik(?:e|es|ing)|hit(?:s|ting)?|targeted|attacked|flew|released)\b", _F)
#: running totals, hedges and supply stories are not events
_RUNNING = re.compile(
    r"\b(?:since\s+(?:the\s+(?:start|beginning|outbreak)|(?:late\s+|early\s+|mid-?)?(?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december|the\s+war|the\s+invasion|then|2022|2023|2024|24\s+february|february\s+24))|"
    r"in\s+total|a\s+total\s+of|so\s+far\s+(?:this|in)|to\s+date|over\s+the\s+(?:course|past\s+(?:months|year))|"
    r"\d+(?:th|st|nd|rd)\s+(?:air\s+target|drone|uav|missile)|record\s+number|"
    r"throughout\s+the\s+war|during\s+the\s+war|of\s+the\s+war|since\s+the\s+(?:full-scale|russian)|"
    r"(?:in|over|during)\s+(?:the\s+)?(?:past|last)\s+(?:\w+\s+)?months|since|already\s+(?:fired|launched|used|shot\s+down|destroyed))\b", _F)
#: the other running-total form, "the five-hundredth drone": kept out of _RUNNING (its \w+ run, tried at
#: every position, made the whole pattern ungateable: the two together are 2x faster); ``(?<=\w)`` finds the same texts
#: as ``\b\w+`` would (a word character before the ordinal is part of a word that starts at a ``\b``)
_RUNNING_ORDINAL = re.compile(r"(?<=\w)(?:hundredth|thousandth)\s+(?:air\s+target|drone|uav|missile)\b", _F)
_ORDINAL_WORDS = ("hundredth", "thousandth")  # rare: a substring test spares the search
_HEDGE = re.compile(
    r"\b(?:could|would|might|(?<!\d\s)may(?!\s+\d)|plans?\s+(?:to|for)|planning|intends?\s+to|threat(?:en(?:s|ed)?)?|capable|capability|"
    r"ready\s+to|prepar(?:e|es|ing)\s+to|likely\s+to|expected\s+to|possibly|warn(?:s|ed)?\s+(?:of|that)|"
    r"if\s+|unless|whether|risk\s+of|in\s+case|deny|denied|denies|probability|likelihood|danger\s+of|not\s+true|fake)\b", _F)
_SUPPLY = re.compile(
    r"\b(?:suppl(?:y|ies|ied|ying)|deliver(?:y|ies|ed|s|ing)?|sell(?:s|ing)?|sold|bu(?:y|ys|ying)|bought|purchas(?:e|es|ed|ing)|"
    r"acquir(?:e|ed|es|ing)|transfer(?:s|red)?|provid(?:e|es|ed|ing)|order(?:ed|s)?|produc(?:e|es|ed|tion|ing)|"
    r"manufactur(?:e|es|ed|ing)|stockpil\w*|arsenal|shipments?|send(?:s|ing)?\s+(?:more\s+)?(?:drones|missiles)|"
    r"pledg(?:e|ed|es)|donat(?:e|ed|es|ion)|aid|package|training|sanctions?)\b", _F)
#: strong attack evidence that outweighs hedge / supply words in the same sentence
_STRONG = re.compile(
    r"\b(?:shot\s+down|shoots?\s+down|downed|intercepted|destroyed|launched|struck|attacked|hit|hits|exploded|crashed|"
    r"killed|killing|injured|wounded|damaged|neutrali[sz]ed)\b", _F)
#: a generic statement about weapons (habits, traits, "every drone"), an event only with a number or a time
_GENERIC = re.compile(
    r"\b(?:usually|often|typically|generally|normally|routinely|frequently|commonly|tend\s+to|"
    r"(?:are|is)\s+(?:\w+\s+)?(?:cheap|cheaper|cheapest|expensive|easy|easier|hard|harder|difficult|slow|designed|able|capable)\b|"
    r"every\s+(?:\w+\s+)?(?:drone|missile|uav|shahed|rocket)|each\s+(?:drone|missile|uav)|describes?\b|"
    r"the\s+(?:growing|increasing|widespread)\s+use\s+of|can(?:not)?\s+(?:itself\s+|also\s+|still\s+)?(?:cause|be|reach|fly|carry|travel|fall)\b)", _F)
#: drone/missile words naming the defender or a non-attack thing
_NOT_ATTACK_MISSILE = re.compile(
    r"(?:(?:anti-aircraft|anti-air|air[- ]defen[cs]e|surface-to-air|air-to-air|anti-tank|anti-missile|sam|man-portable)"
    r"(?:\s+(?:guided|missile|rocket|units?|troops|forces|gunners))*|unexploded|grad|tornado|smerch|mlrs|rocket)\s*$", _F)
_NOT_ATTACK_BEFORE = re.compile(
    r"(?:\b(?:operators?|units?|production|makers?|manufacturers?|supplies|supply|shipments?|sale|sales|deliver(?:y|ies))\s+of\s+"
    r"(?:\w+\s+){0,2}|\bfor\s+(?:an?\s+|the\s+)?(?:possible\s+|future\s+|enemy\s+|further\s+|new\s+)*)$", _F)
_NOT_ATTACK_AFTER = re.compile(
    r"^(?:\s*(?:and\s+artillery\s+(?:units?|forces|troops|fire|brigades?)|air[- ]defen[cs]e|anti-aircraft|defen[cs]e|shield|systems?|launchers?|troops|forces|units?|carriers?|complex(?:es)?|divisions?|"
    r"brigades?|boats?|ships?|cruisers?|operators?|pilots?|production|factory|factories|plant|programs?|programmes?|"
    r"footage|video|control\s+(?:point|post|station|centre|center)|command\s+(?:post|point)|crews?|technology|"
    r"components|parts|makers?|manufacturers?|industry|regiment|battalion|company|sites?|warehouses?|depots?|"
    r"stocks?|stockpiles?|arsenal|test|tests|tested|exercise|exercises|drills?))\b", _F)
_ANTI_DRONE = re.compile(r"(?:anti-|counter-)\s*$", _F)
_OUTSIDE_WAR = re.compile(
    r"\b(?:UAE|Emirates|Abu\s+Dhabi|Saudi|Yemen|Houthis?|Israel|Gaza|Syria|Iraq|Lebanon|Hezbollah|Taiwan|North\s+Korea(?:n)?\s+(?:test|launch)|"
    r"Pakistan|India|Azerbaijan|Armenia|Nagorno|North\s+Korea\w*|Pyongyang|Iran\s+(?:test|launch)\w*)\b")
_UA_WORDS = re.compile(r"\b(?:Ukrain\w*|Kyiv|Kiev|Crimea\w*|Donbas\w*|occupier\w*|invader\w*|racists?|rashists?)\b", _F)
_UKR_ACTOR = re.compile(
    r"\b(?:Ukrainian\s+(?:attack\s+|kamikaze\s+|combat\s+|strike\s+|military\s+|armed\s+forces'?\s+)?(?:drones?|uavs?)|"
    r"Ukraine'?s?\s+(?:drones?|missiles?)|Ukrainian\s+(?:forces|military|army|troops|armed\s+forces|navy)\s+(?:\w+\s+){0,4}?"
    r"(?:struck|hit|launched|fired|attacked|targeted)|by\s+Ukraine|by\s+Ukrainian|Kyiv'?s\s+(?:drones?|missiles?|forces)|"
    r"Russian\s+(?:air\s+defen[cs]e|defen[cs]e\s+ministry)\s+(?:\w+\s+){0,4}?(?:shot|downed|intercepted|destroyed))", _F)
#: at most four words (or numbers) between a quantity and its noun. The word runs and separators are
#: possessive (``*+``): a word never has to give letters back (splitting it only adds words), which
#: kept a failed match from trying every split of every word (16 us on a long gap, now <1 us)
_GAP_OK = re.compile(r"^[\s\"“”'’(]*+(?:(?:[A-Za-z][\w\-/’'.]*+|[A-Z]?-?\d+[\w\-/]*)[\s\"“”'’()]*+){0,4}$")
_GAP_STOP = re.compile(
    r"\b(?:and|or|of|which|that|were|was|had|has|have|been|by|in|on|at|from|to|with|over|during|than|people|"
    r"tanks?|aircraft|aircrafts|jets?|helicopters?|planes?|vehicles?|positions?|artillery|systems?|enemy\s+targets|"
    r"targets|air\s+targets|times|days?|hours?|weeks?|regions?|settlements?|towns?|cities|villages?|km|kilometers|"
    r"kilometres|meters|metres|percent|per\s+cent|launch\w*|fired|fires|shot|destroy\w*|hit|hits|struck|strikes?|attack\w*|"
    r"used|uses|using|downed|intercept\w*|fighters?|bombers?|ships?|submarines?|boats?|warships?|carriers?|is|are|it|they)\b", _F)
_COUNT_AFTER = re.compile(r"^\s+(?:(?:massive|massed|separate|enemy|russian|more|new|further)\s+)?"
                          r"(?:(?:missile|drone|rocket|uav|kamikaze\s+drone|air|cruise\s+missile)\s+)?"
                          r"(?:(?:and|,)\s+[\w,]+\s+(?:air|missile|drone|rocket|artillery|mlrs)\s+)?"
                          r"(?:strikes|attacks|hits|launches|waves)\b", _F)
_MIXED_ATTACKS = re.compile(r"^\s+(?:\w+\s+)?(?:missile|drone|rocket|air|uav)\s+(?:and|or|,)\s+(?:artillery|air|bomb|mortar|mlrs|tank)\w*\s+"
                            r"(?:strikes|attacks|shelling)", _F)
_PART_OF = re.compile(r"^\s*(?:of\s+(?:them|which|these|those|the\s+(?:missiles|drones|uavs|rockets))|were\s+(?:shot|destroyed|downed|intercepted))", _F)
_ATTACK_ADJ = re.compile(r"\b(?:attack|strike|kamikaze)\s+$", _F)
#: "destroyed 75 [of them]", "shot down only four [of them]"; "all 8 drones", "both drones"
_DESTROY_PART = re.compile(r"\b(?:shot\s+down|downed|destroyed|intercepted|neutrali[sz]ed|eliminated|brought\s+down|took\s+down)"
                           r"\s+(?:only\s+|just\s+)?$", _F)
_ALL_OR_BOTH = re.compile(r"(?:both\b|(?<=all\s)|(?<=all\s\s))", _F)
_NONE_DESTROYED = re.compile(r"\bnone\s+of\s+(?:them|these|those|the\s+\w+)\s+(?:was|were|could\s+be|has\s+been|have\s+been)\s+"
                             r"(?:\w+\s+)?(?:shot\s+down|destroyed|downed|intercepted|neutrali[sz]ed)", _F)
#: "... attacked with 6 drones. All of them were destroyed." (the next sentence finishes the report)
_KILL_VERB = r"(?:shot\s+down|destroyed|downed|intercepted|neutrali[sz]ed)"
_CONTINUATION = re.compile(
    rf"^\W*(?:(?P<all>all)|(?P<none>none)|(?P<n>[\w,\-]+))\s+of\s+them\s+(?:were|was|have\s+been|had\s+been|could\s+be)\s+(?:\w+\s+)?{_KILL_VERB}"
    rf"|^\W*of\s+(?:them|these|those),?\s+(?:(?P<all2>all)|(?P<none2>none)|(?P<n2>[\w,\-]+))\s+(?:were|was|have\s+been|had\s+been|could\s+be)\s+(?:\w+\s+)?{_KILL_VERB}"
    rf"|^[^.;]{{0,60}}?\b{_KILL_VERB}\s+(?:(?P<all3>all)|(?P<n3>[\w,\-]+))\s+of\s+them\b"
    rf"|^\W*(?P<one>it)\s+was\s+(?:\w+\s+)?{_KILL_VERB}", _F)
_ALL_DESTROYED = re.compile(r"\ball\s+(?:of\s+(?:them|which|these|those|the\s+\w+)|\w+\s+(?:drones|missiles|uavs)|the\s+(?:drones|missiles|uavs|targets))?\s*(?:were|have\s+been|was)\s+(?:shot\s+down|destroyed|downed|intercepted|neutrali[sz]ed)", _F)

_AT_COUNTRY = re.compile(r"\b(?:at|on|against|across|over|throughout)\s+(?:the\s+)?(?:Ukraine|country)\b", _F)
#: nationwide scope: the event's place is the country, not a town it also mentions
_NATIONAL = re.compile(r"\b(?:across|throughout|all\s+over)\s+(?:the\s+)?(?:country|Ukraine|nation)\b|\bnationwide\b|"
                       r"\b(?:several|many|multiple|various|\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                       r"a\s+number\s+of)\s+(?:\w+\s+)?(?:regions|oblasts|provinces)\b", _F)
#: words one of which (lower-cased) every match of _NATIONAL / _UKR_ACTOR holds (one per branch): a
#: sentence without any is not searched (see _may_hold)
_NATIONAL_WORDS = ("country", "ukraine", "nation", "regions", "oblasts", "provinces")
_UKR_ACTOR_WORDS = ("ukrain", "kyiv", "russian")


def _may_hold(low: str | None, words: tuple[str, ...]) -> bool:
    """False only when ``low`` holds none of ``words``: the lower-cased sentence for a case-insensitive
    pattern (None when the sentence is not words_testable: always True), the sentence itself for a
    case-sensitive one."""
    return low is None or any(map(low.__contains__, words))


_ALL_LAUNCHED_DOWN = re.compile(r"\ball\s+(?:of\s+)?(?:the\s+)?(?:launched\s+|enemy\s+|russian\s+)?(?:missiles|drones|uavs|targets|of\s+them|them)\b"
                                r"[^.]{0,40}?\b(?:were|was|have\s+been)\s+(?:\w+\s+)?(?:shot\s+down|destroyed|downed|intercepted|neutrali[sz]ed)"
                                r"|\b(?:intercepted|shot\s+down|destroyed|downed)\s+(?:them\s+)?all\b"
                                r"|\b(?:intercepted|shot\s+down|destroyed|downed)\s+(?:all\s+)?the(?:se)?\s+(?:missiles|drones|uavs)\b", _F)

# casualties
_PEOPLE = (r"(?:(?:\w+\s+){0,2}?(?:people|persons?|civilians?|residents?|children|kids|soldiers|servicemen|"
           r"troops|occupiers|invaders|men|women|workers|employees|rescuers|policemen|others|victims?|adults?|"
           r"teenagers?|members|personnel|crew)\s+)?")
_KILLED_AFTER = re.compile(rf"^\s+{_PEOPLE}(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+|are\s+|reportedly\s+|confirmed\s+)?"
                           r"(?:killed|dead|died|perished|deaths?|fatalities|lost\s+their\s+lives)\b", _F)
_INJURED_AFTER = re.compile(rf"^\s+{_PEOPLE}(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+|are\s+|reportedly\s+)?"
                            r"(?:injured|wounded|hurt|injuries|hospitali[sz]ed)\b", _F)
_KILLED_BEFORE = re.compile(r"\b(?:death\s+toll\b[^.]{0,120}?\b(?:rose|rises|risen|grown|grew|grows|jumped|climbed|climbs|reached|reaches|increased|stands\s+at|is)(?:\s+to)?|killing|killed|kills|death\s+toll\s+(?:has\s+)?(?:rose|rises|risen|climbed|climbs|reached|reaches|is|stands\s+at|increased)\s+to|"
                            r"claimed\s+the\s+lives\s+of|took\s+the\s+lives\s+of|toll\s+(?:rose|rises)\s+to|dead:?)\s+$", _F)
_INJURED_BEFORE = re.compile(r"\b(?:injuring|wounding|injured|wounded|injures|wounds)\s+$", _F)
_NO_CASUALTIES = re.compile(r"\b(?:no\s+(?:casualties|victims|deaths|fatalities|one\s+(?:was|has\s+been)\s+(?:killed|hurt|injured))|"
                            r"without\s+casualties|nobody\s+(?:was|has\s+been)\s+(?:killed|hurt|injured)|no\s+(?:one|people)\s+(?:were|was)\s+(?:killed|hurt|injured)|"
                            r"no\s+information\s+about\s+(?:casualties|victims)\s+yet|there\s+were\s+no\s+(?:casualties|victims|dead|injured))\b", _F)
_NO_INJURED = re.compile(r"\b(?:no\s+(?:casualties|injuries|injured|one\s+(?:was|has\s+been)\s+(?:hurt|injured))|"
                         r"without\s+casualties|nobody\s+(?:was|has\s+been)\s+(?:hurt|injured))\b", _F)


_CASUALTY_STEMS = ("kill", "dead", "death", "died", "casualt", "injur", "wound", "hurt", "toll", "victim", "perish", "lives",
                   "hospitali")
_CASUALTY_WORDS = re.compile(r"\b(?:" + "|".join(_CASUALTY_STEMS) + ")", _F)


def _may_tell_casualties(text: str) -> bool:
    """``_CASUALTY_WORDS.search(text)``, with a substring test of the lower-cased text first (most
    windows have none of the stems; the regex only confirms the word start)."""
    if words_testable(text) and not any(map(text.lower().__contains__, _CASUALTY_STEMS)):
        return False
    return _CASUALTY_WORDS.search(text) is not None


@dataclass
class Mention:
    """One drone/missile event told in one sentence (or the title)."""

    kind: str
    sent_index: int  # -1 = title
    text: str
    start: int | None
    end: int | None
    quantities: dict[str, dict[str, Any]] = field(default_factory=dict)
    weapon: str | None = None
    weapon_actor: str | None = None
    date: Any = None
    precision: str | None = None
    date_explicit: bool = False
    loc: dict[str, Any] = field(default_factory=dict)
    actor: str = "Russia"
    claimed_by: str | None = None
    strong: bool = False
    national: bool = False


def _strip_non_attack(text: str, ws: list[WeaponMatch]) -> list[WeaponMatch]:
    keep = []
    low = testable_lower(text)
    # the windows of the lower-cased sentence with the patterns' lower-case twins (base.lower_twin:
    # the same findings, faster), unless lower() could hide a match
    s = text if low is None else low
    not_missile, not_after, anti_drone, not_before = _STRIP_TESTS[low is None]
    for w in ws:
        before = s[max(0, w.start - 50):w.start]
        after = s[w.end:w.end + 40]
        if w.kind == "missile" and not_missile.search(before):
            continue
        if not_after.match(after):
            continue
        if anti_drone.search(before) or not_before.search(before):
            continue
        keep.append(w)
    return keep


def _is_event_sentence(text: str) -> bool:
    low = testable_lower(text)
    # the case-insensitive patterns run as their case-sensitive twins over the lower-cased sentence
    # (base.lower_twin: the same findings, 3x faster), unless lower() could hide a match
    s = text if low is None else low
    verb, generic, running, running_ordinal, strong_rx, hedge, hedge_use, supply = _EVENT_TESTS[low is None]
    if not verb.search(s):
        return False
    if generic.search(s) and not (find_quantities(text) or has_date_words(text)):
        return False  # "drones are cheap and often launched in waves": no number, no time, no happening
    if running.search(s) or (_may_hold(low, _ORDINAL_WORDS) and running_ordinal.search(s)):
        return False
    strong = strong_rx.search(s)
    if hedge.search(s) and not (strong and not hedge_use.search(s)):
        return False
    if supply.search(s) and not strong:
        return False
    if _OUTSIDE_WAR.search(text) and not _UA_WORDS.search(text):
        return False
    return True


def _qty_before(text: str, w: WeaponMatch, qs: list[QuantityMatch]) -> QuantityMatch | None:
    """The quantity that stands before the weapon noun (adjectives and model names between)."""
    best = None
    for q in qs:
        if q.end > w.start or w.start - q.end > 60:
            continue
        gap = text[q.end:w.start]
        if q.quantity["qualifier"] == "approx" and q.quantity["lower"] is not None:
            gap = _RX10.sub(" ", gap)  # "dozens of Russian missiles"
        adj = _ATTACK_ADJ.search(gap)
        if adj:  # "9 attack drones", "six strike UAVs": the word describes the drone
            gap = gap[:adj.start()] + " "
        if not _GAP_OK.match(gap) or _GAP_STOP.search(gap):
            continue
        best = q
    return best


_MODIFIER_AFTER = re.compile(r"^\s+(?:attacks?|strikes?|raids?|alerts?|threats?|danger|hazard|debris|fragments?|wreckage|"
                             r"parts?|launch(?:es|ers?)?|systems?|units?|operators?|warfare|war|terror|program\w*|"
                             r"production|factory|technology|sightings?|activity|barrage|campaign|assaults?|and\s+\w+\s+(?:attacks?|strikes?))\b", _F)


def _singular(text: str, w: WeaponMatch) -> bool:
    """A single drone/missile named without a number: 'a/an/one Russian drone', 'Orlan-10 drone
    were destroyed', 'fighter-bomber and UAV' (not 'the UAV', not 'drone attack')."""
    alias = w.alias.lower()
    if alias.endswith("s") and not alias.endswith("ss") and alias not in ("himars", "uas"):
        return False
    # the model name right before a generic noun counts once, on the noun
    after = text[w.end:w.end + 40]
    if _MODIFIER_AFTER.match(after):
        return False
    if w.weapon is not None and _RX4.match(after):
        return False
    before = text[max(0, w.start - 60):w.start]
    if _RX5.search(before) and not _RX11.search(before):
        if not _RX12.search(before):
            return False
    if _RX0.search(before):
        return False
    return True


def _role(text: str, q_start: int, w_end: int) -> str:
    """destroyed or launched, from the verbs around a quantity."""
    before = text[max(0, q_start - 70):q_start]
    after = text[w_end:w_end + 70]
    clause_after = _RX6.split(after)[0]
    # "... 20 drones, 18 of which were shot down": the number before the noun is what came
    if _RX7.match(after) and _RX8.search(after[:40]):
        return "launched"
    if _RX1.search(clause_after):
        return "destroyed"
    if _RX2.search(clause_after):
        return "launched"
    vb = _RX3.findall(before)
    if vb:
        v = vb[-1].lower()
        if _RX9.match(v):
            return "destroyed"
        if v == "hit":
            return "destroyed" if _RX16.search(before) else "launched"
        return "launched"
    return "destroyed" if _DESTROY.search(text) and not _LAUNCH.search(text) else "launched"


def _n(v: int) -> dict[str, Any]:
    return {"value": v, "lower": v, "upper": v, "qualifier": "exact"}


@doc_memo()
def _casualties(text: str) -> dict[str, dict[str, Any]]:
    """:func:`casualties`, memoised for the document (a window is looked at by several groups; callers copy)."""
    return casualties(text)


def casualties(text: str) -> dict[str, dict[str, Any]]:
    """``killed`` / ``injured`` quantities stated in ``text`` ("killing 3", "12 people were
    injured", "death toll rises to five", "no casualties" -> killed 0)."""
    out: dict[str, dict[str, Any]] = {}
    if not _may_tell_casualties(text):
        return out
    for q in find_quantities(text):
        after = text[q.end:q.end + 80]
        before = text[max(0, q.start - 160):q.start]
        if "killed" not in out and (_KILLED_AFTER.match(after) or _KILLED_BEFORE.search(before)):
            out["killed"] = q.quantity
        elif "injured" not in out and (_INJURED_AFTER.match(after) or _INJURED_BEFORE.search(before)):
            out["injured"] = q.quantity
    if "killed" not in out and _NO_CASUALTIES.search(text):
        out["killed"] = _n(0)
    if "injured" not in out and _NO_INJURED.search(text):
        out["injured"] = _n(0)
    return out


@lru_cache(maxsize=1)
def _claimant_fn() -> Any:
    try:
        from .actors import find_claimant
    except ImportError:  # the actors component is not there yet
        return lambda text: None
    return find_claimant


def _quantities_for(text: str, ws: list[WeaponMatch], kind: str) -> tuple[dict[str, dict[str, Any]], bool]:
    """launched / destroyed / count for weapons of ``kind`` in one sentence."""
    qs = find_quantities(text, both=True)  # "destroyed both drones" = 2
    out: dict[str, dict[str, Any]] = {}
    used: set[int] = set()
    mine = [w for w in ws if w.kind == kind]
    # count: "three missile strikes", "four drone attacks"
    for q in qs:
        after = text[q.end:q.end + 50]
        mixed = _MIXED_ATTACKS.match(after)
        if mixed:  # "50 missile and artillery attacks": a count of several weapons, not of this one
            used.add(q.start)
            continue
        m = _COUNT_AFTER.match(after)
        if m and re.search({"drone": r"drone|uav|kamikaze", "missile": r"missile|rocket"}[kind], m.group(0), _F):
            out.setdefault("count", q.quantity)
            used.add(q.start)
    for w in mine:
        q = _qty_before(text, w, qs)
        if q is not None and q.start not in used:
            used.add(q.start)
            role = _role(text, q.start, w.end)
            out.setdefault(role, q.quantity)
            if role == "destroyed" and _ALL_OR_BOTH.match(text, q.start):  # "downed all 8 / both drones": 8 / 2 came
                out.setdefault("launched", dict(q.quantity))
            # "... 20 drones, 18 of which were shot down" / "of the 20 drones, 18 were destroyed"
            tail = text[w.end:w.end + 60]
            m = _RX13.match(tail)
            if m and role == "launched":
                for q2 in qs:
                    if q2.start >= w.end and q2.start <= w.end + 60 and q2.start not in used:
                        out.setdefault("destroyed", q2.quantity)
                        used.add(q2.start)
                        break
            continue
        if q is None and _singular(text, w):
            role = _role(text, w.start, w.end)
            out.setdefault(role, _n(1))
    # "N of the M drones were shot down" -> destroyed N, launched M
    for q in qs:
        if q.start in used:
            continue
        after = text[q.end:q.end + 80]
        if _RX14.match(after) and _DESTROY.search(text):
            out["destroyed"] = q.quantity
            used.add(q.start)
            continue
        if _RX15.match(after) and not _PART_OF.match(after):
            for q2 in qs:
                if q2.start > q.end and q2.start - q.end < 14:
                    if any(w.start >= q2.end and w.start - q2.end < 40 for w in mine):
                        out["destroyed"] = q.quantity
                        out.setdefault("launched", q2.quantity)
                        used.update({q.start, q2.start})
                    break
        elif _PART_OF.match(after) and mine and q.start > mine[0].end and (
                _DESTROY.search(after[:60]) or _DESTROY_PART.search(text, max(0, q.start - 40), q.start)):
            out.setdefault("destroyed", q.quantity)  # "... and air defences destroyed 75 of them"
            used.add(q.start)
    if "launched" in out and "destroyed" not in out and _ALL_DESTROYED.search(text):
        out["destroyed"] = dict(out["launched"])
    if mine and "destroyed" not in out and _NONE_DESTROYED.search(text):
        out["destroyed"] = _n(0)  # "none of them could be intercepted"
    strong = bool(_STRONG.search(text))
    return out, strong


def attack_mentions(doc: Document) -> list[Mention]:
    """Every drone/missile event mention in the document's sentences and title."""
    mentions: list[Mention] = []
    title = doc.title or ""
    # one Aho-Corasick pass over the whole text, then the hits are shared out to sentences; only
    # sentences with a hit are looked at (and the text is split only when there is one)
    hits = doc_weapons(doc)  # from the document's one trigger scan
    by_sent: dict[int, list[WeaponMatch]] = {}
    texts: list[tuple[int, str, int | None, int | None]] = []
    if hits:
        import bisect

        sents = doc.sentences
        starts = [s.start for s in sents]
        for h in hits:
            k = bisect.bisect_right(starts, h.start) - 1
            if k >= 0 and h.end <= sents[k].end:
                s0 = sents[k].start
                by_sent.setdefault(k, []).append(
                    WeaponMatch(h.start - s0, h.end - s0, h.alias, h.weapon, h.kind, h.actor, h.trigger))
        texts = [(k, sents[k].text, sents[k].start, sents[k].end) for k in sorted(by_sent)]
    if title:
        texts.append((-1, title, None, None))
    for i, text, start, end in texts:
        ws = by_sent.get(i, []) if i >= 0 else find_weapons(text)
        if not ws:
            continue
        ws = [w for w in ws if w.kind in TYPE_OF_KIND]
        ws = _strip_non_attack(text, ws)
        kinds = {w.kind for w in ws if w.trigger or any(x.kind == w.kind and x.weapon is None for x in ws)}
        if not kinds or not _is_event_sentence(text):
            continue
        if _past_year(text, doc):
            continue
        d, prec = event_date(doc, i, text)
        loc = _title_loc(doc) if i < 0 else locate(text)
        low = testable_lower(text)
        national = _may_hold(low, _NATIONAL_WORDS) and _NATIONAL.search(text) is not None
        if national:  # "across Ukraine", "in eight regions": a national report, whatever it also names
            loc = {"place": None, "admin1": None, "country": "UA", "lat": None, "lon": None}
        # drones and missiles over Russia are Ukraine's; otherwise Russia unless the text says Ukraine
        ukr = _may_hold(low, _UKR_ACTOR_WORDS) and _UKR_ACTOR.search(text) is not None
        actor = "Ukraine" if (ukr or loc.get("country") == "RU") else "Russia"
        claimant = _claimant_fn()(text)
        for kind in sorted(kinds):
            mine = [w for w in ws if w.kind == kind]
            models = [w for w in mine if w.weapon]
            quantities, strong = _quantities_for(text, ws, kind)
            if i >= 0 and "launched" in quantities and "destroyed" not in quantities:
                quantities = _continued(doc, i, quantities)
            wactor = next((w.actor for w in models if w.actor), None)
            mentions.append(Mention(
                kind=kind, sent_index=i, text=text, start=start, end=end, quantities=quantities,
                weapon=models[0].weapon if models else None, weapon_actor=wactor, date=d, precision=prec,
                loc=loc, actor=("Ukraine" if actor == "Ukraine" or wactor == "Ukraine" else "Russia"),
                claimed_by=claimant, strong=strong, national=national))
    return mentions


def _continued(doc: Document, i: int, quantities: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``destroyed`` from the next sentence when it only finishes this one's report ("... attacked
    with 6 drones. All of them were destroyed." / "Four of them were shot down." / "Of them, 4 were
    destroyed." / "Air defence destroyed 4 of them." / "None of them ..." / after one: "It was destroyed.")."""
    if i + 1 >= len(doc.sentences):
        return quantities
    m = _CONTINUATION.match(doc.sentences[i + 1].text)
    if m is None:
        return quantities
    launched = quantities["launched"]
    q: dict[str, Any] | None = None
    if m.group("all") or m.group("all2") or m.group("all3"):
        q = dict(launched)
    elif m.group("none") or m.group("none2"):
        q = _n(0)
    elif m.group("one"):  # "... used one Orlan-10 drone. It was destroyed."
        q = dict(launched) if launched.get("value") == 1 else None
    else:
        q = parse_quantity(m.group("n") or m.group("n2") or m.group("n3") or "")
    return {**quantities, "destroyed": q} if q else quantities


def event_date(doc: Document, i: int, text: str) -> tuple[Any, str | None]:
    """Date of an event told in sentence ``i`` (-1 = title): the sentence's own date words, else
    the previous sentences' or the title's (day or week precision only), else publication day."""
    d, prec = resolve_date(text, doc.published, default=False)
    if d is not None:
        return d, prec
    ctx = [doc.sentences[j].text for j in range(i - 1, max(-1, i - 3), -1)] if i >= 0 else []
    if i >= 0 and doc.title:
        ctx.append(doc.title)
    # context: a calendar date in the preceding sentences ("On September 21, ..."), or the
    # headline's own date words ("... in past four days"); relative words in other sentences
    # ("on Thursday", "yesterday") are about what those sentences tell
    for c in ctx[:-1] if (i >= 0 and doc.title) else ctx:
        d = explicit_date(c, doc.published)
        if d is not None:
            return d, "day"
    if i >= 0 and doc.title:
        d, prec = resolve_date(doc.title, doc.published, default=False)
        if d is not None and prec in ("day", "week"):
            return d, prec
    return resolve_date("", doc.published)


_YEAR = re.compile(r"\b(?:in|since|of|from)\s+(?:\w+\s+)?((?:19|20)\d\d)\b", _F)


def _past_year(text: str, doc: Document) -> bool:
    """A sentence set in an earlier year ("in 2014 Russia seized Crimea") is background history."""
    if doc.published is None or ("19" not in text and "20" not in text):  # every year _YEAR reads has one
        return False
    years = [int(y) for y in _YEAR.findall(text)]
    return bool(years) and max(years) < doc.published.year


def build_events(doc: Document, mentions: list[Mention], kind: str) -> list[dict[str, Any]]:
    """Merge one kind's mentions into events (one per date and region) in the contract."""
    mine = [m for m in mentions if m.kind == kind]
    if not mine:
        return []
    body = [m for m in mine if m.sent_index >= 0]
    title = [m for m in mine if m.sent_index < 0]
    groups: list[list[Mention]] = []
    for m in body:
        placed = False
        for g in groups:
            g0 = g[0]
            if g0.date != m.date and not (m.precision != "day" or g0.precision != "day"):
                continue
            a1 = {x.loc.get("admin1") for x in g if x.loc.get("admin1")}
            ma = m.loc.get("admin1")
            if ma and a1 and ma not in a1 and (m.quantities or m.strong) and len(g) >= 1 and _distinct_strike(m, g):
                continue
            # a nationwide total and a regional report with its own numbers are two events
            if m.quantities and any(x.quantities for x in g) and m.national != any(x.national for x in g):
                continue
            # figures stay with their own sentence: another model, another value or another scope is another event
            if m.quantities and _own_figures(m, g):
                continue
            g.append(m)
            placed = True
            break
        if not placed:
            groups.append([m])
    if not groups and title:
        groups = [title[:1]]
        title = []
    events = []
    for gi, g in enumerate(groups):
        lead = next((m for m in g if m.quantities), g[0])
        ev = {**_BLANK[kind], "article_id": doc.article_id}
        # numbers: first mention that states each
        q: dict[str, dict[str, Any]] = {}
        for m in g:
            for k, v in m.quantities.items():
                q.setdefault(k, v)
        cas: dict[str, dict[str, Any]] = {}
        if lead.sent_index < 0 and doc.sentences:  # a headline event: the lead paragraph tells its toll
            cas = dict(_casualties(" ".join(s.text for s in doc.sentences[:2])))
        if lead.sent_index >= 0:
            # the toll is told in the sentence or the next few (quotes run on), up to the next
            # sentence that tells another drone/missile event
            # (``is``, not ``in``: a mention is one sentence and kind, so only itself equals it, and
            # comparing two dataclasses field by field is the slow way to find that out)
            other = {m.sent_index for m in mentions
                     if m.sent_index != lead.sent_index and all(m is not x for x in g)}
            end = lead.sent_index + 1
            while end < min(len(doc.sentences), lead.sent_index + 4) and end not in other:
                end += 1
            window = " ".join(s.text for s in doc.sentences[lead.sent_index:end])
            cas = dict(_casualties(window))
        weapon = next((m.weapon for m in g if m.weapon), None)
        loc = lead.loc
        if not loc.get("country"):  # the lead names no place: a neighbouring sentence may
            # (its own group first; else the report just before it, split off for its own figures,
            # unless this one is aimed at the whole country: "... 40 missiles at Ukraine")
            loc = next((m.loc for m in g if m.loc.get("admin1") and abs(m.sent_index - lead.sent_index) <= 1), None) or next(
                (m.loc for m in body if m.loc.get("admin1") and 0 < lead.sent_index - m.sent_index <= 1
                 and not _AT_COUNTRY.search(lead.text)), loc)
        if gi == 0 and title:
            t = title[0]
            for k, v in t.quantities.items():
                q.setdefault(k, v)
            tc = casualties(doc.title or "")
            cas.update(tc)  # the headline total is the latest figure
            weapon = weapon or t.weapon
            if not loc.get("admin1") and t.loc.get("admin1") and not any(m.loc.get("country") for m in g):
                loc = t.loc
        if (not loc.get("admin1") and doc.title and lead.sent_index >= 0
                and all(not m.loc.get("country") for m in g)):
            tl = _title_loc(doc)  # "Shelling of Donetsk region: ..." places the text's report
            if tl.get("admin1"):
                loc = tl
        if "destroyed" in q and "launched" not in q and any(_ALL_LAUNCHED_DOWN.search(m.text) for m in g):
            q["launched"] = dict(q["destroyed"])  # "all the launched missiles were intercepted"
        for k in ("launched", "destroyed", "count"):
            ev[k] = q.get(k)
        ev["killed"] = cas.get("killed")
        ev["injured"] = cas.get("injured")
        ev["weapon"] = weapon
        ev.update({k: loc.get(k) for k in ("place", "admin1", "country", "lat", "lon")})
        if ev["country"] is None:
            ev["country"] = "UA"
        d = lead.date
        ev["date"] = d.isoformat() if d else None
        ev["date_precision"] = lead.precision if d else None
        ev["actor"] = lead.actor
        ev["claimed_by"] = next((m.claimed_by for m in g if m.claimed_by), None)
        if lead.sent_index >= 0:
            ev["evidence"] = {"text": lead.text, "start": lead.start, "end": lead.end}
        else:
            ev["evidence"] = {"text": lead.text, "in": "title"}
        conf = 0.45 + (0.15 if q else 0) + (0.1 if weapon else 0) + (0.1 if ev["admin1"] else 0) + (0.1 if lead.strong else 0)
        conf += 0.05 if (title and gi == 0) else 0
        ev["confidence"] = min(conf, 0.95) if lead.sent_index >= 0 else min(conf, 0.7)
        events.append(ev)
    return events


def _title_loc(doc: Document) -> dict[str, Any]:
    if "title_loc" not in doc.cache:
        loc = locate(doc.title or "")
        name = loc.get("place")
        if name and name in doc.text:
            # a place the story names only as a launch area ("launched from the Volgodonsk area") is not the target
            roles = {m.role for m in find_places(doc.text) if m.place.name == name}
            if roles and "target" not in roles:
                loc = place_record(None, "UA")
        doc.cache["title_loc"] = loc
    return doc.cache["title_loc"]


def _qval(q: dict[str, Any] | None) -> Any:
    return None if q is None else q.get("value")  # "eight" and "about eight" are one figure


def _own_figures(m: Mention, g: list[Mention]) -> bool:
    """True when ``m`` and a mention of the group each state figures and they cannot be one event:
    different weapon models ("an Orlan-10 was shot down" / "10 Shaheds were launched"), the same
    figure with another value, or one placed in a region and the other only in the country ("4
    missiles over Kyiv" / "84 missiles at Ukraine"); a sentence that names no place at all may be
    the same report told again."""
    for x in g:
        if not x.quantities:
            continue
        if m.weapon and x.weapon and m.weapon != x.weapon:
            return True
        if any(k in x.quantities and _qval(x.quantities[k]) != _qval(v) for k, v in m.quantities.items()):
            return True
        if bool(m.loc.get("admin1")) != bool(x.loc.get("admin1")) and m.loc.get("country") and x.loc.get("country"):
            return True
    return False


def _distinct_strike(m: Mention, g: list[Mention]) -> bool:
    """A mention in another region is a separate strike when it is told with its own verb."""
    return bool(m.strong)


class _AttackBase:
    kind = "drone"

    def extract(self, doc: Document) -> list[dict[str, Any]]:
        cache = doc.cache
        if "attack_mentions" not in cache:
            cache["attack_mentions"] = attack_mentions(doc)
        return build_events(doc, cache["attack_mentions"], self.kind)


@register
class DroneAttackExtractor(_AttackBase):
    """``drone_attack`` events."""

    name = "drone_attack"
    kind = "drone"


@register
class MissileAttackExtractor(_AttackBase):
    """``missile_attack`` events."""

    name = "missile_attack"
    kind = "missile"


# patterns used inside functions, compiled once (and gated with the rest)
_RX0 = re.compile(r"\b(?:plural|two|three|several|many|numerous|dozens|multiple)\s+(?:[\w\-’'\"“”]+\s+){0,2}$", _F)
_RX1 = re.compile(r"\b(?:were|was|have\s+been|had\s+been|being|got)\s+(?:\w+\s+){0,3}?(?:shot\s+down|destroyed|downed|intercepted|neutrali[sz]ed|eliminated|hit|knocked\s+out)", _F)
_RX2 = re.compile(r"\b(?:were|was|have\s+been|had\s+been)\s+(?:\w+\s+)?(?:launched|fired|used|spotted|detected)", _F)
_RX3 = re.compile(r"\b(shot\s+down|shoots?\s+down|shooting\s+down|downed|downs|down|destroy\w*|intercept\w*|neutrali[sz]\w*|"
                    r"eliminat\w*|hit|brought\s+down|took\s+down|launch\w*|fir(?:ed|es|ing)|attack\w*|us(?:ed|ing)|struck|strik\w*|"
                    r"sent|targeted|detected|spotted)\b", _F)
_RX4 = re.compile(r"^[\s\"”]*(?:type\s+|attack\s+|kamikaze\s+|reconnaissance\s+)*(?:drones?|uavs?|unmanned|missiles?|cruise|ballistic)", _F)
_RX5 = re.compile(r"\b(?:the|this|that|these|those|its|their|his|her|our|of|with|by|and\s+the|for|on)\s+(?:[\w\-’'\"“”]+\s+){0,2}$", _F)
_RX6 = re.compile(r"[;,.”\"]|\bbut\b|\bwhile\b", 0)
_RX7 = re.compile(r"^\s*,?\s*(?:\w+\s+)?(?:of\s+(?:which|them)|were\s+launched)", _F)
_RX8 = re.compile(r"of\s+(?:which|them)", _F)
_RX9 = re.compile(r"shot|shoot|down|destroy|intercept|neutrali|eliminat|brought|took", 0)
_RX10 = re.compile(r"^\s+of\b", 0)
_RX11 = re.compile(r"\b(?:a|an|one|single|another)\s+(?:[\w\-’'\"“”]+\s+){0,3}$", _F)
_RX12 = re.compile(r"(?:Russia’s|Russia's|enemy|occupants’|occupiers’)\s+(?:[\w\-’'\"“”]+\s+){0,2}$", 0)
_RX13 = re.compile(r"^\s*(?:\w+[\s,]+){0,3}?,?\s*(?:of\s+which|of\s+them)?\s*(?P<n>[\w,\-]+)\s+(?:of\s+(?:which|them)\s+)?(?:were|was|have\s+been)\s+(?:shot\s+down|destroyed|downed|intercepted|neutrali[sz]ed)", _F)
_RX14 = re.compile(r"^\s+of\s+the\s+(?:missiles|drones|uavs|rockets|shaheds)\b", _F)
_RX15 = re.compile(r"^\s+(?:of\s+(?:the\s+|all\s+)?|out\s+of\s+)", _F)
_RX16 = re.compile(r"air\s+defen|anti-aircraft|units", _F)
_RX17 = re.compile(r"\b(?:could|would|might|may|threat\w*|plans?\s+to)\s+(?:\w+\s+){0,2}?(?:shoot|launch|strike|hit|attack|use|fire|send)", _F)


gate_patterns(globals())  # same matches, fewer regex attempts (see base.first_char_gate)

#: the patterns of :func:`_is_event_sentence` (gated above): [0] their lower-case twins for the
#: lower-cased sentence, [1] the patterns themselves (for text whose lower() could hide a match)
_EVENT_CI = (_EVENT_VERB, _GENERIC, _RUNNING, _RUNNING_ORDINAL, _STRONG, _HEDGE, _RX17, _SUPPLY)
_EVENT_TESTS = (tuple(map(lower_twin, _EVENT_CI)), _EVENT_CI)
#: the patterns of :func:`_strip_non_attack`, the same way
_STRIP_CI = (_NOT_ATTACK_MISSILE, _NOT_ATTACK_AFTER, _ANTI_DRONE, _NOT_ATTACK_BEFORE)
_STRIP_TESTS = (tuple(map(lower_twin, _STRIP_CI)), _STRIP_CI)
