"""Quantities -> contract quantity objects (opslens.extract.numbers)."""
import pytest

from opslens.extract.numbers import find_quantities, parse_quantity, word_to_int


def q(value, lower, upper, qualifier):
    return {"value": value, "lower": lower, "upper": upper, "qualifier": qualifier}


@pytest.mark.parametrize("text, expected", [
    ("eight", q(8, 8, 8, "exact")),
    ("8", q(8, 8, 8, "exact")),
    ("1,200", q(1200, 1200, 1200, "exact")),
    ("1.2 thousand", q(1200, 1200, 1200, "exact")),
    ("twenty-one", q(21, 21, 21, "exact")),
    ("one hundred and five", q(105, 105, 105, "exact")),
    ("a dozen", q(12, 12, 12, "exact")),
    ("more than 60", q(61, 61, None, "at_least")),
    ("over twenty", q(21, 21, None, "at_least")),
    ("at least 5", q(5, 5, None, "at_least")),
    ("40+", q(40, 40, None, "at_least")),
    ("up to 20", q(20, None, 20, "at_most")),
    ("fewer than 10", q(9, None, 9, "at_most")),
    ("about 30", q(30, None, None, "approx")),
    ("nearly forty", q(40, None, None, "approx")),
    ("dozens", q(24, 24, None, "approx")),
    ("hundreds", q(200, 200, None, "approx")),
    ("10-12", q(None, 10, 12, "range")),
    ("between 3 and 5", q(None, 3, 5, "range")),
    ("one of the two", q(1, 1, 1, "exact")),
])
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["", "drones", "many", "the"])
def test_not_a_quantity(text):
    assert parse_quantity(text) is None


def test_word_to_int_rejects_bare_decimal():
    assert word_to_int("2.5") is None
    assert word_to_int("2.5 million") == 2_500_000


def test_find_quantities_offsets_and_values():
    text = "Russia launched 21 cruise missiles and 11 drones; more than 60 attacks were repulsed."
    found = find_quantities(text)
    assert [text[m.start:m.end] for m in found] == ["21", "11", "more than 60"]
    assert [m.quantity["value"] for m in found] == [21, 11, 61]


def test_find_quantities_skips_years_and_clock_times():
    text = "At 12:10 on 17 August 2022 three drones were shot down."
    values = [m.quantity["value"] for m in find_quantities(text)]
    assert 2022 not in values and 12 not in values and 10 not in values
    assert 3 in values


def _found(text, **kw):
    return [(text[q.start:q.end], q.quantity["value"]) for q in find_quantities(text, **kw)]


@pytest.mark.parametrize("text", [
    "a Forpost-2 drone", "the Tor-M1 and Buk-M3 systems", "an X-22 missile", "Tu-160 and Tu-22M3 bombers",
    "Su-34 jets", "an Mi-8 helicopter", "M109 guns", "S-400 batteries", "Iskander-M launchers",
    "Kh-47/Kh-32 missiles", "a 203-mm gun", "120 mm mortar rounds", "the 130-millimetre shells",
])
def test_numbers_in_model_names_and_calibres_are_not_counts(text):
    assert _found(text, both=True) == []


def test_model_number_next_to_a_real_count():
    assert _found("twelve Tu-22M3 bombers and 7 Su-35 fighters fired 40 X-22 missiles") == [
        ("twelve", 12), ("7", 7), ("40", 40)]
    assert _found("nine 203-mm guns") == [("nine", 9)]


def test_both_is_two_only_when_asked():
    assert _found("gunners downed both Geran drones", both=True) == [("both", 2)]
    assert _found("gunners downed both Geran drones") == []
    assert _found("both sides lost 3 tanks", both=True) == [("both", 2), ("3", 3)]


def test_repeated_search_gives_independent_results():
    # find_quantities is memoised per text: each caller must still get its own list and dicts
    a = find_quantities("more than 60 drones")
    a[0].quantity["value"] = -1
    a.append(None)
    b = find_quantities("more than 60 drones")
    assert b == [(0, 12, {"value": 61, "lower": 61, "upper": None, "qualifier": "at_least"})]
