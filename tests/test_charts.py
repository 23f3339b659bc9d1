"""Chart functions: take frames and an optional ax, return the Axes, draw what the data says."""
from __future__ import annotations

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from opslens import charts  # noqa: E402
from opslens.reportlib import IsoWeek  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars(ax, label):
    conts = [c for c in ax.containers if c.get_label() == label]
    assert len(conts) == 1, [c.get_label() for c in ax.containers]
    return [round(p.get_height(), 6) for p in conts[0]]


def test_daily_attacks_draws_each_day_and_the_average():
    s = pd.DataFrame({"date": pd.to_datetime(["2022-11-14", "2022-11-16"]), "type": "drone_attack",
                      "weapon": pd.array([None, None], dtype="string"),
                      "launched": pd.array([14, 7], dtype="Int64"), "destroyed": pd.array([10, pd.NA], dtype="Int64")})
    _fig, ax = plt.subplots()
    got = charts.daily_attacks(s, week=IsoWeek(2022, 46), start="2022-11-14", end="2022-11-20", ax=ax, avg_window=7)
    assert got is ax
    assert _bars(ax, "launched") == [14, 0, 7, 0, 0, 0, 0]  # a day without a report is 0
    assert _bars(ax, "shot down") == [10, 0, 0, 0, 0, 0, 0]
    avg = [ln for ln in ax.get_lines() if ln.get_label() == "7-day average"][0].get_ydata()
    assert list(avg) == pytest.approx([14, 7, 7, 5.25, 4.2, 3.5, 3.0])


def test_daily_attacks_ignores_per_weapon_rows_when_totals_exist():
    s = pd.DataFrame({"date": pd.to_datetime(["2022-11-14"] * 2), "type": "drone_attack",
                      "weapon": pd.array([None, "Shahed-136/131"], dtype="string"),
                      "launched": pd.array([20, 12], dtype="Int64"), "destroyed": pd.array([18, 10], dtype="Int64")})
    ax = charts.daily_attacks(s)
    assert _bars(ax, "launched") == [20]


@pytest.mark.parametrize("fn", [charts.daily_attacks, charts.weapon_mix, charts.tile_map, charts.ground_assaults,
                                charts.assaults_by_direction, charts.aid_timeline, charts.articles_per_day])
def test_every_chart_accepts_empty_data_and_an_ax(fn):
    _fig, ax = plt.subplots()
    assert fn(pd.DataFrame(), ax=ax) is ax
    said = [t.get_text() for t in ax.texts if t.get_text()]
    # says so instead of empty axes (the tile map keeps its unit labels)
    assert said == ["no data"] if fn is not charts.tile_map else said.count("no data") == 1


def test_tilemap_layout_covers_the_27_units_once():
    layout = charts.tilemap_layout()
    names = [a for a, *_ in layout]
    cells = [(r, c) for *_, r, c in layout]
    assert len(names) == 27 == len(set(names)) and len(set(cells)) == 27
    assert len({abbr for _a, abbr, _r, _c in layout}) == 27


def test_tilemap_names_are_the_contract_admin1_names():
    path = SHARED / "spec" / "admin1_ua.csv"
    if not path.is_file():
        pytest.skip(f"{path} not present (../shared is only on the development machine)")
    with path.open(encoding="utf-8") as f:
        contract = {r["admin1"] for r in csv.DictReader(f)}
    assert {a for a, *_ in charts.tilemap_layout()} == contract


def test_tile_map_labels_counts_and_lists_units_outside_ukraine():
    counts = pd.DataFrame({"admin1": ["Kyiv City", "Odesa Oblast", "Belgorod Oblast"], "events": [3, 1, 2]})
    ax = charts.tile_map(counts)
    texts = [t.get_text() for t in ax.texts]
    assert "3" in texts and "1" in texts
    assert any("outside Ukraine: Belgorod Oblast 2" in t for t in texts)
    assert len(ax.patches) == 27


def test_direction_bars_are_labelled_with_their_counts():
    ev = pd.DataFrame({"place": ["Bakhmut", "Avdiivka", "Bakhmut", None], "count_value": [11, 4, 3, 60]})
    ax = charts.assaults_by_direction(ev)
    bars = {t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert bars == {"Avdiivka": 4, "Bakhmut": 14}  # the national 60 has no direction
    assert sorted(t.get_text() for t in ax.texts) == ["14", "4"]


def test_ground_assaults_hatches_lower_bounds():
    per_day = pd.DataFrame({"date": pd.to_datetime(["2022-11-14", "2022-11-15"]), "assaults": [61, 7],
                            "lower_bound": [False, True]})
    ax = charts.ground_assaults(per_day)
    assert _bars(ax, "reported total") == [61]
    assert _bars(ax, "at least (sum of directions)") == [7]


def test_articles_per_day_stacks_outlets():
    arts = pd.DataFrame({"published": pd.to_datetime(["2022-11-14T08:00Z", "2022-11-14T09:00Z", "2022-11-16T09:00Z"]),
                         "source": ["a.example", "b.example", "a.example"]})
    ax = charts.articles_per_day(arts)
    assert _bars(ax, "a.example") == [1, 0, 1]
    assert _bars(ax, "b.example") == [1, 0, 0]


def test_aid_timeline_one_marker_per_package():
    ev = pd.DataFrame({"date": pd.to_datetime(["2022-11-15", "2022-11-16", "2022-11-16"]),
                       "donor": ["United States", "Germany", "United States"],
                       "category": ["military", "humanitarian", "military"],
                       "value_amount": [400e6, None, 1e9]})
    ax = charts.aid_timeline(ev)
    n = sum(len(c.get_offsets()) for c in ax.collections)
    assert n == 3
    # values in different currencies are not compared by marker size
    assert {float(s) for c in ax.collections for s in c.get_sizes()} == {60.0}
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Germany", "United States"]
