"""Section 7 dates against publication time (opslens.extract.dates)."""
from datetime import date

import pytest

from opslens.extract.dates import kyiv_day, may_have_date, resolve_date

PUB = "2023-04-21T06:10:00+03:00"  # a Friday morning in Kyiv


@pytest.mark.parametrize("sentence, expected", [
    ("eight drones were shot down overnight", (date(2023, 4, 21), "day")),
    ("this morning the city was attacked", (date(2023, 4, 21), "day")),
    ("over the past day, 60 attacks were repulsed", (date(2023, 4, 21), "day")),
    ("yesterday a missile hit the port", (date(2023, 4, 20), "day")),
    ("the day before yesterday", (date(2023, 4, 19), "day")),
    ("on Monday drones attacked Odesa", (date(2023, 4, 17), "day")),
    ("on Friday drones attacked Odesa", (date(2023, 4, 21), "day")),
    ("on April 19 a strike hit Uman", (date(2023, 4, 19), "day")),
    ("on 19 April a strike hit Uman", (date(2023, 4, 19), "day")),
    ("on the night of April 20-21", (date(2023, 4, 21), "day")),
    ("on December 30 missiles hit Kyiv", (date(2022, 12, 30), "day")),
    ("last week the city was shelled", (date(2023, 4, 10), "week")),
    ("in the past four days", (date(2023, 4, 17), "week")),
    ("in March the package was announced", (date(2023, 3, 1), "month")),
    ("in May the package was announced", (date(2022, 5, 1), "month")),
    ("last month", (date(2023, 3, 1), "month")),
])
def test_rules(sentence, expected):
    assert resolve_date(sentence, PUB) == expected


def test_no_date_words_is_publication_day():
    assert resolve_date("air defence is working", PUB) == (date(2023, 4, 21), "day")
    assert resolve_date("air defence is working", PUB, default=False) == (None, None)


def test_context_used_when_sentence_has_no_date():
    assert resolve_date("drones were shot down", PUB, context=["On April 18, the attack began."]) == (date(2023, 4, 18), "day")


def test_kyiv_local_day_not_utc_day():
    # 22:30 UTC on 11 October is already 12 October in Kyiv (UTC+3)
    assert kyiv_day("2022-10-11T22:30:00Z") == date(2022, 10, 12)
    assert resolve_date("overnight", "2022-10-11T22:30:00+00:00") == (date(2022, 10, 12), "day")


def test_unknown_publication():
    assert resolve_date("yesterday", None) == (None, None)
    # an explicit year needs no publication date
    assert resolve_date("on April 21, 2022", None) == (date(2022, 4, 21), "day")


def test_may_the_verb_is_not_a_month():
    assert resolve_date("the drones may be Iranian", PUB) == (date(2023, 4, 21), "day")


@pytest.mark.parametrize("sentence, expected", [
    # the dateline's date is the filing day; the sentence's own words date the event
    ("ODESA, Apr 21 (Example Wire) - Two drones were shot down yesterday, the navy said.", (date(2023, 4, 20), "day")),
    ("LVIV, 21 April (Example Wire) - A missile hit a depot on the night of April 19.", (date(2023, 4, 19), "day")),
    ("KHARKIV, Apr 21 (Example Wire) - Three drones attacked the city on Wednesday.", (date(2023, 4, 19), "day")),
    # nothing after the dateline: the publication day, as for any present-tense report
    ("DNIPRO, Apr 21 (Example Wire) - A drone was shot down, the air force said.", (date(2023, 4, 21), "day")),
])
def test_dateline_date_is_not_the_event_date(sentence, expected):
    assert resolve_date(sentence, PUB) == expected


def test_date_in_running_text_still_counts():
    # a sentence that starts with capitals but is not a dateline keeps its date
    assert resolve_date("NATO said on April 19 that drones hit the port.", PUB) == (date(2023, 4, 19), "day")


@pytest.mark.parametrize("sentence", [
    "Drones hit the port overnight.", "It happened on 21.04.23 in Odesa.", "Since early May the front held.",
    "Over the past week the shelling grew.", "The previous evening was quiet.", "On Sunday two drones fell.",
])
def test_may_have_date_is_true_whenever_a_date_is_found(sentence):
    assert resolve_date(sentence, PUB, default=False)[0] is not None
    assert may_have_date(sentence)


def test_may_have_date_rejects_sentences_without_date_words():
    assert not may_have_date("Air defence shot down the drones, the governor said.")
    assert not may_have_date("")
    assert resolve_date("Air defence shot down the drones, the governor said.", PUB, default=False) == (None, None)


def test_same_sentence_other_publication_day_is_resolved_again():
    # the per-sentence memo is keyed by the publication day too
    assert resolve_date("Two drones were shot down yesterday.", "2023-04-21") == (date(2023, 4, 20), "day")
    assert resolve_date("Two drones were shot down yesterday.", "2023-05-02") == (date(2023, 5, 1), "day")


def test_non_ascii_sentence_still_tries_every_rule():
    assert resolve_date("Над Києвом – drones last week.", "2023-04-21") == (date(2023, 4, 10), "week")
