"""aid_announcement extractor on small hand-written articles (contract sections 2, 6, 7, 8)."""
import pytest

from opslens.extract import build_document
from opslens.extract.aid import AidExtractor


def aid(text, published="2023-04-20T10:00:00+03:00", title=None):
    doc = build_document({"id": "t1", "title": title, "text": text, "published": published})
    return AidExtractor().extract(doc)


def qty(item):
    return item["quantity"]["value"] if item["quantity"] else None


def test_pledge_with_items_donor_and_dated_weekday():
    # published Thursday 2023-04-20; "on Tuesday" -> 2023-04-18
    (ev,) = aid("Canada will provide Ukraine with eight M777 howitzers, Defence Minister Anita Anand said on Tuesday.")
    assert ev["type"] == "aid_announcement"
    assert (ev["donor"], ev["recipient"], ev["category"]) == ("Canada", "Ukraine", "military")
    assert [(i["name"], qty(i)) for i in ev["items"]] == [("M777 howitzer", 8)]
    assert (ev["date"], ev["date_precision"]) == ("2023-04-18", "day")


def test_value_in_stated_currency_and_humanitarian_category():
    (ev,) = aid("The Netherlands announced a further €25 million in humanitarian aid for Ukraine.")
    assert ev["donor"] == "Netherlands"
    assert ev["value"] == {"amount": 25_000_000, "currency": "EUR"}
    assert ev["category"] == "humanitarian"
    assert ev["items"] == []


def test_loan_is_financial_and_the_channel_is_not_the_donor():
    (ev,) = aid("Japan will extend a $300 million loan to Ukraine through the World Bank.")
    assert (ev["donor"], ev["category"]) == ("Japan", "financial")
    assert ev["value"] == {"amount": 300_000_000, "currency": "USD"}


def test_canadian_dollars():
    (ev,) = aid("Canada announced $50 million in new military aid to Ukraine.")
    assert ev["value"] == {"amount": 50_000_000, "currency": "CAD"}


def test_joint_package_one_event_per_donor_without_the_joint_value():
    evs = aid("Germany and the Netherlands will jointly deliver six howitzers to Ukraine worth €40 million.")
    assert sorted(e["donor"] for e in evs) == ["Germany", "Netherlands"]
    assert all(e["value"] is None for e in evs)


@pytest.mark.parametrize("text", [
    "President Zelensky called on allies to send more air defence systems to Ukraine.",
    "Slovakia could send MiG-29 jets to Ukraine, the defence minister said.",
    "The United States has provided $10 billion in security assistance to Ukraine since February.",
    "Berlin denied reports that it would send Leopard tanks to Ukraine.",
    "Lawmakers debated a proposal to give Ukraine $5 billion in military aid.",
    "Ukrainian air defence destroyed 12 drones overnight, the Air Force said.",
])
def test_calls_hedges_totals_denials_and_attacks_are_not_events(text):
    # news items (with a headline); a text without headline is read as a package description
    assert aid(text, title="War in Ukraine: the latest") == []


def test_iranian_drones_for_russia_have_recipient_russia():
    (ev,) = aid("Iran has delivered hundreds of Shahed drones to Russia, U.S. officials said.")
    assert (ev["donor"], ev["recipient"], ev["category"]) == ("Iran", "Russia", "military")
    assert ev["items"][0]["quantity"]["qualifier"] == "approx"


def test_training_counts_as_military_aid():
    (ev,) = aid("Britain will train 10,000 Ukrainian soldiers every 120 days.")
    assert (ev["donor"], ev["category"]) == ("United Kingdom", "military")


def test_future_delivery_is_dated_by_the_announcement():
    (ev,) = aid("The United States will send 31 Abrams tanks to Ukraine; they are due in Germany late next month.")
    assert (ev["date"], ev["date_precision"]) == ("2023-04-20", "day")
    assert [(i["name"], qty(i)) for i in ev["items"]] == [("M1 Abrams tank", 31)]


