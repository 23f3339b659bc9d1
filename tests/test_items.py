"""Items: lexicon names, generic counted noun phrases and attached quantities."""
from opslens.extract.items import find_items, merge_generic_items, singular
from opslens.extract.money import find_money


def items(text):
    spans = [(m.start, m.end) for m in find_money(text)]
    return [(i.name, i.quantity["value"] if i.quantity else None) for i in find_items(text, exclude=spans)]


def test_alias_to_canonical_name_with_quantity():
    assert items("Washington will send 31 Abrams tanks.") == [("M1 Abrams tank", 31)]


def test_hedged_quantity_and_modifier_between():
    assert items("The list has more than 900 Stinger anti-aircraft systems.") == [("Stinger anti-aircraft system", 901)]
    assert items("Six additional CAESAR howitzers were promised.") == [("CAESAR howitzer", 6)]


def test_model_and_generic_words_are_one_item():
    assert items("It delivers 22 M113 Armored Personnel Carriers (APCs) by June.") == [
        ("M113 armoured personnel carrier", 22)]


def test_unknown_counted_thing_is_named_by_its_noun_phrase():
    assert items("The port received 45,000 tons of thermal coal.") == [("ton of thermal coal", 45000)]
    assert items("We confirm 1650 mobile heating systems.") == [("mobile heating system", 1650)]


def test_money_numbers_and_labels_are_not_item_counts():
    assert items("Table 4 lists the value as 18.4 million AUD.") == []
    assert items("Hungary provides 382 million HUF for a kindergarten") == []


def test_time_spans_and_people_are_not_items():
    assert items("over the next 5 years for 500 patients") == []


def test_dates_are_not_counts_of_what_follows():
    # a day of the month, a year after a month name or a preposition of time: the word after it
    # ("it", a verb) is no item
    assert items("On March 14 it was decided that Norway would send 20 trucks.") == [("truck", 20)]
    assert items("The list published in November 2022 matches the earlier entry.") == []
    assert items("The budget agreed in 2024 increases the support.") == []
    # a year-like count before a plural noun is still a count
    assert items("Latvia sent 2000 blankets in 2022.") == [("blanket", 2000)]


def test_pronouns_paperwork_and_people_counted_are_not_items():
    assert items("Of the 40 howitzers, 12 more are due and 30 out of them arrived.") == [("howitzer", 40)]
    assert items("The ministry made three announcements and two guarantees.") == []
    assert items("The course will train 2,000 soldiers.") == []
    # a counted thing outside the lexicon is still an item
    assert items("The city got 12 snow ploughs.") == [("snow plough", 12)]


def test_calibre_is_not_a_count():
    assert items("5 units of 155-mm howitzers") == [("155mm howitzer", 5)]


def test_uncounted_items_have_null_quantity():
    assert items("Germany will deliver howitzers and ammunition") == [("howitzer", None), ("ammunition", None)]


def test_year_like_count_before_a_noun():
    assert ("round of ammunition", 2000) in items("and 2000 rounds of ammunition.")


def test_singular():
    assert [singular(w) for w in ("tanks", "batteries", "boxes", "systems", "gas")] == ["tank", "battery", "box", "system", "gas"]


def test_merge_generic_count_into_specific_item():
    merged = merge_generic_items([{"name": "M1 Abrams tank", "quantity": None},
                                  {"name": "tank", "quantity": {"value": 31}}])
    assert merged == [{"name": "M1 Abrams tank", "quantity": {"value": 31}}]


def test_merge_keeps_unrelated_items_and_drops_duplicates():
    merged = merge_generic_items([{"name": "helmet", "quantity": None}, {"name": "helmet", "quantity": None},
                                  {"name": "tank", "quantity": {"value": 3}}])
    assert merged == [{"name": "helmet", "quantity": None}, {"name": "tank", "quantity": {"value": 3}}]


def counts(text):
    return [(i.name, i.quantity["value"] if i.quantity else None) for i in find_items(text)]


def test_a_single_countable_item_is_one_but_a_mass_noun_is_not():
    assert counts("Norway sends a field hospital and an ambulance.") == [("field hospital", 1), ("ambulance", 1)]
    assert counts("Norway sends ammunition and fuel.") == [("ammunition", None), ("fuel", None)]
    assert counts("Norway sends ambulances.") == [("ambulance", None)]


def test_a_quoted_figure_counts_the_item():
    assert counts('The ministry listed "40" units of Brimstone missiles.') == [("Brimstone missile", 40)]


def test_variant_number_after_a_model_name():
    assert counts("It delivered 12 Brimstone-2 missiles.") == [("Brimstone missile", 12)]


def test_a_stated_number_of_an_item():
    assert counts("We therefore set the number of generators to 25.") == [("power generator", 25)]
    assert counts("The amount of ambulances delivered is 7.") == [("ambulance", 7)]
    assert counts("We use 30 as the minimal number of delivered drones.") == [("drone", 30)]


def test_a_joint_delivery_counts_each_donor_share():
    assert counts("The two countries deliver eight howitzers, four by each of them.") == [("howitzer", 4)]


def test_the_share_for_ukraine_and_a_named_part():
    assert counts("The ministry bought 5,000 food rations, out of which 4,000 are intended for Ukraine.") == \
        [("food ration", 4000)]
    assert counts("It sent 900 hospital beds, 120 of which are pediatric.") == \
        [("hospital bed", 900), ("pediatric hospital bed", 120)]


def test_an_assumed_count_of_an_item():
    assert counts("Of the 40 vehicles, we assume 15 are ambulances.")[-1] == ("ambulance", 15)
    assert counts("In 2022 are ambulances needed.") == [("ambulance", None)]


def test_maybe_number_is_a_superset_test():
    from opslens.extract.items import maybe_number
    assert maybe_number("It sent 3 tanks.") and maybe_number("Dozens of drones") and maybe_number("EIGHT howitzers")
    assert maybe_number("twenty-one trucks")
    assert not maybe_number("The ministry sent tanks and someone said nothing.")


def test_calibre_written_before_an_ammunition_word_names_the_item():
    found = find_items("The order covers 6,000 130mm artillery shells and 900 122-mm rounds.")
    assert [(i.name, i.quantity["value"]) for i in found] == [("130mm artillery shell", 6000), ("122mm round", 900)]


def test_mortar_rounds_are_ammunition_not_mortars():
    found = find_items("It includes 3,000 120mm mortar rounds, 400 mortar bombs and 6 mortars.")
    assert [(i.name, i.quantity["value"]) for i in found] == [
        ("120mm mortar round", 3000), ("mortar round", 400), ("mortar", 6)]
