"""Drone and missile attack extraction on hand-written sentences (opslens.extract.attacks)."""
from opslens.extract import build_document, extract_document


def events(text, title=None, published="2023-04-21T08:00:00+03:00", types=("drone_attack", "missile_attack")):
    doc = build_document({"id": "t1", "title": title, "text": text, "published": published})
    return [e for e in extract_document(doc) if e["type"] in types]


def qv(ev, field):
    return (ev[field] or {}).get("value")


def test_worked_example_kyiv_shaheds():
    # the shape of the contract's worked example (spec section 10), in our own words and figures
    text = ("Air defence units destroyed nine Iranian-made Shahed drones over Kyiv overnight, the capital's "
            "military administration reported on the morning of April 21. There were no casualties.")
    (ev,) = events(text)
    assert ev["type"] == "drone_attack"
    assert (ev["date"], ev["date_precision"]) == ("2023-04-21", "day")
    assert (ev["place"], ev["admin1"], ev["country"]) == ("Kyiv", "Kyiv City", "UA")
    assert ev["weapon"] == "Shahed-136/131"
    assert qv(ev, "destroyed") == 9 and ev["destroyed"]["qualifier"] == "exact"
    assert qv(ev, "killed") == 0
    assert ev["actor"] == "Russia"
    assert ev["evidence"]["start"] == 0 and text[ev["evidence"]["start"]:ev["evidence"]["end"]] == ev["evidence"]["text"]
    assert 0 < ev["confidence"] <= 1


def test_missiles_and_drones_in_one_sentence_are_two_events():
    text = "Air defence destroyed 21 cruise missiles and 11 drones during the night."
    evs = {e["type"]: e for e in events(text)}
    assert set(evs) == {"drone_attack", "missile_attack"}
    assert qv(evs["missile_attack"], "destroyed") == 21 and evs["missile_attack"]["weapon"] is None
    assert qv(evs["drone_attack"], "destroyed") == 11
    assert evs["drone_attack"]["admin1"] is None  # national total


