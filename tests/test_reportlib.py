"""Report helpers on small hand-made frames: weeks, parameters, escaping, week change, evidence."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from opslens import merge_events
from opslens.errors import ParameterError, StoreError
from opslens.reportlib import (IsoWeek, Output, ReportParams, WeekData, assaults_per_day, daily_table,
                               disagreements, evidence_table, html_table, parse_week, validate_parameters,
                               weapon_breakdown, week_totals)
from opslens.schema import EVENT_TYPES, empty_event, events_frame, quantity


# --- weeks ---------------------------------------------------------------------------------------

def test_iso_week_bounds():
    w = parse_week("2022-W46")
    assert (w.start, w.end) == (dt.date(2022, 11, 14), dt.date(2022, 11, 20))
    assert str(w.shift(-1)) == "2022-W45" and str(w.shift(7)) == "2023-W01"


def test_week_53_exists_only_in_long_years():
    assert parse_week("2020-W53").end == dt.date(2021, 1, 3)
    with pytest.raises(ParameterError, match=r"2022 has weeks W01..W52"):
        parse_week("2022-W53")


@pytest.mark.parametrize("bad", ["2022-W00", "22-W10", "2022W", "week 46", "", "2022-W046"])
def test_malformed_weeks_name_parameter_and_accepted_values(bad):
    with pytest.raises(ParameterError) as e:
        parse_week(bad)
    assert "parameter 'week'" in str(e.value) and "accepted values" in str(e.value)


def test_week_must_be_a_string():
    with pytest.raises(ParameterError, match="expected a string, got int"):
        parse_week(46)


def test_validate_reports_missing_store_before_anything(tmp_path):
    with pytest.raises(StoreError, match="data directory does not exist"):
        validate_parameters(week="2022-W46", data_dir=str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="no article store in this folder"):
        validate_parameters(week="2022-W46", data_dir=str(tmp_path / "empty"))


def test_validate_checks_types_before_the_store(tmp_path):
    # the parameter error wins even though the folder does not exist
    with pytest.raises(ParameterError, match="'context_weeks'"):
        validate_parameters(week="2022-W46", data_dir=str(tmp_path / "x"), context_weeks=True)
    with pytest.raises(ParameterError, match="'outlets': expected a list of strings"):
        validate_parameters(week="2022-W46", data_dir=str(tmp_path / "x"), outlets=[1, 2])


# --- escaping ------------------------------------------------------------------------------------

def test_html_table_escapes_every_cell_and_links_only_http():
    df = pd.DataFrame({"title": ["<script>alert(1)</script>", "ok & fine", "bad"],
                       "url": ["https://example.org/a?x=1&y=\"2\"", "http://example.org/b", "javascript:alert(1)"],
                       "n": [1.0, 2.5, None]})
    h = html_table(df, links={"title": "url"})
    assert "<script>" not in h and "&lt;script&gt;alert(1)&lt;/script&gt;" in h
    assert 'href="https://example.org/a?x=1&amp;y=&quot;2&quot;"' in h
    assert "javascript:" not in h.split("bad")[0][-200:] and 'href="javascript' not in h
    assert ">bad<" in h  # shown as plain text
    assert "<th>url</th>" not in h  # the URL column is the link, not a column
    assert '<td class="num">2.50</td>' in h and '<td class="num"></td>' in h  # numbers right-aligned


def test_html_table_anchor_ids_are_attribute_safe():
    df = pd.DataFrame({"event_id": ['ev_1"><script>', "ev_1\"><script>", "ev_2"]})
    h = html_table(df, anchors={"event_id": "ev-"})
    assert h.count('id="ev-ev_1---script-"') == 1  # first row of each event only, sanitised
    assert "<script>" not in h


def test_output_writes_csv_and_png(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Output(tmp_path)
    out.table(pd.DataFrame({"a": [1], "refs": [["ev_1", "ev_2"]]}), "my table!")
    assert (tmp_path / "tables" / "my_table.csv").read_text().splitlines() == ["a,refs", "1,ev_1 ev_2"]
    _fig, ax = plt.subplots()
    ax.plot([1, 2])
    png = out.figure(ax, "line")
    assert (tmp_path / "figures" / "line.png").read_bytes() == png and png[:4] == b"\x89PNG"


# --- figures from hand-computed cases ------------------------------------------------------------

def _series(rows):
    df = pd.DataFrame(rows, columns=["date", "weapon", "launched", "destroyed", "events", "articles"])
    df["date"] = pd.to_datetime(df["date"])
    df["type"] = "drone_attack"
    return df


def test_week_totals_against_previous_week():
    s = _series([
        ("2022-11-08", None, 10, 8, 1, 2),   # W45
        ("2022-11-10", None, 30, 25, 2, 3),  # W45 -> 40 launched, 33 destroyed
        ("2022-11-15", None, 50, 45, 1, 1),  # W46 -> 50 launched, 45 destroyed
        ("2022-11-15", "Shahed-136/131", 50, 45, 1, 1),  # per-weapon row: not added again
    ])
    t = week_totals(s, IsoWeek(2022, 46)).set_index("measure")
    assert t.loc["launched", ["previous", "this_week", "change"]].tolist() == [40, 50, 10]
    assert t.loc["launched", "change_pct"] == 25.0
    assert t.loc["destroyed", "change"] == 12
    assert t.loc["events", ["previous", "this_week"]].tolist() == [3, 1]


def test_weapon_breakdown_adds_up_to_the_total():
    s = _series([
        ("2022-11-15", None, 50, 45, 2, 2),
        ("2022-11-15", "Shahed-136/131", 40, 38, 1, 1),
        ("2022-11-16", None, 5, 5, 1, 1),
    ])
    b = weapon_breakdown(s).set_index("weapon")
    assert b.loc["Shahed-136/131", "launched"] == 40
    assert b.loc["model not named", ["launched", "destroyed"]].tolist() == [15, 12]
    assert b["launched"].sum() == 55


def test_assaults_per_day_reads_the_series_count():
    s = pd.DataFrame({"date": pd.to_datetime(["2022-11-14", "2022-11-14", "2022-11-15"]),
                      "type": "ground_assault", "weapon": pd.array([None, "x", None], dtype="string"),
                      "count": pd.array([61, 3, 7], dtype="Int64"), "events": pd.array([2, 1, 1], dtype="Int64"),
                      "lower_bound": pd.array([False, False, True], dtype="boolean")})
    a = assaults_per_day(s)
    assert a["assaults"].tolist() == [61, 7] and a["lower_bound"].tolist() == [False, True]


# --- evidence and disagreements through the real merge --------------------------------------------

@pytest.fixture
def week_data(tmp_path) -> WeekData:
    def ev(aid, date, **kw):
        e = {**empty_event(aid, "drone_attack"), "date": date, "date_precision": "day", "country": "UA"}
        e.update(kw)
        return e

    recs = [
        ev("a1", "2022-11-15", launched=quantity(40), destroyed=quantity(36), claimed_by="Ukrainian Air Force",
           evidence={"text": "Russia launched 40 drones; 36 were shot down.", "start": 0, "end": 45}),
        ev("a2", "2022-11-15", launched=quantity(35), destroyed=quantity(36),
           evidence={"text": "About 35 drones attacked overnight.", "start": 0, "end": 35}),
        ev("a3", "2022-11-16", destroyed=quantity(5), place="Kyiv", admin1="Kyiv City",
           claimed_by="Kyiv City Military Administration",
           evidence={"text": "Five <b>drones</b> were downed over Kyiv.", "start": 0, "end": 40}),
    ]
    mentions = events_frame(recs)
    meta = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "source": ["one.example", "two.example", "three.example"],
                         "url": [f"https://{s}/x" for s in ("one.example", "two.example", "three.example")],
                         "title": ["t1", "t2", "t3"]})
    mentions = mentions.merge(meta, on="article_id")
    events, links = merge_events(mentions)
    params = ReportParams(week=IsoWeek(2022, 46), data_dir=tmp_path, out_dir=None, context_weeks=1,
                          event_types=EVENT_TYPES, outlets=())
    return WeekData(params, pd.DataFrame(columns=["id", "url", "title", "source", "day"]), mentions, events, links)


def test_evidence_table_lists_each_article_of_each_event(week_data):
    ev = evidence_table(week_data)
    assert len(ev) == 3 and ev["event_id"].nunique() == 2
    national = ev[ev["where"] == "national"]
    assert set(national["outlet"]) == {"one.example", "two.example"}
    assert set(national["figures"]) == {"launched 40, destroyed 36", "launched 35, destroyed 36"}
    assert ev.loc[ev["outlet"] == "three.example", "sentence"].item() == "“Five <b>drones</b> were downed over Kyiv.”"


def test_disagreements_show_who_said_what(week_data):
    d = disagreements(week_data)
    assert d["figure"].tolist() == ["launched"]  # destroyed agrees (36 and 36)
    row = d.iloc[0]
    assert (row["min"], row["max"]) == (35, 40)
    assert row["values"] == "35 (two.example) | 40 (one.example, citing Ukrainian Air Force)"


def test_daily_table_links_days_to_their_events(week_data):
    from opslens import daily_series

    s = daily_series(week_data.events, type="drone_attack")
    t = daily_table(s, week_data.events)
    assert t["date"].astype(str).tolist() == ["2022-11-15", "2022-11-16"]
    assert t.loc[0, "launched"] == 40  # the Air Force figure, not 40 + 35
    assert t.loc[1, "at_least"] == "yes"  # only a regional report that day
    ids = set(week_data.events["event_id"])
    assert all(len(r) == 1 and r[0] in ids for r in t["evidence"])
    h = html_table(t, refs="evidence")
    for r in t["evidence"]:
        assert f'href="#ev-{r[0]}"' in h


# --- corpus overview helpers ---------------------------------------------------------------------

def test_coverage_gaps_are_runs_of_empty_days():
    from opslens.reportlib import coverage_gaps

    arts = pd.DataFrame({"day": pd.to_datetime(["2022-10-03", "2022-10-04", "2022-10-07", "2022-10-09"])})
    g = coverage_gaps(arts, "2022-10-01", "2022-10-10")
    assert [(str(r.first), str(r.last), r.days) for r in g.itertuples()] == [
        ("2022-10-01", "2022-10-02", 2), ("2022-10-05", "2022-10-06", 2), ("2022-10-08", "2022-10-08", 1),
        ("2022-10-10", "2022-10-10", 1)]


def test_duplicate_clusters_only_lists_clusters_of_two_or_more():
    from opslens.reportlib import duplicate_clusters

    arts = pd.DataFrame({"cluster_id": ["c1", "c1", "c2", "c3", "c3", "c3"],
                         "source": ["a.example", "b.example", "a.example", "a.example", "c.example", "c.example"],
                         "title": ["Wire story", "Wire story (copy)", "Alone", "Other", "Other", "Other"]})
    d = duplicate_clusters(arts)
    assert d[["cluster_id", "articles", "outlets"]].values.tolist() == [
        ["c3", 3, "a.example, c.example"], ["c1", 2, "a.example, b.example"]]


@pytest.mark.parametrize("kw, msg", [
    ({"start": "2022-13-01"}, "parameter 'start': '2022-13-01' is not a date"),
    ({"end": 20221001}, "parameter 'end': expected a date string"),
    ({"start": "2022-11-02", "end": "2022-11-01"}, "start 2022-11-02 is after end 2022-11-01"),
])
def test_corpus_parameters_are_checked(kw, msg, tmp_path):
    from opslens.reportlib import validate_corpus_parameters

    with pytest.raises(ParameterError, match=re.escape(msg)):
        validate_corpus_parameters(data_dir=str(tmp_path), **kw)


# --- reading aids: relative change, bounds, short evidence labels ---------------------------------

def test_week_change_gives_no_percentage_on_a_small_base():
    t = pd.DataFrame({"measure": ["launched", "destroyed", "events"], "previous": [6, 0, 40],
                      "this_week": [25, 5, 50], "change": [19, 5, 10], "change_pct": [316.7, pd.NA, 25.0]})
    from opslens.reportlib import format_week_change

    f = format_week_change(t).set_index("measure")
    assert f.loc["launched", ["change", "relative"]].tolist() == ["+19", "small base (6): n/a"]
    assert f.loc["shot down", "relative"] == "none the week before"
    assert f.loc["merged events", ["week before", "this week", "relative"]].tolist() == ["40", "50", "+25%"]


def test_a_lower_bound_below_the_exact_figure_is_not_a_conflict(tmp_path):
    def ev(aid, n, qual):
        e = {**empty_event(aid, "missile_attack"), "date": "2022-11-15", "date_precision": "day", "country": "UA",
             "launched": quantity(n, lower=n, qualifier=qual),
             "evidence": {"text": f"{n} missiles", "start": 0, "end": 10}}
        return e

    mentions = events_frame([ev("a1", 96, "exact"), ev("a2", 91, "at_least")])
    mentions["source"], mentions["url"], mentions["title"] = ["one.example", "two.example"], "https://x.example/", "t"
    events, links = merge_events(mentions)
    params = ReportParams(week=IsoWeek(2022, 46), data_dir=tmp_path, out_dir=None, context_weeks=1,
                          event_types=EVENT_TYPES, outlets=())
    d = disagreements(WeekData(params, pd.DataFrame(columns=["day"]), mentions, events, links))
    assert d["values"].tolist() == ["≥91 (two.example) | 96 (one.example)"]
    assert d["kind"].tolist() == ["bound"]


def test_disagreement_of_exact_figures_is_a_conflict(week_data):
    assert disagreements(week_data)["kind"].tolist() == ["conflict"]


def test_tables_show_short_labels_that_link_to_the_evidence_rows(week_data):
    labels = week_data.event_labels
    assert sorted(labels.values()) == ["E1", "E2"]
    national = week_data.events[week_data.events["admin1"].isna()]["event_id"].item()
    assert labels[national] == "E1"  # 2022-11-15 comes before the Kyiv report of 2022-11-16
    h = html_table(pd.DataFrame({"evidence": [[national]]}), refs="evidence", ref_labels=labels)
    assert f'<a href="#ev-{national}">E1</a>' in h


def test_evidence_labels_are_listed_in_number_order():
    labels = {f"id{i}": f"E{i}" for i in range(1, 12)}
    h = html_table(pd.DataFrame({"evidence": [["id10", "id2", "unknown"]]}), refs="evidence", ref_labels=labels)
    assert re.findall(r">([^<>]+)</a>", h) == ["E2", "E10", "unknown"]


def test_charts_start_where_the_store_begins(week_data):
    # week_data's window starts 2022-11-07 (one context week); its only article is of 2022-11-15
    # (no store in its data_dir, so the window's articles tell where the data begins)
    week_data.articles = pd.DataFrame({"day": pd.to_datetime(["2022-11-15"]), "source": ["one.example"]})
    assert week_data.coverage_start == dt.date(2022, 11, 15)
    del week_data.coverage_start  # drop the cached value
    week_data.articles = pd.DataFrame({"day": pd.to_datetime(["2022-11-01"]), "source": ["one.example"]})
    assert week_data.coverage_start == dt.date(2022, 11, 7)


def test_daily_table_says_when_a_day_has_no_figure():
    s = _series([("2022-11-15", None, 20, 18, 1, 2), ("2022-11-16", None, None, None, 1, 1)])
    t = daily_table(s, pd.DataFrame())
    assert t["note"].tolist() == ["", "no figure given"]
    assert t["launched"].tolist()[0] == 20 and pd.isna(t["launched"].tolist()[1])
