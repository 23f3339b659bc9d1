"""Quality gate for aid and procurement extraction (trafilatura-style: pinned floors per metric).

Runs the real pipeline (``opslens.extract.extract_records``: every registered extractor) over the
development data in ../shared/eval and scores it with the shared scorer. A change that makes any
metric worse than its floor fails here. The floors sit just under the scores measured when they were
pinned (see the report in the commit history); raise them when extraction improves, never lower them
to make a change pass. Skipped when ../shared is absent (e.g. on a user's machine).
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EVAL = SHARED / "eval"
DEV = EVAL / "dev"

pytestmark = [
    pytest.mark.quality,
    pytest.mark.skipif(not (EVAL / "score.py").is_file() or not (DEV / "aid_kiel_2022.gold.jsonl").is_file(),
                       reason="../shared/eval (development data and scorer) is not present"),
]

#: measured 2026-11-26 (third pinning): detected 0.994 (527/530), donor 0.984 (373/379), category 0.911
#: (483/530), value 0.940 (250/266), item_quantity 0.781 (132/169: one hit fewer than the second pinning,
#: a day of the month, "February 28", that had counted as an item and matched a gold count by
#: chance); each floor lets one more miss pass
AID_FLOORS = {"detected": 0.991, "donor": 0.98, "category": 0.909, "value": 0.936, "item_quantity": 0.775}
#: aid + procurement events of events_dev only (other types removed from the gold)
#: measured 2026-11-26: event P 0.864 (19/22) / R 0.95 (19/20); field accuracy donor 1.00, category 1.00,
#: date 0.94, value 0.89; each floor lets one more miss pass (P 19/23 = 0.826, R 18/20 = 0.90)
NEWS_FLOORS = {"event_p": 0.82, "event_r": 0.90}


def _scorer():
    spec = importlib.util.spec_from_file_location("opslens_shared_score", EVAL / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _extract(articles: Path, out: Path) -> list[dict]:
    from opslens.extract import extract_records

    with articles.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    events = list(extract_records(records))
    with out.open("w", encoding="utf-8") as f:
        for e in events:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    return events


@pytest.fixture(scope="module")
def kiel_scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("aid") / "events.jsonl"
    _extract(DEV / "aid_kiel_2022.articles.jsonl", out)
    return _scorer().score_aid(str(out), str(DEV / "aid_kiel_2022.gold.jsonl"))


@pytest.mark.parametrize("metric", sorted(AID_FLOORS))
def test_kiel_aid_metric_floor(kiel_scores, metric):
    assert kiel_scores[metric] >= AID_FLOORS[metric], (
        f"aid {metric} fell to {kiel_scores[metric]:.3f} (floor {AID_FLOORS[metric]})")


@pytest.fixture(scope="module")
def news_scores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("news")
    out = tmp / "events.jsonl"
    _extract(DEV / "events_dev.articles.jsonl", out)
    gold = tmp / "gold_aid_only.jsonl"
    with (DEV / "events_dev.gold.jsonl").open(encoding="utf-8") as f, gold.open("w", encoding="utf-8") as g:
        for line in f:
            row = json.loads(line)
            row["events"] = [e for e in row["events"] if e["type"] in ("aid_announcement", "procurement")]
            g.write(json.dumps(row) + "\n")
    pred = tmp / "pred_aid_only.jsonl"
    with out.open(encoding="utf-8") as f, pred.open("w", encoding="utf-8") as g:
        for line in f:
            if json.loads(line)["type"] in ("aid_announcement", "procurement"):
                g.write(line)
    return _scorer().score_events(str(pred), str(gold))


@pytest.mark.parametrize("metric", sorted(NEWS_FLOORS))
def test_news_aid_and_procurement_floor(news_scores, metric):
    assert news_scores[metric] >= NEWS_FLOORS[metric], (
        f"news aid/procurement {metric} fell to {news_scores[metric]:.3f} (floor {NEWS_FLOORS[metric]})")


def test_news_aid_fields_stay_right(news_scores):
    acc = news_scores["field_accuracy"]
    assert acc["donor"] >= 0.9 and acc["category"] >= 0.9 and acc["recipient"] >= 0.9, acc


@pytest.fixture(scope="module")
def seed_events(tmp_path_factory):
    if not (DEV / "seed_brief.articles.jsonl").is_file():
        pytest.skip("seed brief not present in ../shared/eval/dev")
    return _extract(DEV / "seed_brief.articles.jsonl", tmp_path_factory.mktemp("seed") / "events.jsonl")


def test_seed_brief_abrams_for_ukraine(seed_events):
    aid = [e for e in seed_events if e["type"] == "aid_announcement"]
    assert len(aid) == 1, aid
    (ev,) = aid
    assert (ev["donor"], ev["recipient"], ev["category"]) == ("United States", "Ukraine", "military")
    assert [(i["name"], i["quantity"]["value"]) for i in ev["items"]] == [("M1 Abrams tank", 31)]
    assert ev["date"] == "2023-04-21"


def test_seed_brief_presidential_plane_is_a_procurement(seed_events):
    (ev,) = [e for e in seed_events if e["type"] == "procurement"]
    assert (ev["recipient"], ev["donor"]) == ("Tajikistan", "Mexico")
    assert ev["value"] == {"amount": 92000000, "currency": "USD"}
    assert ev["evidence"]["in"] == "title"
