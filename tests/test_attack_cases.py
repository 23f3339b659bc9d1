"""Drone/missile attack cases a report review found wrong: numbers in model names, "both", "N of them",
continuation sentences, scope of figures and generic background sentences (opslens.extract.attacks).

All sentences are written for these tests."""
from opslens.extract import build_document, extract_document

PUB = "2023-03-09T09:30:00+02:00"  # a Thursday morning in Kyiv


def events(text, title=None, published=PUB, types=("drone_attack", "missile_attack")):
    doc = build_document({"id": "case", "title": title, "text": text, "published": published})
    return [e for e in extract_document(doc) if e["type"] in types]


def qv(ev, field):
    return (ev[field] or {}).get("value")


def test_both_before_the_weapon_is_two_launched_and_two_destroyed():
    (ev,) = events("Gunners in the south downed both Iskander-K cruise missiles the enemy fired at dawn.")
    assert ev["type"] == "missile_attack"
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (2, 2)


def test_all_n_destroyed_means_n_launched():
    (ev,) = events("Mobile fire groups intercepted all 14 Geran-2 drones sent against Odesa region overnight.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (14, 14)


def test_n_of_them_after_the_destroy_verb():
    (ev,) = events("The enemy fired 27 Kalibr missiles from the Black Sea overnight, and air defence destroyed 22 of them.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (27, 22)
    (ev,) = events("Russia sent 9 attack drones on Tuesday and defenders shot down seven of them.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (9, 7)


def test_none_of_them_is_zero_destroyed():
    (ev,) = events("Russia fired five Kh-22 missiles at Dnipro overnight; none of them could be intercepted.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (5, 0)


def test_next_sentence_finishes_the_report():
    (ev,) = events("On 7 March the enemy attacked Kharkiv region with 11 Shahed drones. All of them were destroyed.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (11, 11)
    assert ev["date"] == "2023-03-07"
    (ev,) = events("Overnight the enemy attacked with 6 Kh-59 missiles. Three of them were shot down by fighters.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (6, 3)


def test_may_as_a_month_is_no_hedge():
    (ev,) = events("On 2 May the enemy attacked Zaporizhzhia with 4 Shahed drones.", published="2023-05-02T10:00:00+03:00")
    assert qv(ev, "launched") == 4
    assert events("Officials said Russia may attack Kyiv with drones again.") == []


def test_figures_stay_with_their_own_model():
    text = ("A Forpost reconnaissance drone was shot down this morning, the air force said. "
            "Russia also launched 12 Geran-2 drones overnight, and air defence destroyed 9 of them.")
    evs = sorted(events(text), key=lambda e: qv(e, "destroyed"))
    assert [(e["weapon"], qv(e, "launched"), qv(e, "destroyed")) for e in evs] == [
        ("Forpost", None, 1), ("Shahed-136/131", 12, 9)]


def test_regional_figure_is_not_given_the_national_total():
    text = ("Air defence shot down 3 missiles over Lviv region on Wednesday, the regional governor said. "
            "Russia fired 40 Kalibr missiles at Ukraine on Wednesday, and 31 of them were intercepted.")
    evs = {e["admin1"]: e for e in events(text)}
    assert (qv(evs["Lviv Oblast"], "launched"), qv(evs["Lviv Oblast"], "destroyed")) == (None, 3)
    assert (qv(evs[None], "launched"), qv(evs[None], "destroyed")) == (40, 31)


def test_generic_statements_are_not_events():
    for text in [
        "Loitering munitions are typically launched from mobile ground stations near the front.",
        "Ballistic missiles are hard to intercept and are generally fired from the Belgorod area.",
        "“Each missile that is intercepted is a school that stays open,” the mayor wrote.",
        "Medics describe the growing use of cheap drones to attack evacuation vehicles.",
    ]:
        assert events(text) == [], text


def test_a_generic_word_with_a_number_or_a_time_is_still_an_event():
    (ev,) = events("As often happens, Russia launched 15 Shahed drones overnight, and 12 of them were downed.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (15, 12)
    (ev,) = events("Drones were again launched in waves at Odesa yesterday, officials said.")
    assert ev["date"] == "2023-03-08" and ev["admin1"] == "Odesa Oblast"


def test_continuation_forms():
    cases = [
        ("On 6 March the enemy attacked with 30 Kalibr missiles. Of them, 24 were destroyed by air defence.", (30, 24)),
        ("The enemy also attacked with 8 Lancet drones. Mobile fire groups destroyed five of them.", (8, 5)),
        ("In addition, the enemy used one Orlan-10 drone. It was shot down near Izium.", (1, 1)),
    ]
    for text, expected in cases:
        (ev,) = events(text)
        assert (qv(ev, "launched"), qv(ev, "destroyed")) == expected, text


def test_it_was_destroyed_does_not_count_several():
    (ev,) = events("The enemy used 4 Lancet drones. It was a quiet night otherwise.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (4, None)


def test_combined_model_names_of_the_official_list():
    # the official daily counts name some salvos by two models together ("X-101/X-555 and Kalibr")
    (ev,) = events("Russia fired 12 Kh-101 and Kalibr cruise missiles at Ukraine overnight; 9 of them were shot down.")
    assert ev["weapon"] == "X-101/X-555 and Kalibr"
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (12, 9)
    (ev,) = events("Russia fired 5 Kalibr cruise missiles at Ukraine overnight.")
    assert ev["weapon"] == "Kalibr"


def test_what_debris_can_do_is_no_event():
    assert events("Falling fragments of downed drones can also cause fires, the emergency service warned.") == []


def test_an_orion_is_its_own_model():
    text = ("An Orion strike drone was shot down near Bakhmut this morning. "
            "Russia also launched 6 Geran-2 drones at Kharkiv overnight, and all of them were destroyed.")
    assert sorted(e["weapon"] for e in events(text)) == ["Orion", "Shahed-136/131"]


def test_a_hedged_retelling_of_the_same_figure_is_the_same_event():
    text = ("Air defence shot down nine Shahed drones over Odesa overnight, the regional administration said. "
            "“About nine enemy drones were shot down over the region,” the governor said.")
    (ev,) = events(text)
    assert qv(ev, "destroyed") == 9


def test_a_placeless_report_right_after_a_placed_one_keeps_its_region():
    text = ("Defenders destroyed 4 Lancet drones Russia launched at the Sumy region on Tuesday, the army said. "
            "A Forpost drone was shot down on Tuesday, the air force said.")
    evs = {e["weapon"]: e for e in events(text)}
    assert set(evs) == {"Lancet", "Forpost"}
    assert evs["Forpost"]["admin1"] == "Sumy Oblast" and qv(evs["Forpost"], "destroyed") == 1
