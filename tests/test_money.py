"""Money: symbols, codes, words and scales -> {"amount", "currency"} in the stated currency."""
import pytest

from opslens.extract.money import find_money, local_dollar, parse_money


@pytest.mark.parametrize("text, amount, currency", [
    ("$92 Million", 92_000_000, "USD"),
    ("€300m", 300_000_000, "EUR"),
    ("EUR 9.2 million", 9_200_000, "EUR"),
    ("35 million AUD", 35_000_000, "AUD"),
    ("NZ$5 million", 5_000_000, "NZD"),
    ("A$8.7 million", 8_700_000, "AUD"),
    ("£2.4bn", 2_400_000_000, "GBP"),
    ("800000 EUR", 800_000, "EUR"),
    ("133,939 EUR", 133_939, "EUR"),
    ("500 million euros", 500_000_000, "EUR"),
    ("400 million dollars", 400_000_000, "USD"),
    ("CAD 500 million", 500_000_000, "CAD"),
    ("5 million rubles", 5_000_000, "RUB"),
    ("3 billion Swedish kronor", 3_000_000_000, "SEK"),
    ("4.96 EUR million", 4_960_000, "EUR"),
    ("USD 1.2 bn", 1_200_000_000, "USD"),
    ("JPY 10 billion", 10_000_000_000, "JPY"),
    ("an additional billion dollars", 1_000_000_000, "USD"),
    ("2,5 million euros", 2_500_000, "EUR"),
    ("PLN 20 mln", 20_000_000, "PLN"),
])
def test_parse_money(text, amount, currency):
    assert parse_money(text) == {"amount": amount, "currency": currency}


def test_amount_is_an_integer_in_units():
    m = parse_money("$1.03 billion")
    assert m["amount"] == 1_030_000_000 and isinstance(m["amount"], int)


def test_two_currencies_in_one_sentence_are_two_matches_with_offsets():
    text = "an extra NZ$8 million ($5.1 million) for demining"
    found = find_money(text)
    assert [text[m.start:m.end] for m in found] == ["NZ$8 million", "$5.1 million"]
    assert [m.money["currency"] for m in found] == ["NZD", "USD"]


def test_split_figure_is_added_up():
    assert parse_money("worth $ 2 billion $ 980 million") == {"amount": 2_980_000_000, "currency": "USD"}


def test_no_money_in_plain_counts_and_years():
    assert find_money("In 2022 it sent 30 million lightbulbs and 5 tanks.") == []
    assert find_money("") == []


def test_codes_are_case_sensitive():
    # "try" is not the Turkish lira
    assert find_money("we try 5 times") == []


def test_bare_dollar_is_flagged_and_can_be_localised():
    (m,) = find_money("Canada is giving more than $65 million")
    assert m.bare_dollar
    assert local_dollar(m.money, "Canada") == {"amount": 65_000_000, "currency": "CAD"}
    assert local_dollar(m.money, "United Kingdom") == {"amount": 65_000_000, "currency": "USD"}
    (e,) = find_money("EUR 5 million")
    assert not e.bare_dollar


def test_currency_prefilter_keeps_multiword_names_and_rules_out_plain_figures():
    # a multi-word currency name broken over a line still counts (the cheap prefilter looks at its last word)
    assert [m.money for m in find_money("It gives 3 billion Swedish\nkronor.")] == [{"amount": 3_000_000_000, "currency": "SEK"}]
    assert [m.money for m in find_money("and 800000EUR more")] == [{"amount": 800_000, "currency": "EUR"}]
    assert find_money("In 2014 Russia seized Crimea and 40 villages.") == []


def test_taiwan_gives_in_us_dollars_unless_it_writes_nt_dollars():
    (m,) = find_money("Taipei announced $3 million for shelters.")
    assert local_dollar(m.money, "Taiwan") == {"amount": 3_000_000, "currency": "USD"}
    (m,) = find_money("Taipei announced NT$90 million for shelters.")
    assert m.money == {"amount": 90_000_000, "currency": "TWD"}


def test_figures_found_where_they_start_are_the_patterns_own_matches():
    # find_money tries its pattern only at digits, just after a symbol or code, and at "a billion":
    # on texts built to trip that shortcut it must give what scanning every position gives
    import random

    from opslens.extract.money import _finditer, _pattern

    texts = ["U.S.$ 5 million and NZ$3m", "EUR\u00a012 million", "half a billion euros and an additional billion dollars",
             "1,200,000 EUR then 4.96 EUR million", "a2 5", "x$5", "CHF5bn, SEK 3 billion, 3 billion Swedish kronor",
             "one  billion\ndollars", "$ 2 billion $ 980 million", "800.000 EUR", "A$8.7 million", "in 2014 only"]
    rnd = random.Random(7)
    parts = ["$", "€", "£", "US$", "U.S.$", "A$", "EUR", "usd", "euros", "dollars", "a", "an", "one", "half a", "additional",
             "billion", "million", "m", "bn", "1", "25", "3.5", "1,000", "12 000", "\u00a0", " ", "\n", ",", ".", "-", "x"]
    texts += ["".join(rnd.choice(parts) + rnd.choice(["", " "]) for _ in range(rnd.randint(1, 12))) for _ in range(3000)]
    for t in texts:
        assert [m.span() for m in _finditer(t)] == [m.span() for m in _pattern().finditer(t)], t
