"""When did it happen? Section 7 of the contract: the Kyiv-local day, resolved against publication.

Rules (first that applies to the sentence, else to ``context``, else the publication day):

======================================================  ==========================  =========
words                                                   date                        precision
======================================================  ==========================  =========
"on April 21", "21 April", "April 20-21", "17.08.22"     that day (latest such day   day
                                                        not after publication)
"the day before yesterday"                              publication - 2             day
"yesterday", "last evening", "the previous day"         publication - 1             day
"on Monday", "early hours of Saturday"                  latest such weekday <= pub  day
"overnight", "tonight", "last night", "this morning",   publication day             day
"today", "over the past day / 24 hours", "during the
day", "at night"
"last week"                                             Monday of previous week     week
"this week", "past week", "past four days", "weekly"    Monday of publication week  week
"last month"                                            first of previous month     month
"in May", "in early May", "this month"                  first of that month         month
nothing                                                 publication day (or None    day
                                                        with ``default=False``)
======================================================  ==========================  =========

This is a handful of compiled regexes per sentence, not a general date parser (dateparser
manages ~750 calls/s and misreads "overnight"; see ../shared/MEASURED.md).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from .base import doc_memo, first_char_gate, gate_patterns, lower_twin, testable_lower, words_testable
from .places import dateline_end

__all__ = ["kyiv_day", "resolve_date", "to_kyiv", "has_date_words", "explicit_date", "may_have_date"]

#: month names and short forms (lower-case) -> month number
MONTH_NUMBERS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}


@lru_cache(maxsize=1)
def _kyiv() -> Any:
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo("Europe/Kyiv")
    except Exception:  # older tzdata
        return ZoneInfo("Europe/Kiev")


def to_kyiv(published: Any) -> datetime | date | None:
    """Publication time -> Kyiv-local datetime (or a plain date when no time is known).

    Accepts a datetime (naive = UTC), a date, an ISO 8601 string, a pandas Timestamp or None.
    """
    if published is None:
        return None
    if isinstance(published, str):
        s = published.strip()
        if not s:
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return date.fromisoformat(s)
        try:
            published = datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            return None
    if hasattr(published, "to_pydatetime"):
        try:
            if published != published:  # NaT
                return None
        except Exception:
            pass
        published = published.to_pydatetime()
    if isinstance(published, datetime):
        from datetime import timezone

        if published.tzinfo is None:
            if published.hour == 0 and published.minute == 0 and published.second == 0:
                return published.date()  # a bare date stored as midnight
            published = published.replace(tzinfo=timezone.utc)
        return published.astimezone(_kyiv())
    if isinstance(published, date):
        return published
    return None


def kyiv_day(published: Any) -> date | None:
    """The Kyiv-local publication day (memoised within a document: every event of an article asks for it)."""
    try:
        return _kyiv_day_memo(published)
    except TypeError:  # an unhashable value
        return _kyiv_day(published)


@doc_memo(maxsize=16)
def _kyiv_day_memo(published: Any) -> date | None:
    return _kyiv_day(published)


def _kyiv_day(published: Any) -> date | None:
    k = to_kyiv(published)
    if k is None:
        return None
    return k.date() if isinstance(k, datetime) else k


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern[str]]:
    mon = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
    wd = "|".join(_WEEKDAYS)
    f = re.IGNORECASE
    return {k: first_char_gate(p) for k, p in {
        # "April 21", "April 20-21", "April 21, 2022", "Apr. 21"
        "md": re.compile(rf"\b(?P<m>{mon})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–/]\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?(?!\d)(?:,?\s+(?P<y>(?:19|20)\d\d))?", f),
        # "21 April", "20-21 April", "21st of April 2022"
        "dm": re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–/]\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?\s+(?:of\s+)?(?P<m>{mon})\b\.?(?:,?\s+(?P<y>(?:19|20)\d\d))?", f),
        # "17.08.22", "17.08.2022", "2022-08-17"
        "num": re.compile(r"(?<![\d.])(?:(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2}|\d{4})|(?P<Y>(?:19|20)\d\d)-(?P<M>\d\d)-(?P<D>\d\d))(?![\d.]\d)"),
        "dby": re.compile(r"\bday\s+before\s+yesterday\b", f),
        "yest": re.compile(r"\b(?:yesterday|last\s+evening|the\s+previous\s+(?:day|evening|night))\b", f),
        # "on Monday", "early hours of Saturday" (only the weekday is read: the words before it are
        # optional, and a match no longer starts at the space before them, which made every space
        # a place to try; the first weekday that can match is the same)
        "wd": re.compile(rf"\b(?:(?:on|last|this|early\s+(?:hours\s+of|on)|late\s+on|since|night\s+(?:of|to))\s*)?(?:the\s+)?(?P<w>{wd})\b", f),
        "today": re.compile(
            r"\b(?:overnight|tonight|today|this\s+(?:morning|afternoon|evening)|last\s+night|at\s+night|"
            r"during\s+the\s+(?:day|night)|in\s+the\s+(?:morning|evening|afternoon)|"
            r"(?:over|in|during|for)\s+the\s+(?:past|last)\s+(?:day|24\s+hours|twenty-four\s+hours|night)|"
            r"past\s+24\s+hours|(?:early\s+)?this\s+morning|on\s+the\s+night|at\s+dawn|at\s+around\s+\d)\b", f),
        "lastweek": re.compile(r"\blast\s+week\b", f),
        "week": re.compile(
            r"\b(?:this\s+week|(?:over|in|during|for)\s+the\s+(?:past|last)\s+(?:week|seven\s+days|7\s+days|"
            r"(?:two|three|four|five|six|2|3|4|5|6)\s+days)|past\s+(?:week|(?:two|three|four|five|six|2|3|4|5|6)\s+days)|"
            r"weekly|within\s+a\s+week)\b", f),
        "lastmonth": re.compile(r"\blast\s+month\b", f),
        "thismonth": re.compile(r"\b(?:this|past)\s+month\b", f),
        "inmonth": re.compile(rf"\b(?:in|since|during|throughout|early|late|mid|mid-|end\s+of|beginning\s+of)\s+(?:early\s+|late\s+|mid-?)?(?P<m>january|february|march|april|may|june|july|august|september|october|november|december)\b(?!\s+\d)(?:\s+(?P<y>(?:19|20)\d\d))?", f),
    }.items()}


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _in_past(d: date | None, pub: date, month: int, day: int) -> date | None:
    """That month/day in the publication year, or the year before if it would be in the future."""
    if d is None:
        return None
    if d > pub + timedelta(days=1):
        return _safe_date(pub.year - 1, month, day)
    return d


_DIGIT = re.compile(r"\d")


#: every month name (full or short) contains one of these; every weekday name is in _WEEKDAYS
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _may_have(text: str, words: Any, low: str | None = None) -> bool:
    """False only when ``text`` surely has none of ``words`` (lower-case) in any letter case; a
    cheap test before a long pattern that needs one of them (text with a letter that case-folds to
    ASCII, see :func:`~opslens.extract.base.words_testable`: always True). ``low``: ``text.lower()``
    when the caller has it (and has checked ``words_testable``)."""
    if low is None:
        if not words_testable(text):
            return True
        low = text.lower()
    return any(map(low.__contains__, words))


@lru_cache(maxsize=1)
def _rx_lower() -> dict[str, re.Pattern[str]]:
    """:func:`_rx` with each case-insensitive pattern as its lower-case twin (:func:`base.lower_twin`),
    for lower-cased text (the numeric ``num`` form is case-free and kept)."""
    return {k: lower_twin(p) if p.flags & re.IGNORECASE else p for k, p in _rx().items()}


def _explicit_day(text: str, pub: date | None, low: str | None = None) -> date | None:
    """The calendar date written in ``text`` (see :func:`explicit_date`); ``low`` as for :func:`_may_have`."""
    if not _DIGIT.search(text):
        return None  # every calendar form has a digit
    rx = _rx()
    if low is None and words_testable(text):
        low = text.lower()
    # month-name forms: the lower-case twins over the lower-cased text where that is safe (the
    # same matches; the month is read lower-cased, the day and year are digits)
    md_rx, s = (rx, text) if low is None else (_rx_lower(), low)
    for key in ("md", "dm") if _may_have(text, _MONTH_STEMS, low) else ():
        for m in md_rx[key].finditer(s):
            mon = MONTH_NUMBERS[m.group("m").lower().rstrip(".")]
            if key == "md" and m.group("m").lower() == "may" and not re.match(r"\s*\d", text[m.end("m"):m.end("m") + 3]):
                continue
            day_s = m.group("d2") or m.group("d")  # "the night of April 20-21" -> the day the night ends
            day = int(day_s)
            if m.group("d2") and int(m.group("d2")) < int(m.group("d")):
                day = int(m.group("d"))
            if m.group("y"):
                d = _safe_date(int(m.group("y")), mon, day)
                if d:
                    return d
                continue
            if pub is None:
                continue
            d = _in_past(_safe_date(pub.year, mon, day), pub, mon, day)
            if d:
                return d
    for m in rx["num"].finditer(text):
        if m.group("Y"):
            d = _safe_date(int(m.group("Y")), int(m.group("M")), int(m.group("D")))
        else:
            y = int(m.group("y"))
            y = y + 2000 if y < 100 else y
            d = _safe_date(y, int(m.group("m")), int(m.group("d")))
        if d:
            return d
    return None


def explicit_date(text: str, published: Any = None) -> date | None:
    """A calendar date written in ``text`` ("on April 21", "21.04.23", "2023-04-21"), else None."""
    return _explicit_day(text or "", kyiv_day(published))


def has_date_words(text: str) -> bool:
    """True when ``text`` has any date expression :func:`resolve_date` understands."""
    return _resolve_here(text, date(2000, 1, 3)) is not None


#: every date expression holds a digit or one of these words (any letter case)
_DATE_WORDS = ("yesterday", "night", "today", "morning", "evening", "afternoon", "day", "week", "month", "dawn",
               *_MONTH_STEMS)
_ANY_DATE_WORD = re.compile(r"\d|" + "|".join(_DATE_WORDS), re.IGNORECASE)


def _any_date_word(text: str) -> bool:
    """``_ANY_DATE_WORD.search(text) is not None``, cheaper: a digit search, then ``in`` tests on the
    lower-cased text (the case-insensitive regex only for text whose letters case-fold to ASCII)."""
    if _DIGIT.search(text) is not None:
        return True
    if words_testable(text):
        return any(map(text.lower().__contains__, _DATE_WORDS))
    return _ANY_DATE_WORD.search(text) is not None


def _strip_dateline(text: str) -> str:
    """``text`` without a wire dateline ("KYIV, Nov 16 (Agency) - ..."): its date is the filing
    day, not the day of what the sentence tells ("... launched yesterday" is the day before)."""
    if text[:1].isupper() and _DIGIT.search(text, 0, 40):
        end = dateline_end(text)
        if end:
            return text[end:]
    return text


def may_have_date(text: str) -> bool:
    """Cheap test: False only when :func:`resolve_date` surely finds no date words in ``text``
    (no digit, no day/time/week/month word), so the caller may skip date work for it. A digit
    search and substring tests (C speed); a True answer is no promise that a date is there."""
    return bool(text) and _any_date_word(text)


#: for each relative rule, words one of which (lower-cased) every match contains; a rule is only
#: tried when ``_may_have`` finds one (the regex search is the costly part; ``in`` is C speed)
_ANCHORS = {
    "dby": ("yesterday",),
    "yest": ("yesterday", "evening", "previous"),
    "wd": tuple(_WEEKDAYS),
    "today": ("night", "today", "morning", "afternoon", "evening", "during", "past", "last", "dawn", "around"),
    "lastweek": ("week",),
    "week": ("week", "days"),
    "lastmonth": ("month",),
    "thismonth": ("month",),
    "inmonth": _MONTH_STEMS,
}


def _resolve_here(text: str, pub: date | None) -> tuple[date | None, str] | None:
    if not _any_date_word(text):  # cheap gate: most sentences have no date words at all
        return None
    return _resolve_memo(text, pub)


@doc_memo()
def _resolve_memo(text: str, pub: date | None) -> tuple[date | None, str] | None:
    """The date rules for one sentence (pure in text and publication day: memoised within a
    document, so a sentence several extractors date is resolved once)."""
    text = _strip_dateline(text)
    rx = _rx()
    low = testable_lower(text)  # None: case folding beyond ASCII, try every rule
    d = _explicit_day(text, pub, low)
    if d is not None:
        return d, "day"
    if pub is None:
        return None

    has = low.__contains__ if low is not None else None

    def may(rule: str) -> bool:
        return has is None or any(map(has, _ANCHORS[rule]))

    # the rules run as lower-case twins over the lower-cased text where that is safe (the same
    # matches; the words a match holds are read lower-cased, the numbers are digits)
    rx, s = (rx, text) if low is None else (_rx_lower(), low)
    if may("dby") and rx["dby"].search(s):
        return pub - timedelta(days=2), "day"
    if may("yest") and rx["yest"].search(s):
        return pub - timedelta(days=1), "day"
    m = rx["wd"].search(s) if may("wd") else None
    if m:
        back = (pub.weekday() - _WEEKDAYS[m.group("w").lower()]) % 7
        return pub - timedelta(days=back), "day"
    if may("today") and rx["today"].search(s):
        return pub, "day"
    if may("lastweek") and rx["lastweek"].search(s):
        return pub - timedelta(days=pub.weekday() + 7), "week"
    if may("week") and rx["week"].search(s):
        return pub - timedelta(days=pub.weekday()), "week"
    if may("lastmonth") and rx["lastmonth"].search(s):
        first = pub.replace(day=1) - timedelta(days=1)
        return first.replace(day=1), "month"
    m = rx["inmonth"].search(s) if may("inmonth") else None
    if m:
        mon = MONTH_NUMBERS[m.group("m").lower()]
        y = int(m.group("y")) if m.group("y") else (pub.year if mon <= pub.month else pub.year - 1)
        return date(y, mon, 1), "month"
    if may("thismonth") and rx["thismonth"].search(s):
        return pub.replace(day=1), "month"
    return None


def resolve_date(sentence_text: str, published: Any, *, context: str | list[str] | None = None,
                 default: bool = True) -> tuple[date | None, str | None]:
    """The Kyiv-local day an event in ``sentence_text`` happened, and its precision.

    ``published`` is the article's publication time (datetime, date, ISO string or None).
    ``context`` (e.g. the preceding sentences, nearest first, or the title) is consulted when the
    sentence itself has no date words. Without any, the publication day is returned (a
    present-tense news report), or ``(None, None)`` when ``default`` is False or the publication
    time is unknown.

    >>> resolve_date("shot down eight drones overnight", "2023-04-21T06:10:00+03:00")
    (datetime.date(2023, 4, 21), 'day')
    >>> resolve_date("on Monday", "2023-04-21")
    (datetime.date(2023, 4, 17), 'day')
    """
    pub = kyiv_day(published)
    found = _resolve_here(sentence_text or "", pub)
    if found is None and context:
        for c in ([context] if isinstance(context, str) else context):
            if c:
                found = _resolve_here(c, pub)
                if found is not None:
                    break
    if found is not None:
        return found
    if default and pub is not None:
        return pub, "day"
    return None, None


gate_patterns(globals())  # same matches, fewer regex attempts (see base.first_char_gate)
