"""Actors: countries, institutions, claimants and outlets from opslens/data/actors.csv."""
from opslens.extract.actors import ActorMatch, canonical_actor, find_actors, find_claimant


def names(text, kinds=None):
    return [m.name for m in find_actors(text, kinds)]


def test_institutions_map_to_their_country():
    assert names("The Pentagon and the White House confirmed; USAID will fund it.") == [
        "United States", "United States", "United States"]
    assert names("The Kremlin denied it.") == ["Russia"]
    assert names("The Bundeswehr will deliver.") == ["Germany"]


def test_demonyms_map_to_country():
    assert names("The Dutch and Finnish governments") == ["Netherlands", "Finland"]


def test_eu_bodies_are_the_european_union():
    assert names("The European Commission and the European Peace Facility") == ["European Union", "European Union"]


def test_acronyms_are_case_sensitive():
    assert names("Let us send it to the US and the UK") == ["United States", "United Kingdom"]


def test_whole_words_only():
    assert names("Germanium and Frenchman") == []


def test_offsets_point_at_the_alias():
    text = "Aid from Canada arrived."
    (m,) = find_actors(text)
    assert isinstance(m, ActorMatch)
    assert text[m.start:m.end] == "Canada" and m.kind == "country"


def test_longest_alias_wins_over_shorter_inside_it():
    # "Washington Post" is an outlet, not the United States
    assert [(m.name, m.kind) for m in find_actors("the Washington Post reported")] == [("Washington Post", "outlet")]


def test_claimants_and_outlets():
    text = "Reuters quoted the Odesa Oblast Military Administration and the General Staff."
    assert [(m.name, m.kind) for m in find_actors(text, ("claimant", "outlet"))] == [
        ("Reuters", "outlet"), ("Odesa Oblast Military Administration", "claimant"), ("General Staff", "claimant")]


def test_find_claimant_skips_outlets():
    assert find_claimant("Ukrinform reported, citing the Ukrainian Air Force.") == "Ukrainian Air Force"
    assert find_claimant("According to Reuters and AP, nothing else.") is None


def test_capital_military_administration_is_kyiv_city():
    assert find_claimant("the capital’s military administration reported on Friday") == "Kyiv City Military Administration"


def test_unicode_text_keeps_offsets():
    text = "İstanbul talks: Türkiye will send aid"
    (m,) = find_actors(text)
    assert text[m.start:m.end] == "Türkiye" and m.name == "Turkey"


def test_canonical_actor():
    assert canonical_actor("Pentagon") == "United States"
    assert canonical_actor("Great Britain") == "United Kingdom"
    assert canonical_actor("Atlantis") is None


def test_claimant_country_reads_the_country_off_an_institution_name():
    from opslens.extract.actors import claimant_country

    assert claimant_country("Ukrainian Ministry of Defence") == "Ukraine"
    assert claimant_country("Russian Defence Ministry") == "Russia"
    assert claimant_country("Kyiv City Military Administration") == "Ukraine"
    assert claimant_country("General Staff") is None
    assert claimant_country(None) is None
