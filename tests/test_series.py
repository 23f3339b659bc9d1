"""daily_series / compare_series / `opslens series` on a small case worked out by hand."""
from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from opslens.cli import main
from opslens.schema import empty_event, events_frame, quantity
from opslens.merge import MergeOptions
from opslens.series import compare_series, daily_series, national_rows


def m(article, type_, date, admin1=None, weapon=None, launched=None, destroyed=None, claimed_by=None,
      country="UA", precision="day", count=None):
    ev = empty_event(article, type_)
    ev.update(date=date, date_precision=precision, admin1=admin1, country=country, weapon=weapon,
              launched=None if launched is None else quantity(launched),
              destroyed=None if destroyed is None else quantity(destroyed),
              count=None if count is None else quantity(count, lower=count, qualifier="at_least"),
              claimed_by=claimed_by)
    return ev


MENTIONS = [
    # 2022-10-17: Air Force national total 43/37; a paper says 35 destroyed; two regional parts
    m("af", "drone_attack", "2022-10-17", weapon="Shahed-136/131", launched=43, destroyed=37, claimed_by="Ukrainian Air Force"),
    m("paper", "drone_attack", "2022-10-17", launched=43, destroyed=35),
    m("kyiv", "drone_attack", "2022-10-17", admin1="Kyiv City", destroyed=28, claimed_by="Kyiv City Military Administration"),
    m("sumy", "drone_attack", "2022-10-17", admin1="Sumy Oblast", destroyed=5),
    # 2022-10-18: no national total; Kyiv 8 (told twice), Odesa 6 launched / 5 destroyed
    m("k1", "drone_attack", "2022-10-18", admin1="Kyiv City", destroyed=8),
    m("k2", "drone_attack", "2022-10-18", admin1="Kyiv City", destroyed=8),
    m("od", "drone_attack", "2022-10-18", admin1="Odesa Oblast", launched=6, destroyed=5),
    # Ukrainian drones over Belgorod: another country, not in the UA series
    m("ru", "drone_attack", "2022-10-18", admin1="Belgorod Oblast", country="RU", destroyed=12),
    # a month-precision figure cannot be put on a day
    m("mo", "drone_attack", "2022-09-01", admin1="Odesa Oblast", destroyed=30, precision="month"),
    # a missile night and a day of ground assaults
    m("af2", "missile_attack", "2022-10-17", launched=6, destroyed=3, claimed_by="Ukrainian Air Force"),
    m("gs", "ground_assault", "2022-10-17", count=61, claimed_by="General Staff"),
]


def test_series_worked_by_hand():
    s = daily_series(events_frame(MENTIONS))
    rows = {(r.date.strftime("%Y-%m-%d"), r.type): r for r in s.itertuples()}
    assert sorted(rows) == [("2022-10-17", "drone_attack"), ("2022-10-17", "ground_assault"),
                            ("2022-10-17", "missile_attack"), ("2022-10-18", "drone_attack")]
    d17 = rows[("2022-10-17", "drone_attack")]
    # national total stands: 43 / 37 (Air Force), not 37 + 28 + 5
    assert (d17.launched, d17.destroyed, d17.events, d17.articles) == (43, 37, 3, 4)
    assert (d17.destroyed_lower, d17.destroyed_upper) == (35, 37)
    assert pd.isna(d17.launched_lower) and not d17.lower_bound and d17.national
    d18 = rows[("2022-10-18", "drone_attack")]
    # no national total: Kyiv 8 (once) + Odesa 5 = 13 destroyed, 6 launched, both lower bounds
    assert (d18.launched, d18.destroyed, d18.events, d18.articles) == (6, 13, 2, 3)
    assert d18.lower_bound and not d18.national and (d18.destroyed_lower, d18.launched_lower) == (13, 6)
    assert pd.isna(d18.destroyed_upper)
    assert rows[("2022-10-17", "missile_attack")].launched == 6
    assert rows[("2022-10-17", "ground_assault")].count == 61
    assert s["weapon"].isna().all()


def test_series_by_weapon_and_filters():
    s = daily_series(events_frame(MENTIONS), type="drone_attack", by_weapon=True, start="2022-10-17", end="2022-10-17")
    assert s["weapon"].tolist()[0] is pd.NA
    shahed = s[s["weapon"] == "Shahed-136/131"].iloc[0]
    assert (shahed["launched"], shahed["destroyed"]) == (43, 37)
    assert len(s) == 2
    allc = daily_series(events_frame(MENTIONS), type="drone_attack", country=None, end="2022-10-18")
    # with Belgorod's 12 counted, 2022-10-18 regional sum is 8 + 5 + 12
    assert allc.set_index("date").loc["2022-10-18", "destroyed"] == 25