def test_counted_generic_item_in_next_sentence_joins_the_named_model():
    text = ("The United States plans to start teaching Ukrainian crews to operate Abrams tanks soon. "
            "Officials said 31 tanks will reach Germany in May.")
    (ev,) = aid(text)
    assert [(i["name"], qty(i)) for i in ev["items"]] == [("M1 Abrams tank", 31)]


def test_evidence_offsets_point_into_the_text():
    text = "Fighting continued in the east. Germany will deliver five IRIS-T systems to Ukraine, Reuters reported."
    (ev,) = aid(text)
    assert ev["donor"] == "Germany"  # the agency is not the donor
    ev_ = ev["evidence"]
    assert text[ev_["start"]:ev_["end"]] == ev_["text"]
    assert ev_["text"].startswith("Germany will deliver")


def test_title_only_article():
    (ev,) = aid("", title="Poland to send 14 Leopard tanks to Ukraine")
    assert ev["donor"] == "Poland"
    assert ev["evidence"] == {"text": "Poland to send 14 Leopard tanks to Ukraine", "in": "title"}


def test_bare_description_of_a_shipment_without_headline():
    (ev,) = aid("Medical supplies and 20 power generators.", title=None)
    assert ev["category"] == "humanitarian"
    assert [(i["name"], qty(i)) for i in ev["items"]] == [("medical supplies", None), ("power generator", 20)]
    assert ev["confidence"] < 0.5


def test_stated_reported_value_wins_over_earlier_figures():
    text = ("Sweden announced SEK 500 million for Ukraine. Part of it goes to the UN. "
            "Hence, we report the value as SEK 300 million.")
    (ev,) = aid(text, title=None)
    assert ev["value"] == {"amount": 300_000_000, "currency": "SEK"}


def test_null_published_gives_null_date():
    (ev,) = aid("Norway will donate 100 generators to Ukraine.", published=None)
    assert ev["date"] is None and ev["date_precision"] is None


def test_empty_article_gives_nothing():
    assert aid("", title=None) == []


@pytest.mark.parametrize("record, donors", [
    ({"id": "x1", "text": "   \n\n  ", "title": "   "}, []),
    ({"id": "x2", "text": "$$$ € £ 5 million million billion", "title": None, "published": "not a date"}, []),
    ({"id": "x3", "text": "İ" * 50 + " Germany will send 5 tanks to Ukraine. " + "ß" * 20, "published": "2022-03-01T23:30:00Z"},
     ["Germany"]),
    ({"id": "x4", "text": "Aid. " * 400, "title": "Aid"}, []),
    ({"text": "The EU will provide €1 billion to Ukraine."}, ["European Union"]),
])
def test_odd_articles_do_not_break_and_offsets_hold(record, donors):
    from opslens.extract.procurement import ProcurementExtractor

    doc = build_document(record)
    evs = AidExtractor().extract(doc) + ProcurementExtractor().extract(doc)
    assert [ev["donor"] for ev in evs] == donors  # the pledges among the junk are still found
    for ev in evs:
        evd = ev["evidence"]
        if evd.get("in") != "title":
            assert doc.text[evd["start"]:evd["end"]] == evd["text"]
        assert ev["items"] is not None and 0 <= ev["confidence"] <= 1


def test_each_donor_of_a_joint_statement_gets_its_own_items():
    evs = aid("Germany and France will each provide 20 armoured vehicles to Ukraine.")
    assert sorted((e["donor"], e["items"][0]["quantity"]["value"]) for e in evs) == [("France", 20), ("Germany", 20)]


@pytest.mark.parametrize("text", [
    "The White House said it would deploy 2,500 more soldiers to bases in Eastern Europe.",
    "Britain unveiled a new sanctions package against Russian banks.",
    "Officials said seven humanitarian corridors would open on Saturday.",
    "Russia said it may target NATO arms supply convoys.",
])
def test_troops_sanctions_corridors_and_supply_lines_are_not_aid(text):
    assert aid(text) == []


