"""The extraction pipeline: sentences, documents, extract_events, opslens extract, load_events cache."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from opslens.cli import main
from opslens.extract import (EXTRACTOR_VERSION, build_document, extract_events, extract_records, load_events,
                             split_sentences)
from opslens.ingest import ingest_records
from opslens.schema import EVENT_CONTRACT_FIELDS

DRONES = "Overnight, air defence shot down 31 Shahed drones over Odesa. A port building was damaged."
AID = "Germany will send Ukraine 10 howitzers, the defence ministry said."


def test_sentences_cover_text_with_offsets():
    text = "Gen. Zaluzhnyi said U.S. aid helps. Drones hit Kyiv at 4 a.m. on Monday! Was it 8?\nNew line here"
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["Gen. Zaluzhnyi said U.S. aid helps.", "Drones hit Kyiv at 4 a.m. on Monday!",
                                       "Was it 8?", "New line here"]
    for s in sents:
        assert text[s.start:s.end] == s.text


def test_document_from_sparse_record():
    doc = build_document({"id": 7, "text": None, "published": None, "extra": "kept elsewhere"})
    assert doc.article_id == "7" and doc.text == "" and doc.sentences == [] and doc.published is None
    doc = build_document({"id": "x", "text": "A.", "published": "2022-08-19"})
    assert doc.published.date().isoformat() == "2022-08-19"
    assert build_document({"id": "y", "text": "", "published": "not a date"}).published is None


def test_records_have_every_contract_field():
    evs = list(extract_records([{"id": "a1", "text": DRONES, "published": "2024-02-19T08:00:00+02:00"}]))
    assert evs and all(list(e)[:len(EVENT_CONTRACT_FIELDS)] == list(EVENT_CONTRACT_FIELDS) for e in evs)
    (ev,) = [e for e in evs if e["type"] == "drone_attack"]
    assert ev["destroyed"]["value"] == 31 and ev["items"] is None
    assert DRONES[ev["evidence"]["start"]:ev["evidence"]["end"]] == ev["evidence"]["text"]


def test_extract_events_dataframe_does_not_touch_input():
    arts = pd.DataFrame({"id": ["a1", "a2"], "title": [None, "Quiet day"], "text": [DRONES, "Nothing happened."],
                         "published": pd.to_datetime(["2024-02-19T06:00:00Z", "2024-02-20T06:00:00Z"], utc=True),
                         "source": ["example.org", "example.org"], "url": ["https://example.org/1", None]})
    before = arts.copy()
    df = extract_events(arts)
    pd.testing.assert_frame_equal(arts, before)
    drones = df[df["type"] == "drone_attack"]
    assert len(drones) == 1
    row = drones.iloc[0]
    assert row["destroyed_value"] == 31 and row["weapon"] == "Shahed-136/131" and row["source"] == "example.org"
    assert str(row["date"].date()) == "2024-02-19"
    assert str(df["destroyed_value"].dtype) == "Int64"


def test_extract_events_on_empty_frame():
    df = extract_events(pd.DataFrame({"id": [], "title": [], "text": [], "published": []}))
    assert len(df) == 0 and "destroyed_value" in df.columns


def test_cli_extract_accepts_odd_article_files(tmp_path, capsys):
    src = tmp_path / "arts.jsonl"
    lines = [
        {"id": "ok", "title": "Drones downed", "text": DRONES, "published": "2024-02-19T08:00:00+02:00", "source": "x"},
        {"id": 12345, "text": DRONES},                                  # numeric id, no published
        {"text": "", "title": None, "published": None, "whatever": [1, 2]},  # no id, empty text, extra field
        {"id": "t", "title": "Russia launched 40 missiles at Ukraine on Oct 22", "text": ""},
    ]
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    out = tmp_path / "out" / "events.jsonl"
    assert main(["-q", "extract", str(src), "--out", str(out)]) == 0
    evs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    ids = {e["article_id"] for e in evs}
    assert {"ok", "12345", "t"} <= ids
    undated = [e for e in evs if e["article_id"] == "12345"]
    assert undated and all(e["date"] is None for e in undated)


def test_cli_extract_errors_name_the_input(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o.jsonl")]) == 1
    assert "missing.jsonl: no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\nnot json\n', encoding="utf-8")
    assert main(["extract", str(bad), "--out", str(tmp_path / "o.jsonl")]) == 1
    assert "bad.jsonl:2: not valid JSON" in capsys.readouterr().err


def test_cli_extract_needs_out(tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["extract", "x.jsonl"])
    assert e.value.code == 2


def test_load_events_cached_and_incremental(tmp_path):
    def rec(i, text, published):
        return {"url": f"https://ex.org/{i}", "title": f"Story {i}", "published": published, "published_source": "meta",
                "source": "ex.org", "language": "en", "authors": [], "text": text, "origin": "url", "extra": {}}

    ingest_records([rec(1, DRONES, "2024-02-19T08:00:00+02:00"), rec(2, "The council met.", "2024-02-20T10:00:00+00:00")],
                   data_dir=tmp_path, progress=False)
    ev1 = load_events(data_dir=tmp_path)
    assert list(ev1["type"]) == ["drone_attack"]
    cache = tmp_path / "events"
    (cached,) = cache.glob("events-*.parquet")
    assert cached.name.startswith(f"events-{EXTRACTOR_VERSION}-")
    mtime = cached.stat().st_mtime_ns
    ev2 = load_events(data_dir=tmp_path)  # nothing new: served from the cache, file untouched
    assert cached.stat().st_mtime_ns == mtime
    pd.testing.assert_frame_equal(ev1, ev2)
    ingest_records([rec(3, "Russia launched 12 Kalibr missiles at Odesa yesterday.", "2024-03-02T10:00:00+00:00")],
                   data_dir=tmp_path, progress=False)
    ev3 = load_events(data_dir=tmp_path)
    assert sorted(ev3["type"]) == ["drone_attack", "missile_attack"]
    march = load_events(start="2024-03-01", data_dir=tmp_path)
    assert list(march["type"]) == ["missile_attack"] and march["launched_value"].iloc[0] == 12


def test_load_events_recomputes_for_a_new_version(tmp_path, monkeypatch):
    import opslens.extract as ex

    ingest_records([{"url": "https://ex.org/1", "title": "T", "published": "2024-02-19T08:00:00+02:00", "source": "ex.org",
                     "text": DRONES, "origin": "url", "extra": {}}], data_dir=tmp_path, progress=False)
    load_events(data_dir=tmp_path)
    monkeypatch.setattr(ex, "EXTRACTOR_VERSION", "test-next")
    load_events(data_dir=tmp_path)
    names = [p.name for p in (tmp_path / "events").glob("events-*.parquet")]
    assert len(names) == 1 and names[0].startswith("events-test-next-")


def test_event_cache_key_covers_every_knowledge_file_the_extractors_read():
    """Editing any lexicon an extractor reads must start a new event cache (aid_cues.csv was left out)."""
    import re

    import opslens.extract as ex

    src = Path(ex.__file__).parent
    read = {name for f in src.glob("*.py")
            for name in re.findall(r'joinpath\("([\w.]+\.(?:csv|txt))"\)', f.read_text(encoding="utf-8"))}
    assert {"aid_cues.csv", "weapons.csv", "gazetteer.csv"} <= read  # the scan itself finds them
    assert read <= set(ex.KNOWLEDGE_FILES)


def test_module_cli_runs_as_a_subprocess(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "text": DRONES, "published": "2024-02-19"}) + "\n", encoding="utf-8")
    env = dict(os.environ, TQDM_DISABLE="1")
    r = subprocess.run([sys.executable, "-m", "opslens", "extract", str(src), "--out", "-"], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[0])["article_id"] == "a"


def test_cli_extract_tolerates_a_byte_order_mark(tmp_path):
    src = tmp_path / "bom.jsonl"
    src.write_bytes("\ufeff".encode() + json.dumps({"id": "b", "text": DRONES, "published": "2024-02-19"}).encode() + b"\r\n")
    out = tmp_path / "o.jsonl"
    assert main(["-q", "extract", str(src), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["article_id"] == "b"


def test_types_limit_the_extractors(tmp_path):
    recs = [{"id": "a", "text": DRONES + " " + AID, "published": "2024-02-19"}]
    assert {e["type"] for e in extract_records(recs, types=["drone_attack"])} == {"drone_attack"}
    with pytest.raises(ValueError, match="unknown event type"):
        list(extract_records(recs, types=["drone"]))
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps(recs[0]) + "\n", encoding="utf-8")
    assert main(["-q", "extract", str(src), "--out", str(tmp_path / "o.jsonl"), "--types", "bogus"]) == 1
    assert main(["-q", "extract", str(src), "--out", str(tmp_path / "o.jsonl"), "--types", "missile_attack"]) == 0
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8") == ""


def test_load_events_on_an_empty_store(tmp_path):
    df = load_events(data_dir=tmp_path)
    assert len(df) == 0 and "launched_value" in df.columns


def test_run_on_text_is_cut_into_bounded_sentences():
    text = " ".join(["word"] * 2000)  # 10,000 characters without a sentence end
    sents = split_sentences(text)
    assert len(sents) > 1 and max(len(s.text) for s in sents) <= 1200
    assert all(text[s.start:s.end] == s.text for s in sents)


def test_document_with_missing_values_from_a_dataframe():
    doc = build_document({"id": "n", "text": DRONES, "published_raw": pd.NA, "published": pd.NaT, "title": pd.NA})
    assert doc.published is None and doc.title is None and doc.sentences
    doc = build_document({"id": "m", "text": DRONES, "published_raw": pd.NA,
                          "published": pd.Timestamp("2024-02-19T06:00:00Z")})
    assert doc.published.date().isoformat() == "2024-02-19"


def test_first_char_gate_finds_the_same_matches():
    import re

    from opslens.extract.base import first_char_gate

    texts = ["Air defence shot down 12 drones over Kyiv.", "SHOT DOWN", "ſhot down", "no match here", "",
             "the 5th wave", "  leading spaces then downed", "Ukraine's drones hit Belgorod"]
    for pat in [r"\b(?:shot\s+down|down(?:ed|s)?|wave)\b", r"\d+\s+drones", r"^\s+\w+", r"(?<!the\s)\b(?:5th|hit)\b",
                r"Ukrain\w*|Belgorod"]:
        for flags in (0, re.IGNORECASE):
            p = re.compile(pat, flags)
            g = first_char_gate(p)
            assert g.pattern.startswith("(?=[")
            for t in texts:
                assert [m.span() for m in g.finditer(t)] == [m.span() for m in p.finditer(t)], (pat, flags, t)


def test_first_char_gate_leaves_unbounded_patterns_alone():
    import re

    from opslens.extract.base import first_char_gate

    for pat in [r"\w+", r"a?", r"[^a]b", r".x", r"(?i)kyiv"]:
        p = re.compile(pat)
        assert first_char_gate(p) is p


def test_sentence_split_at_line_breaks_and_after_long_words_only():
    text = "Approx. 20 drones were seen.  Then silence!\n\nA new paragraph ends here. Mr. Smith agreed."
    assert [s.text for s in split_sentences(text)] == [
        "Approx. 20 drones were seen.", "Then silence!", "A new paragraph ends here.", "Mr. Smith agreed."]


def test_sentences_are_split_on_first_use_and_can_be_set():
    doc = build_document({"id": "lazy", "text": "Drones hit Kyiv. Nobody was hurt."})
    assert doc._sentences is None  # nothing split yet
    assert [s.text for s in doc.sentences] == ["Drones hit Kyiv.", "Nobody was hurt."]
    assert doc.sentences is doc.sentences  # split once
    doc.sentences = split_sentences("One. Two.")
    assert [s.text for s in doc.sentences] == ["One.", "Two."]


def test_words_testable_knows_every_character_that_folds_to_an_ascii_letter():
    import re

    from opslens.extract.base import words_testable

    letter = re.compile("[a-z]", re.IGNORECASE)
    folding = [chr(c) for c in range(0x80, 0x110000) if letter.fullmatch(chr(c))]
    assert folding  # the engine does fold some (İ, ı, ſ, Kelvin K)
    for ch in folding:
        assert not words_testable(f"drones {ch} over Kyiv")
    assert words_testable("“Drones” — over Київ")
    assert words_testable("plain ASCII")


def test_sentence_memos_hold_one_document_at_a_time():
    from opslens.extract.numbers import _find_all
    from opslens.extract.places import _find_places

    rec = {"id": "m1", "title": "", "published": "2023-04-21T07:00:00+03:00",
           "text": "Air defence shot down 12 drones over Kyiv overnight, the city administration said."}
    first = list(extract_records([rec]))
    assert [e["type"] for e in first] == ["drone_attack"]  # something to compare below
    assert _find_all.cache_info().currsize > 0 and _find_places.cache_info().currsize > 0
    list(extract_records([{**rec, "id": "m2", "text": "Nothing happened."}]))
    assert _find_places.cache_info().currsize == 0  # the first article's sentences are gone
    assert list(extract_records([rec])) == first  # and the same article gives the same events