def test_compare_series_marks_agreement_within_ten_percent():
    media = daily_series(events_frame(MENTIONS), type="drone_attack")
    official = pd.DataFrame({"date": pd.to_datetime(["2022-10-17", "2022-10-18", "2022-10-19"]),
                             "type": "drone_attack", "weapon": pd.array([None] * 3, dtype="string"),
                             "launched": pd.array([45, 20, 7], dtype="Int64"),
                             "destroyed": pd.array([40, 13, 5], dtype="Int64")})
    c = compare_series(media, official).set_index("date")
    # 43 vs 45: |2| <= 4.5 agrees; 37 vs 40: |3| <= 4 agrees
    assert c.loc["2022-10-17", "status"] == "agree" and c.loc["2022-10-17", "launched_diff"] == -2
    # 6 vs 20 launched disagrees
    assert c.loc["2022-10-18", "status"] == "disagree" and bool(c.loc["2022-10-18", "media_lower_bound"])
    assert c.loc["2022-10-19", "status"] == "official only"


def test_cli_series_writes_contract_csv(tmp_path):
    src = tmp_path / "mentions.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for r in MENTIONS:
            f.write(json.dumps(r) + "\n")
    out, ev_out = tmp_path / "series.csv", tmp_path / "events.jsonl"
    assert main(["-q", "series", str(src), "--out", str(out), "--type", "drone_attack", "--events-out", str(ev_out)]) == 0
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:7] == ["date", "type", "weapon", "launched", "destroyed", "events", "articles"]
    assert [(r["date"], r["weapon"], r["launched"], r["destroyed"], r["lower_bound"]) for r in rows] == [
        ("2022-10-17", "", "43", "37", "False"), ("2022-10-18", "", "6", "13", "True")]
    events = [json.loads(line) for line in open(ev_out, encoding="utf-8")]
    # every type is merged: drones 3 (17th) + 3 (18th: Kyiv, Odesa, Belgorod) + 1 (month), missiles 1, ground 1
    assert len(events) == 9
    assert {e["date"] for e in events} == {"2022-09-01", "2022-10-17", "2022-10-18"}


def test_cli_series_bad_inputs(tmp_path, capsys):
    assert main(["series", str(tmp_path / "missing.jsonl")]) == 1
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "drone_attack"}\nnot json\n', encoding="utf-8")
    assert main(["series", str(bad)]) == 1
    assert "bad.jsonl:2: not JSON" in capsys.readouterr().err
    assert main(["series"]) == 2
    assert main(["series", str(bad), "--official"]) == 2
    assert main(["series", str(bad), "--from", "17/10/2022"]) == 2
    assert main(["series", "--official", "--type", "ground_assault"]) == 2
    assert "--type 'ground_assault'" in capsys.readouterr().err


def test_cli_official_series(tmp_path):
    out = tmp_path / "official.csv"
    assert main(["-q", "series", "--official", "--from", "2022-10-17", "--to", "2022-10-17", "--out", str(out)]) == 0
    with open(out, encoding="utf-8", newline="") as f:
        rows = [(r["date"], r["type"], r["launched"], r["destroyed"]) for r in csv.DictReader(f)]
    # Air Force rows ending 2022-10-17: Shaheds 15 + 11 + 8; Unknown Missile 3 + Kalibr 2
    assert rows == [("2022-10-17", "drone_attack", "34", "34"), ("2022-10-17", "missile_attack", "5", "5")]


# --- official vs media notebook ---------------------------------------------------------------------

from pathlib import Path  # noqa: E402

from opslens.errors import ParameterError  # noqa: E402
from opslens.series import (agreement_summary, load_comparison, validate_comparison_parameters,  # noqa: E402
                            who_said_what)

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "official_vs_media.ipynb"

# Official drone figures (opslens/data/official_daily.csv, Air Force rows): 2022-10-17 34/34
# (15 + 11 + 8 Shaheds), 2022-10-12 19/19 (Shahed 17 + Lancet 2).
MEDIA_OCT = [
    m("n1", "drone_attack", "2022-10-17", launched=33, destroyed=33, claimed_by="Ukrainian Air Force"),
    m("n2", "drone_attack", "2022-10-17", launched=33, destroyed=31),
    m("r1", "drone_attack", "2022-10-12", admin1="Kyiv City", destroyed=5),
]