def test_value_in_the_next_sentence():
    text = "The Pentagon announced a new military aid package for Ukraine. It is worth $400 million."
    (ev,) = aid(text)
    assert ev["value"] == {"amount": 400_000_000, "currency": "USD"}


def test_shells_as_goods_versus_shelling():
    (ev,) = aid("North Korea shipped artillery shells to Russia, U.S. officials said.")
    assert (ev["donor"], ev["recipient"]) == ("North Korea", "Russia")
    assert aid("Russian troops shell a humanitarian convoy delivering aid to Mariupol.") == []


# --- the value a package description states it reports (tracker-style accounting) -------------

def aid_id(text, article_id):
    doc = build_document({"id": article_id, "title": None, "text": text, "published": "2022-06-01"})
    return AidExtractor().extract(doc)


def value_of(text, article_id="t1"):
    evs = aid_id(text, article_id)
    assert evs, text
    return evs[0]["value"]


def test_the_last_statement_of_the_reported_value_wins():
    text = ("Norway pledged 90 million NOK for humanitarian relief in Ukraine. Since only 60 million NOK go to Ukraine, "
            "we first reported that amount. Later reports show that 12 million NOK went to Moldova. Therefore, the "
            "humanitarian aid from Norway to Ukraine is 48 million NOK.")
    assert value_of(text) == {"amount": 48_000_000, "currency": "NOK"}


def test_thus_bringing_a_total_is_not_a_statement_but_thus_equals_is():
    text = ("Finland sent 4 fire trucks, thus bringing the total value of its rescue equipment to EUR 9 million. "
            "We subtract earlier shipments. Thus, the value equals EUR 1.5 million.")
    assert value_of(text) == {"amount": 1_500_000, "currency": "EUR"}


def test_we_count_after_arithmetic_in_one_sentence():
    text = ("Austria announced EUR 30 million in humanitarian aid. Hence, we subtract the EUR 4 million for Moldova, "
            "add the EUR 2 million for local NGOs and count EUR 28 million as aid to Ukraine.")
    assert value_of(text) == {"amount": 28_000_000, "currency": "EUR"}


def test_a_figure_tagged_with_another_entry_code_is_not_this_entry_value():
    text = ("Greece announced further humanitarian aid worth EUR 3 million. The earlier loan of EUR 50 million is "
            "reported separately (GRF2). We do not count the EUR 8 million in total (GRH1 - GRH4) here.")
    assert value_of(text, "kiel-GRH5") == {"amount": 3_000_000, "currency": "EUR"}


def test_a_figure_tagged_with_this_entry_code_is_its_value():
    text = ("Iceland announced 500 million ISK for Ukraine, divided into 320 million ISK in humanitarian "
            "contributions (ISH9) and 180 million ISK for the World Bank fund (ISF4).")
    assert value_of(text, "kiel-ISH9") == {"amount": 320_000_000, "currency": "ISK"}
    assert value_of(text, "kiel-ISF4") == {"amount": 180_000_000, "currency": "ISK"}


def test_equal_tranches_are_not_a_statement_of_value():
    text = ("The Commission adopted a loan amounting to 2 billion EUR for Ukraine (to be paid out in two equal "
            "tranches of 1 billion EUR).")
    assert value_of(text) == {"amount": 2_000_000_000, "currency": "EUR"}


def test_an_increased_fund_reports_its_new_size():
    text = ("Italy will give Ukraine a fund worth 50 million EUR for equipment. Later, the ministry increased "
            "the special fund to 80 million EUR.")
    assert value_of(text) == {"amount": 80_000_000, "currency": "EUR"}


def test_only_the_share_for_ukraine():
    text = ("The EU pledged additional 2 billion EUR in support. Only 700 million EUR of the 2 billion EUR are "
            "devoted to Ukraine.")
    assert value_of(text) == {"amount": 700_000_000, "currency": "EUR"}


def test_euro_equivalent_in_brackets_is_reported():
    text = "Sweden gives SEK 500 million (EUR 46 million) in further military aid to Ukraine."
    assert value_of(text) == {"amount": 46_000_000, "currency": "EUR"}


