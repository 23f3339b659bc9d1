"""Ground assault extraction on hand-written sentences (opslens.extract.ground)."""
from opslens.extract import build_document, extract_document


def events(text, title=None, published="2023-04-21T08:00:00+03:00"):
    doc = build_document({"id": "g1", "title": title, "text": text, "published": published})
    return [e for e in extract_document(doc) if e["type"] == "ground_assault"]


def test_national_count_keeps_admin1_null():
    (ev,) = events("Over the past day, the defenders repulsed more than 60 enemy attacks, the General Staff said.")
    assert ev["count"] == {"value": 61, "lower": 61, "upper": None, "qualifier": "at_least"}
    assert ev["admin1"] is None and ev["country"] == "UA" and ev["date"] == "2023-04-21"


def test_count_with_region():
    (ev,) = events("On April 19, Ukrainian forces repelled five attacks in the Luhansk region.")
    assert ev["count"]["value"] == 5 and ev["admin1"] == "Luhansk Oblast" and ev["date"] == "2023-04-19"


def test_a_single_attack_is_count_one():
    (ev,) = events("Ukrainian troops beat back a Russian assault near Brody in the Lviv region.")
    assert ev["count"]["value"] == 1 and ev["admin1"] == "Lviv Oblast"


def test_capture_of_a_named_place():
    (ev,) = events("Russian troops captured the city of Melitopol.")
    assert (ev["place"], ev["admin1"], ev["count"]) == ("Melitopol", "Zaporizhzhia Oblast", None)


def test_settlements_without_a_number_give_no_count():
    (ev,) = events("The defenders repelled enemy attacks near 11 settlements in Donetsk region.")
    assert ev["count"] is None


def test_air_and_missile_attacks_are_not_ground_assaults():
    assert events("Russia launched missile attacks on Kharkiv and Odesa.") == []


def test_vague_attacks_without_count_or_place_are_not_events():
    assert events("The occupiers attacked in several directions but were forced to retreat.") == []


def test_history_is_not_an_event():
    assert events("Russia seized Crimea in 2014 and later moved troops into Donbas.") == []


def test_counted_attacks_without_a_repel_verb():
    (ev,) = events("Over the past day, the enemy carried out 12 attacks in the Bakhmut direction.")
    assert ev["count"]["value"] == 12 and ev["admin1"] == "Donetsk Oblast"
    assert events("The enemy carried out 4 missile and 20 air strikes on Kharkiv.") == []


def test_participles_are_not_events():
    assert events("In Irpin, freed from the Russian occupiers, rubble is being removed.") == []
    assert events("The IAEA team works at the Russian-captured Zaporizhzhia nuclear plant in Enerhodar.") == []
    assert events("Children were taken from the temporarily captured Enerhodar.") == []
    (ev,) = events("Ukrainian defenders liberated the village of Vilkhivka near Kharkiv.")
    assert ev["admin1"] == "Kharkiv Oblast" and ev["actor"] == "Ukraine"


def test_shelling_of_populated_areas_is_not_a_ground_count():
    assert events("Russian forces launched 34 attacks on populated areas in the Kharkiv region yesterday.") == []


def test_negated_advance_is_not_an_event():
    assert events("The enemy is not advancing in the Zaporizhzhia region.") == []
    assert events("About 70 bodies were found in captured Mariupol.") == []


def test_future_and_non_ground_counts_are_not_events():
    assert events("Within two days the Ukrainian army will retake Lyman, he predicted.") == []
    assert events("Power lines running from Kherson Oblast to Crimea were cut.") == []
    assert events("The invaders made more than 70 attacks with rocket launchers on Kharkiv.") == []
    assert events("Russia made over 400 attacks on Ukrainian hospitals and clinics, the WHO said.") == []
    assert events("In the occupied Zaporizhzhia region, the invaders captured a total of 540 people.") == []
    (ev,) = events("British defence intelligence said Kreminna, in Luhansk, has fallen.")
    assert ev["admin1"] == "Luhansk Oblast"


ASSAULT_SENTENCES = [
    "Ukrainian forces repelled 12 enemy attacks near Bakhmut.", "Five attacks were repulsed in the Avdiivka direction.",
    "The defenders beat off an assault on Marinka.", "Russian troops captured Soledar.", "Russia seized the town.",
    "Ukraine's army retook Kherson.", "Troops recaptured Lyman.", "The brigade liberated Klishchiivka.",
    "Russian units stormed Vuhledar.", "Kreminna has fallen.", "The village fell to Russian forces.",
    "Russian troops advanced on Avdiivka and advancing units pressed their offensive toward Kupiansk.",
    "Fighting continues in Bakhmut.", "Battles are ongoing near Robotyne.", "Clashes raged near Vuhledar.",
    "The garrison surrendered its positions.", "Russian forces pushed towards Siversk.",
    "A ground assault on Kharkiv began.", "The enemy tried to advance near Bilohorivka.",
    "The offensive operations continue.", "Russia launched an offensive against Kharkiv.",
    "The enemy carried out 12 attacks.", "They conducted storming attempts.", "The assault was thwarted.",
    "Attacks near Orikhiv were stopped.", "The attack was foiled, and another halted; a third deterred.",
    "UKRAINIAN FORCES REPELLED 3 ATTACKS NEAR BAKHMUT.",
]


def test_assault_word_lists_cover_every_pattern_match():
    from opslens.extract import ground as G

    matched = 0
    for t in ASSAULT_SENTENCES:
        plain = bool(G._REPEL.search(t) or G._MOVE.search(t) or G._COUNT_VERB.search(t))
        assert G._may_assault(t) == plain, t
        for pat, words in ((G._REPEL, G._REPEL_WORDS), (G._MOVE, G._MOVE_WORDS), (G._COUNT_VERB, G._COUNT_WORDS)):
            for m in pat.finditer(t):
                matched += 1
                assert any(w in m.group(0).lower() for w in words), (t, m.group(0))
            for m in G._MOVE.finditer(t):  # the sharper gate of the costliest pattern
                assert G._move_may_match(m.group(0).lower()), (t, m.group(0))
    assert matched >= len(ASSAULT_SENTENCES)
    assert not G._may_assault("Missiles hit a power plant on the ground floor; the attack was condemned.")
    assert not G._move_may_match("troops took part in a battle of words; they pushed back")
