"""procurement extractor: buyer = recipient, seller = donor (contract sections 2, 5)."""
from opslens.extract import build_document
from opslens.extract.aid import AidExtractor
from opslens.extract.procurement import ProcurementExtractor


def run(text, title=None, published="2023-04-20"):
    doc = build_document({"id": "p1", "title": title, "text": text, "published": published})
    return ProcurementExtractor().extract(doc), AidExtractor().extract(doc)


def test_purchase_from_a_seller_in_a_title():
    procs, aids = run("", title="Kazakhstan Buys Two Transport Planes From Spain For $80 Million")
    (ev,) = procs
    assert (ev["recipient"], ev["donor"]) == ("Kazakhstan", "Spain")
    assert ev["value"] == {"amount": 80_000_000, "currency": "USD"}
    assert [i["quantity"]["value"] for i in ev["items"]] == [2]
    assert ev["evidence"]["in"] == "title"
    assert ev["category"] is None
    assert aids == []


def test_sale_names_seller_as_donor_and_buyer_as_recipient():
    (ev,), aids = run("The United States plans to sell Poland 250 Abrams tanks.")
    assert (ev["donor"], ev["recipient"]) == ("United States", "Poland")
    assert [(i["name"], i["quantity"]["value"]) for i in ev["items"]] == [("M1 Abrams tank", 250)]
    assert aids == []


def test_money_given_to_buy_weapons_is_aid_not_procurement():
    procs, aids = run("Norway will give Ukraine NOK 2 billion to buy weapons.")
    assert procs == []
    (ev,) = aids
    assert ev["donor"] == "Norway" and ev["value"] == {"amount": 2_000_000_000, "currency": "NOK"}


def test_buyer_from_a_demonym_and_value_in_rubles():
    (ev,), _ = run("A Russian state company purchased 500 tonnes of iodine for 5 million rubles.")
    assert ev["recipient"] == "Russia" and ev["donor"] is None
    assert ev["value"] == {"amount": 5_000_000, "currency": "RUB"}


def test_no_party_no_procurement():
    procs, _ = run("Grain sales fell and buyers ordered less wheat.")
    assert procs == []


def test_contract_to_buy_from_a_seller():
    (ev,), aids = run("Poland signed a contract to buy 250 Abrams tanks from the United States for $4.75 billion.")
    assert (ev["recipient"], ev["donor"]) == ("Poland", "United States")
    assert ev["value"] == {"amount": 4_750_000_000, "currency": "USD"}
    assert aids == []


def test_an_order_is_a_procurement():
    (ev,), _ = run("Ukraine ordered 100 Bayraktar drones from Turkey.")
    assert (ev["recipient"], ev["donor"]) == ("Ukraine", "Turkey")
    assert [(i["name"], i["quantity"]["value"]) for i in ev["items"]] == [("Bayraktar TB2 drone", 100)]


def test_buying_a_commodity_is_not_an_equipment_purchase():
    procs, aids = run("India bought Russian oil at a discount.")
    assert procs == [] and aids == []


def test_ministry_signing_a_contract_buys_for_its_country_from_a_manufacturer_abroad():
    text = ("Finland's defence ministry has signed a contract to buy 2,500 mortar bombs from a manufacturer in "
            "Sweden, in a deal worth €9 million. Officials said the purchase would cut reliance on donations.")
    procs, aids = run(text, title="Helsinki signs deal to buy mortar bombs from Sweden")
    (ev,) = procs
    assert (ev["recipient"], ev["donor"]) == ("Finland", "Sweden")
    assert ev["value"] == {"amount": 9_000_000, "currency": "EUR"}
    assert [i["quantity"]["value"] for i in ev["items"]] == [2500]
    assert aids == []  # a purchase and remarks about it are not a donation


def test_seller_named_by_demonym_after_from_a():
    (ev,), aids = run("Romania ordered 18 air-defence radars from a Dutch company for $120 million.")
    assert (ev["recipient"], ev["donor"]) == ("Romania", "Netherlands")
    assert aids == []


def test_a_company_contracted_to_supply_is_the_seller_and_the_supplied_party_the_buyer():
    (ev,), aids = run("A Bulgarian company signed a contract to supply Ukraine's defence ministry with 8,000 shells "
                      "for $21 million.")
    assert (ev["donor"], ev["recipient"]) == ("Bulgaria", "Ukraine")
    assert ev["value"] == {"amount": 21_000_000, "currency": "USD"}
    assert [i["quantity"]["value"] for i in ev["items"]] == [8000]
    assert aids == []


def test_a_government_paying_a_company_to_supply_ukraine_is_still_aid():
    procs, (ev,) = run("Denmark signed a contract with a Swedish company to supply Ukraine with 12 howitzers.")
    assert procs == []
    assert ev["donor"] == "Denmark"


def test_purchases_in_the_present_tense():
    (ev,), aids = run("Latvia purchases 6 coastal radars from Finland for €15 million.")
    assert (ev["recipient"], ev["donor"]) == ("Latvia", "Finland")
    assert aids == []