def _write(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return path


def test_comparison_by_hand(tmp_path):
    p = validate_comparison_parameters("2022-10-12", "2022-10-17", "drone_attack", str(_write(tmp_path / "m.jsonl", MEDIA_OCT)))
    c = load_comparison(p)
    days = c.days.set_index(c.days["date"].dt.strftime("%Y-%m-%d"))
    # 33 vs 34: |-1| <= 3.4 -> agree; Kyiv's 5 vs 19 -> disagree (a lower bound)
    assert days.loc["2022-10-17", "status"] == "agree" and days.loc["2022-10-17", "destroyed_diff"] == -1
    assert days.loc["2022-10-12", "status"] == "disagree" and bool(days.loc["2022-10-12", "media_lower_bound"])
    s = agreement_summary(c.days).set_index("figure")
    # official drone days in 2022-10-12..17 (Air Force rows): every day, 12..17 -> 6; media on 12 and 17
    assert (s.loc["destroyed", "official_days"], s.loc["destroyed", "days_with_estimate"]) == (6, 2)
    assert (s.loc["destroyed", "compared"], s.loc["destroyed", "agree"]) == (2, 1)
    said = who_said_what(c)
    assert said["article_id"].tolist() == ["r1"]


@pytest.mark.parametrize("kw, named", [
    ({"start": "2022-13-01"}, "'start'"), ({"start": "2022-11-01", "end": "2022-10-01"}, "after"),
    ({"event_type": "aid_announcement"}, "'event_type'"), ({"tolerance": 5}, "'tolerance'"),
    ({"events_path": "/nonexistent/m.jsonl"}, "'events_path'"),
])
def test_comparison_parameters_are_checked(kw, named):
    with pytest.raises(ParameterError, match=named):
        validate_comparison_parameters(**kw)


@pytest.mark.slow
def test_notebook_runs_in_a_real_kernel(tmp_path):
    import papermill as pm

    src = _write(tmp_path / "m.jsonl", MEDIA_OCT)
    out = tmp_path / "out"
    pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "run.ipynb"), progress_bar=False, kernel_name="python3",
                        parameters={"start": "2022-10-12", "end": "2022-10-17", "events_path": str(src),
                                    "out_dir": str(out)}, cwd=str(tmp_path))
    assert (out / "official_vs_media_drone_attack.png").stat().st_size > 1000
    with open(out / "official_vs_media_drone_attack.csv", encoding="utf-8", newline="") as f:
        status = {r["date"]: r["status"] for r in csv.DictReader(f)}
    assert status["2022-10-17"] == "agree" and status["2022-10-12"] == "disagree"
    with pytest.raises(pm.PapermillExecutionError, match="event_type"):
        pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "bad.ipynb"), progress_bar=False, kernel_name="python3",
                            parameters={"event_type": "aid_announcement", "events_path": str(src)}, cwd=str(tmp_path))


def test_series_sums_the_days_reporting_windows():
    # official 2022-11-04 (Air Force rows): Shahed 9/9 overnight + Shahed 11/11 + Reconnaissance UAV 3/3 = 23/23
    ms = [m("a", "drone_attack", "2022-11-04", weapon="Shahed-136/131", launched=9, destroyed=9, claimed_by="Ukrainian Air Force"),
          m("b", "drone_attack", "2022-11-04", weapon="Shahed-136/131", launched=11, destroyed=11, claimed_by="Ukrainian Air Force"),
          m("c", "drone_attack", "2022-11-04", weapon="Reconnaissance UAV", launched=3, destroyed=3, claimed_by="Ukrainian Air Force")]
    s = daily_series(events_frame(ms), type="drone_attack", options=MergeOptions(split_official_statements=True))
    assert (s.loc[0, "launched"], s.loc[0, "destroyed"], s.loc[0, "events"]) == (23, 23, 3)
    # by default the Shahed statements are one national event (the larger 11 stands) + the 3 recon drones
    s = daily_series(events_frame(ms), type="drone_attack")
    assert (s.loc[0, "launched"], s.loc[0, "launched_lower"], s.loc[0, "launched_upper"], s.loc[0, "events"]) == (14, 12, 14, 2)


def test_national_figure_missing_from_one_national_event_is_a_lower_bound():
    # the Air Force's recon drone (destroyed 1) and a paper's "nine Shaheds launched" (no destroyed)
    ms = [m("af", "drone_attack", "2022-10-06", weapon="Mohajer-6", destroyed=1, claimed_by="Ukrainian Air Force"),
          m("pa", "drone_attack", "2022-10-06", weapon="Shahed-136/131", launched=9)]
    r = daily_series(events_frame(ms)).iloc[0]
    assert (r["launched"], r["destroyed"], r["destroyed_lower"]) == (9, 1, 1)
    assert pd.isna(r["destroyed_upper"]) and pd.isna(r["launched_upper"]) and r["lower_bound"]


def _w(article, launched, evidence, claimed_by="Ukrainian Air Force"):
    ev = m(article, "drone_attack", "2022-10-17", launched=launched, claimed_by=claimed_by)
    ev["evidence"] = {"text": evidence, "start": 0, "end": len(evidence)}
    return ev


