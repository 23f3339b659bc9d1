"""Weapon aliases -> canonical models (opslens.extract.weapons)."""
import pytest

from opslens.extract.weapons import canonical_weapon, find_weapons


@pytest.mark.parametrize("alias, canonical", [
    ("Shahed", "Shahed-136/131"), ("Geran-2", "Shahed-136/131"), ("Kh-101", "X-101/X-555"),
    ("Kh-555", "X-101/X-555"), ("Kinzhal", "X-47 Kinzhal"), ("Kalibr", "Kalibr"), ("Iskander", "Iskander-M"),
    ("S-300", "C-300"), ("Lancet", "Lancet"), ("Orlan-10", "Orlan-10"), ("Storm Shadow", "Storm Shadow"),
    ("Tochka-U", "Tochka-U"), ("HIMARS", "HIMARS"),
])
def test_canonical(alias, canonical):
    assert canonical_weapon(alias) == canonical


def test_unknown_is_none():
    assert canonical_weapon("slingshot") is None
    assert canonical_weapon(None) is None


def test_generic_words_have_no_model():
    ws = find_weapons("Russia launched cruise missiles and kamikaze drones.")
    assert [(w.alias, w.weapon, w.kind) for w in ws] == [
        ("cruise missiles", None, "missile"), ("kamikaze drones", None, "drone")]


def test_models_found_with_offsets():
    text = "intercepted six Iranian Shahed drones and two Kh-101 missiles"
    ws = find_weapons(text)
    models = [(text[w.start:w.end], w.weapon) for w in ws if w.weapon]
    assert models == [("Shahed", "Shahed-136/131"), ("Kh-101", "X-101/X-555")]


def test_whole_words_only():
    assert not [w for w in find_weapons("The Lancetfish and dronesque art") if w.weapon]
    assert find_weapons("dronesque") == []


def test_document_scan_finds_the_same_weapons_as_a_scan_of_its_own():
    from opslens.extract import build_document
    from opslens.extract.base import trigger_hits
    from opslens.extract.weapons import doc_weapons

    text = ("KYIV - Russia launched 16 Shahed drones and 3 Kh-101 cruise missiles; an ISKANDER and an Iskander-M "
            "were fired too. Anti-drone guns and HIMARS launchers are not at issue. Drone-maker news.")
    doc = build_document({"id": "w", "text": text})
    assert [tuple(w) for w in doc_weapons(doc)] == [tuple(w) for w in find_weapons(text)]
    # and the two agree on something: the models this text names (worked out by hand)
    assert {w.weapon for w in doc_weapons(doc) if w.weapon} >= {"Shahed-136/131", "X-101/X-555", "Iskander-M", "HIMARS"}
    assert "weapons" in doc.cache["trigger_hits"]  # scanned once, kept for every extractor
    quiet = build_document({"id": "q", "text": "The council approved a budget for road repairs."})
    assert doc_weapons(quiet) == [] and "weapons" not in trigger_hits(quiet)