def test_new_money_before_a_doubled_total():
    text = ("The prime minister announced to double the humanitarian aid to Ukraine to 200 million USD. The additional "
            "100 million USD in grants are provided through UN agencies.")
    assert value_of(text) == {"amount": 100_000_000, "currency": "USD"}


def test_we_do_not_count_is_not_a_statement():
    text = ("Portugal provided 5 million EUR in humanitarian aid to Ukraine. We do not count the 2 million EUR "
            "given to refugees in Poland.")
    assert value_of(text) == {"amount": 5_000_000, "currency": "EUR"}


def test_a_package_description_states_its_sum_anywhere():
    text = ("Repair of two bridges and a water plant in Chernihiv. All the aid amounts to 6 million EUR, and since we "
            "cannot separate the parts, we include the whole sum.")
    assert value_of(text) == {"amount": 6_000_000, "currency": "EUR"}


def test_a_fund_launched_is_not_a_missile_launch():
    (ev,) = aid_id("A 5 million GBP reconstruction fund launched by the government supports towns in Ukraine.", "t2")
    assert ev["value"] == {"amount": 5_000_000, "currency": "GBP"}
    assert aid("Russia launched 40 missiles at Ukraine, destroying equipment worth $5 million.") == []


def test_a_cap_is_not_background():
    text = ("The Commission announced new loans to Ukraine worth up to 3 billion EUR. A source refers to an extra "
            "0.2 billion EUR, which reflects one tranche of an earlier loan.")
    assert value_of(text) == {"amount": 3_000_000_000, "currency": "EUR"}


def test_a_pair_of_figures_shares_its_entry_tag():
    text = ("Denmark announced a total package of 900 million DKK for Ukraine. Of these, 300 million DKK and 200 million DKK are grants "
            "(DKM8 and DKM9), and the remaining 400 million DKK go to weapons.")
    assert value_of(text, "kiel-DKM7") == {"amount": 400_000_000, "currency": "DKK"}


def test_a_package_description_told_as_a_running_total_is_still_the_package():
    (ev,) = aid_id("Slovenia has provided 12 million EUR in military aid since the beginning of the war.", "t3")
    assert (ev["donor"], ev["value"]) == ("Slovenia", {"amount": 12_000_000, "currency": "EUR"})
    # with a headline (news), a running total is background, not an event
    assert aid("Slovenia has provided 12 million EUR in military aid since the beginning of the war.",
               title="Slovenian defence budget debated") == []


def test_a_running_count_without_donor_and_money_stays_background():
    assert aid_id("Officials say war crimes were committed in the town, where 40 bodies have been exhumed so far.", "t4") == []


def test_a_statement_in_another_package_text_does_not_set_this_value():
    text = ("Canada announced 40 million CAD in military aid for Ukraine. "
            "Separately, Sweden pledged SEK 500 million in humanitarian aid. "
            "Thus, the figure we count equals SEK 450 million.")
    evs = {e["donor"]: e["value"] for e in aid_id(text, "t5")}
    assert evs["Canada"] == {"amount": 40_000_000, "currency": "CAD"}
    assert evs["Sweden"] == {"amount": 450_000_000, "currency": "SEK"}


def test_making_it_a_total_is_the_package_new_size():
    text = ("Belgium announced a new contribution of 30 million euros for winter aid in Ukraine. A later source says "
            "this amount will be raised by 20 million euros, making it 50 million euros in total. Thus, EUR 25 million "
            "went through the World Bank.")
    assert value_of(text) == {"amount": 50_000_000, "currency": "EUR"}


def test_the_figure_finally_contributed():
    text = ("Austria has provided EUR 12 million in budget support to Ukraine. According to a later report, "
            "EUR 11 million have been finally contributed through the World Bank.")
    assert value_of(text) == {"amount": 11_000_000, "currency": "EUR"}