def test_national_windows_of_a_day_are_summed():
    # night 15 + day 11 + evening 8 = 34 (the official 2022-10-17); the media re-report of the
    # night (15) is the same window and is not added
    rows = [_w("n", 15, "On 17 October, from 03:30 to 06:50, the enemy attacked with 15 drones."),
            _w("n2", 15, "Russia launched 15 drones overnight, the Air Force said.", claimed_by=None),
            _w("d", 11, "On 17 October, from 07:00 to 10:00, the enemy attacked with 11 drones."),
            _w("e", 8, "On 17 October at about 21:00, the enemy attacked with eight drones.")]
    s = daily_series(rows, type="drone_attack")
    assert s[["launched", "events", "articles", "national"]].values.tolist() == [[34, 3, 4, True]]


def test_a_whole_day_figure_stands_for_its_windows():
    # "over the past day" 34: the windows 15 + 8 are its parts, not added (34, not 57)
    rows = [_w("n", 15, "On 17 October, from 03:30 to 06:50, the enemy attacked with 15 drones."),
            _w("e", 8, "On 17 October at about 21:00, the enemy attacked with eight drones."),
            _w("t", 34, "Over the past day, the enemy attacked with 34 drones.")]
    s = daily_series(rows, type="drone_attack")
    assert s[["launched", "events", "national"]].values.tolist() == [[34, 3, True]]


def _r(article, launched, evidence, admin1=None, claimed_by="Ukrainian Air Force"):
    ev = m(article, "drone_attack", "2022-10-19", admin1=admin1, launched=launched, claimed_by=claimed_by)
    ev["evidence"] = {"text": evidence, "start": 0, "end": len(evidence)}
    return ev


NIGHT_ONLY_REGIONAL = [
    _r("af-night", 13, "On the night of 19 October, the enemy attacked the Mykolaiv region with 13 drones.",
       admin1="Mykolaiv Oblast"),
    _r("oma", 5, "Air defence units shot down 5 of the drones over the Mykolaiv region early on Wednesday.",
       admin1="Mykolaiv Oblast", claimed_by="Mykolaiv Oblast Military Administration"),
]


def test_a_window_told_only_by_regions_is_added_to_the_national_windows():
    # 2022-10-19: the Air Force's national report covers the day window (10); the night was told
    # only for the Mykolaiv region, by the Air Force (13) and the regional administration (5): one
    # regional event (same place, same window), value 13 (the Air Force outranks the region).
    # National estimate = 10 + 13 = 23, a lower bound (a regional part stands in for the night).
    rows = [_r("af-day", 10, "On 19 October, from 12:00 to 15:30, the enemy attacked with 10 drones."),
            *NIGHT_ONLY_REGIONAL]
    s = daily_series(rows, type="drone_attack")
    assert s[["launched", "launched_lower", "events", "lower_bound", "national"]].values.tolist() == [
        [23, 15, 2, True, True]]


def test_no_regional_window_is_added_when_a_national_report_names_no_window():
    # "10 drones on Wednesday" may be the whole day or the night: the regional night is not added
    rows = [_r("paper", 10, "Russia launched 10 drones at Ukraine on Wednesday."), *NIGHT_ONLY_REGIONAL]
    s = daily_series(rows, type="drone_attack")
    assert s[["launched", "lower_bound", "national"]].values.tolist() == [[10, False, True]]


def test_cli_split_official_statements(tmp_path):
    # two Air Force statements on 2022-11-04 naming no window: 9 and 11 drones launched. Merged
    # (default): one event, value 11 (same authority, exact: the larger figure). Split: 9 + 11 = 20.
    src = tmp_path / "m.jsonl"
    rows = [_r("a", 9, "The enemy attacked with 9 Shahed drones, the Air Force said."),
            _r("b", 11, "The enemy attacked with 11 Shahed drones, the Air Force said.")]
    for r in rows:
        r["date"] = "2022-11-04"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    got = {}
    for flag in ([], ["--split-official-statements"]):
        out = tmp_path / f"s{len(flag)}.csv"
        assert main(["-q", "series", str(src), "--out", str(out), "--type", "drone_attack", *flag]) == 0
        got[bool(flag)] = [(r["launched"], r["events"]) for r in csv.DictReader(open(out, encoding="utf-8"))]
    assert got == {False: [("11", "1")], True: [("20", "2")]}


def test_national_rows_keeps_all_weapon_rows_or_everything():
    s = pd.DataFrame({"date": ["2022-10-17"] * 3, "weapon": [None, "Shahed-136", ""], "launched": [43, 30, 5]})
    assert national_rows(s)["launched"].tolist() == [43, 5]
    only_models = s.iloc[[1]]
    assert national_rows(only_models)["launched"].tolist() == [30]
    assert national_rows(s.drop(columns="weapon"))["launched"].tolist() == [43, 30, 5]