def test_launched_and_destroyed_with_of_which():
    (ev,) = events("Russia launched 30 Shahed drones overnight, 25 of which were shot down.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (30, 25)


def test_n_out_of_m():
    (ev,) = events("Air defence shot down 4 out of 5 Kh-59 missiles fired at Dnipro.")
    assert (qv(ev, "destroyed"), qv(ev, "launched")) == (4, 5)
    assert ev["weapon"] == "X-59" and ev["admin1"] == "Dnipropetrovsk Oblast"


def test_strikes_are_counted_not_launched():
    (ev,) = events("On Thursday the enemy launched four missile strikes on Sumy.")
    assert qv(ev, "count") == 4 and ev["launched"] is None


def test_single_drone_without_number():
    (ev,) = events("A National Guard soldier shot down a Russian Orlan-10 drone near Sievierodonetsk.")
    assert qv(ev, "destroyed") == 1 and ev["weapon"] == "Orlan-10" and ev["admin1"] == "Luhansk Oblast"


def test_casualties():
    (ev,) = events("A Russian missile hit a residential building in Uman yesterday, killing 23 people and injuring 18.")
    assert (qv(ev, "killed"), qv(ev, "injured")) == (23, 18)
    assert ev["date"] == "2023-04-20"


def test_running_totals_are_not_events():
    assert events("Russia has used 86 Shaheds against Ukraine since September.") == []
    assert events("Since the start of the war, 2,503 missiles have been launched at Ukraine.") == []


def test_supply_and_hedges_are_not_events():
    assert events("Iran could supply more drones to Russia next year.") == []
    assert events("The Kremlin threatens to strike Kyiv with Kinzhal missiles.") == []


def test_defenders_missiles_and_aircraft_are_not_attacks():
    assert events("Anti-aircraft missile units downed a Su-25 jet and two helicopters.") == []


def test_ukrainian_drones_over_russia():
    (ev,) = events("Ukrainian drones attacked an oil depot in Belgorod overnight.")
    assert ev["actor"] == "Ukraine" and ev["country"] == "RU" and ev["admin1"] == "Belgorod Oblast"


def test_title_only_event_when_text_is_empty():
    (ev,) = events("", title="Air defence shoots down six Shahed drones over Odesa region")
    assert ev["evidence"] == {"text": "Air defence shoots down six Shahed drones over Odesa region", "in": "title"}
    assert qv(ev, "destroyed") == 6 and ev["admin1"] == "Odesa Oblast"


def test_title_fills_numbers_the_text_lacks():
    title = "Air defence downs 4 cruise missiles fired by Russian jets from Belarus"
    text = "On the night of April 5, Russian jets fired cruise missiles at Ukraine, but air defence intercepted them."
    (ev,) = events(text, title=title, published="2022-04-05T10:00:00+03:00")
    assert qv(ev, "destroyed") == 4 and ev["date"] == "2022-04-05"


def test_nationwide_total_and_regional_report_are_two_events():
    text = ("Russia launched 40 missiles at targets across Ukraine overnight. "
            "In Kyiv, 14 missiles were fired at the city and one person was killed.")
    evs = sorted(events(text), key=lambda e: e["admin1"] or "")
    assert [(e["admin1"], qv(e, "launched")) for e in evs] == [(None, 40), ("Kyiv City", 14)]


def test_missile_strikes_counted_beside_air_strikes():
    (ev,) = events("The enemy carried out 4 missile and 20 air strikes on Kharkiv region.")
    assert qv(ev, "count") == 4 and ev["launched"] is None


def test_all_of_which_were_destroyed():
    (ev,) = events("Russia attacked Odesa with 15 Shahed drones overnight, all of which were destroyed.")
    assert (qv(ev, "launched"), qv(ev, "destroyed")) == (15, 15)


def test_drones_downed_over_russia_are_ukraines():
    (ev,) = events("Two drones were shot down over the Kursk region, the Russian defence ministry said.")
    assert ev["actor"] == "Ukraine" and ev["admin1"] == "Kursk Oblast" and qv(ev, "destroyed") == 2


def test_death_toll_far_from_the_number():
    (ev,) = events("The death toll of a Russian missile strike on a market in Kremenchuk, Poltava region, has risen to 9.")
    assert qv(ev, "killed") == 9 and ev["admin1"] == "Poltava Oblast"


def test_running_totals_with_already_and_mixed_counts():
    assert events("Since February Russia has fired 2,150 missiles at Ukraine.") == []
    (ev,) = events("Over the past day, Russian troops made more than 40 missile and artillery attacks on Kharkiv.")
    assert ev["launched"] is None and ev["count"] is None


def test_other_wars_are_not_events():
    assert events("Drones struck targets in Nagorno-Karabakh, a ministry in Moscow alleged.") == []


def test_dateline_city_is_not_the_place_of_a_national_air_force_report():
    text = ("KYIV, Oct 17 (Kyiv Wire) - Russia launched eleven Geran-2 drones at the south of the country overnight, "
            "and all of them were shot down, the Air Force command said. A second drone was shot down on Saturday, "
            "the Ukrainian Air Force said.")
    evs = events(text)
    assert evs and all(e["admin1"] is None and e["place"] is None for e in evs)
    assert qv(evs[0], "launched") == 11


def test_dateline_city_does_not_place_a_regional_attack_elsewhere():
    text = ("ODESA, Nov 3 (Reuters) - Russia launched 13 Shahed drones at the Kyiv region overnight, and all of them "
            "were shot down, the air force said.")
    (ev,) = events(text)
    assert ev["admin1"] == "Kyiv Oblast"


def test_headline_place_the_story_names_only_as_a_launch_area_is_not_the_target():
    text = ("Russia launched 50 cruise missiles on Monday, and air defences destroyed 44 of them, the air force said. "
            "The missiles were launched from the Caspian Sea and the Volgodonsk area.")
    evs = events(text, title="Volgodonsk: Ukraine says it shot down 44 of 50 Russian missiles")
    assert evs and all(e["admin1"] is None for e in evs)


def test_a_national_total_next_to_a_city_report_keeps_no_region():
    text = ("Air defence units shot down 4 missiles over Kyiv today, the Kyiv City Military Administration said. "
            "For the whole country, Russia launched 84 cruise missiles at Ukraine on Monday, and air defences "
            "destroyed 43 of them, the General Staff said.")
    evs = sorted(events(text, types=("missile_attack",)), key=lambda e: qv(e, "destroyed") or 0)
    assert [(qv(e, "destroyed"), e["admin1"]) for e in evs] == [(4, "Kyiv City"), (43, None)]


def test_a_national_frame_yields_to_the_region_the_sentence_names():
    text = "For the whole country, Russia launched 13 drones at the Mykolaiv region overnight, the air force said."
    (ev,) = events(text)
    assert ev["admin1"] == "Mykolaiv Oblast"