def test_repairing_equipment_for_ukraine_is_aid():
    (ev,) = aid("Slovakia is repairing 8 Ukrainian howitzers at its plants, the ministry said.", title="Repairs")
    assert (ev["donor"], ev["category"]) == ("Slovakia", "military")
    assert [(i["name"], qty(i)) for i in ev["items"]] == [("howitzer", 8)]
    assert aid("Russia is repairing its damaged tanks near the front.", title="Repairs") == []


def test_a_joint_package_gets_a_donor_value_only_where_its_share_is_stated():
    text = ("Together with Estonia and Finland, Sweden has contributed 9 million EUR to a trust fund for Ukraine. "
            "We attribute 4 million EUR to Sweden.")
    evs = {e["donor"]: e["value"] for e in aid_id(text, "t6")}
    assert evs["Sweden"] == {"amount": 4_000_000, "currency": "EUR"}
    assert evs.get("Estonia") is None and evs.get("Finland") is None


def test_the_entire_sum_is_the_package_value():
    text = ("The Commission decided to raise the fund by 300 million EUR for weapons and 20 million EUR for fuel. "
            "It is unclear whether the entire 320 million EUR have been claimed.")
    assert value_of(text) == {"amount": 320_000_000, "currency": "EUR"}


@pytest.mark.parametrize("remark", [
    "Humanitarian aid has moved over the months from blankets and tents towards generators and heaters.",
    "Financial aid lets the government keep paying teachers, nurses and the upkeep of hospitals.",
    "Military assistance has shifted from rifles and helmets towards tanks and air defence.",
])
def test_background_remarks_about_aid_in_a_news_story_are_not_events(remark):
    text = ("Latvia pledged €4 million in humanitarian aid for Ukraine on Monday. Officials met in Riga. "
            "The talks lasted two hours. Snow fell in the capital. Schools reopened after the holiday. " + remark)
    evs = aid(text, title="Latvia pledges €4 million")
    assert [(e["donor"], e["value"]["amount"]) for e in evs] == [("Latvia", 4_000_000)]
    assert evs[0]["category"] == "humanitarian"


def test_a_remark_right_after_the_package_about_it_still_joins_it():
    evs = aid("Portugal will send Ukraine 14 armoured vehicles. The package also includes body armour.",
              title="Portugal sends vehicles")
    (ev,) = evs
    assert ev["donor"] == "Portugal"
    assert {i["name"] for i in ev["items"]} == {"armoured vehicle", "body armour"}


def test_an_office_title_does_not_decide_the_category_what_is_given_does():
    (ev,) = aid("Portugal's health minister said Portugal will send Ukraine 20 armoured vehicles.", title="Lisbon news")
    assert ev["category"] == "military"
    (ev,) = aid("At a meeting of defence ministers, Austria announced €12 million for hospitals and medicines for Ukraine.",
                title="Vienna news")
    assert ev["category"] == "humanitarian"


def test_a_thank_you_from_the_defence_ministry_does_not_make_a_package_military():
    (ev,) = aid("The Defence Ministry of Ukraine thanked Norway for a new package worth 40 million euros.", title="Thanks")
    assert (ev["donor"], ev["value"]["amount"]) == ("Norway", 40_000_000)
    assert ev["category"] != "military"


def test_supply_as_the_subject_of_a_verb_is_not_a_delivery():
    assert aid("Dealers said supply now arrives mostly by ship and lorry from Turkey and Bulgaria.",
               title="Petrol queues shorten") == []
    (ev,) = aid("Turkey will supply Ukraine with 10 armoured trucks.", title="Ankara news")
    assert ev["donor"] == "Turkey"


def test_an_attack_report_after_a_package_does_not_lend_it_its_drones():
    (ev,) = aid("Norway announced a new aid package for Ukraine including 30 armoured vehicles. "
                "Russia launched 12 Shahed drones at the south overnight, and all were shot down, the air force said.",
                title="Live updates")
    assert ev["donor"] == "Norway"
    assert [(i["name"], qty(i)) for i in ev["items"]] == [("armoured vehicle", 30)]
