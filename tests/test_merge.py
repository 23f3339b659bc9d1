"""merge_events on hand-written mentions: every expected value below is worked out by hand."""
from __future__ import annotations

import random

import pandas as pd
import pytest

from opslens.merge import MergeOptions, claimant_authority, merge_events, reporting_window
from opslens.schema import empty_event, events_frame, quantity


def mention(article: str, type_: str, date: str | None, *, admin1=None, place=None, weapon=None,
            launched=None, destroyed=None, count=None, claimed_by=None, evidence="", precision="day",
            **extra) -> dict:
    ev = empty_event(article, type_)
    ev.update(date=date, date_precision=precision if date else None, admin1=admin1, place=place,
              country="UA" if type_ not in ("aid_announcement", "procurement") else None, weapon=weapon,
              launched=launched, destroyed=destroyed, count=count, claimed_by=claimed_by,
              evidence={"text": evidence, "start": 0, "end": len(evidence)})
    ev.update(extra)
    return ev


def q(v, qualifier="exact"):
    if qualifier == "at_least":
        return quantity(v, lower=v, qualifier="at_least")
    if qualifier == "approx":
        return quantity(v, lower=v, qualifier="approx")
    return quantity(v)


# Kyiv, night to 2023-04-21, told by three outlets in three wordings / spellings
KYIV_NIGHT = [
    mention("rferl-1", "drone_attack", "2023-04-21", admin1="Kyiv City", place="Kyiv", weapon="Shahed-136/131",
            destroyed=q(8), claimed_by="Kyiv City Military Administration",
            evidence="eight Shahed drones were downed above Kyiv overnight"),
    mention("kyivindep-7", "drone_attack", "2023-04-21", admin1="Kyiv City", place="Kyiv", weapon=None,
            destroyed=q(8), evidence="All 8 kamikaze drones launched at Kiev were destroyed"),
    mention("wire-3", "drone_attack", "2023-04-21", admin1="Kyiv City", place=None, weapon="Shahed-136/131",
            destroyed=q(10, "approx"), evidence="about ten Geran drones were downed over the Ukrainian capital"),
]

# 2022-10-17: Air Force national total, two regional parts
NATIONAL_AND_PARTS = [
    mention("af-1", "drone_attack", "2022-10-17", weapon="Shahed-136/131", launched=q(43), destroyed=q(37),
            claimed_by="Ukrainian Air Force", evidence="43 Shaheds launched, 37 destroyed"),
    mention("media-2", "drone_attack", "2022-10-17", launched=q(43), destroyed=q(37),
            evidence="Russia launched 43 drones, 37 were shot down"),
    mention("kyiv-3", "drone_attack", "2022-10-17", admin1="Kyiv City", place="Kyiv", weapon="Shahed-136/131",
            destroyed=q(28), claimed_by="Kyiv City Military Administration", evidence="28 drones over Kyiv"),
    mention("sumy-4", "drone_attack", "2022-10-17", admin1="Sumy Oblast", place="Sumy Oblast", destroyed=q(5),
            claimed_by="Sumy Oblast Military Administration", evidence="five drones downed in Sumy region"),
]

# 2022-11-02: two different missile strikes, two oblasts
TWO_OBLASTS = [
    mention("a-1", "missile_attack", "2022-11-02", admin1="Kharkiv Oblast", place="Kharkiv", weapon="C-300",
            launched=q(3), evidence="three S-300 missiles hit Kharkiv"),
    mention("b-1", "missile_attack", "2022-11-02", admin1="Dnipropetrovsk Oblast", place="Dnipro",
            launched=q(2), evidence="two missiles struck Dnipro"),
]

# one US package announced on 2023-01-06, re-announced 2023-01-09; a new tranche on 2023-01-19
AID = [
    mention("us-1", "aid_announcement", "2023-01-06", donor="United States", recipient="Ukraine", category="military",
            value={"amount": 3_075_000_000, "currency": "USD"},
            items=[{"name": "Bradley IFV", "quantity": q(50)}], evidence="a $3.075 billion package"),
    mention("us-2", "aid_announcement", "2023-01-09", donor="United States", recipient="Ukraine", category="military",
            value={"amount": 3_075_000_000, "currency": "USD"}, items=[], evidence="the $3.075bn aid, announced Friday"),
    mention("us-3", "aid_announcement", "2023-01-10", donor="United States", recipient="Ukraine", category="military",
            value=None, items=[{"name": "Bradley IFV", "quantity": q(50)}], evidence="50 Bradleys are coming"),
    mention("us-4", "aid_announcement", "2023-01-19", donor="United States", recipient="Ukraine", category="military",
            value={"amount": 2_500_000_000, "currency": "USD"}, items=[{"name": "Stryker", "quantity": q(90)}],
            evidence="a new $2.5 billion package"),
]

# national destroyed figure that sources disagree on
CONFLICT = [
    mention("af-9", "drone_attack", "2022-12-29", launched=q(23), destroyed=q(23), claimed_by="Ukrainian Air Force"),
    mention("gs-9", "drone_attack", "2022-12-29", destroyed=q(21), claimed_by="General Staff"),
    mention("med-9", "drone_attack", "2022-12-29", destroyed=q(16, "at_least")),
]


def test_claimant_authority_order():
    ranks = [claimant_authority(c) for c in ("Ukrainian Air Force", "General Staff", "Ukrainian Ministry of Defence",
                                              "Odesa Oblast Military Administration", "Mayor of Kyiv", None)]
    assert ranks == [0, 1, 2, 3, 4, 5]


def test_same_attack_told_by_three_outlets_is_one_event():
    events, links = merge_events(events_frame(KYIV_NIGHT))
    assert len(events) == 1
    e = events.iloc[0]
    assert (e["mentions"], e["articles"]) == (3, 3)
    assert e["article_ids"] == ["kyivindep-7", "rferl-1", "wire-3"]
    assert e["weapon"] == "Shahed-136/131" and e["admin1"] == "Kyiv City" and e["scope"] == "regional"
    # the military administration's 8, not the wire's "about ten"
    assert (e["destroyed_value"], e["destroyed_min"], e["destroyed_max"]) == (8, 8, 10)
    assert e["conflicts"] == "destroyed"
    assert e["claimed_by"] == "Kyiv City Military Administration"
    assert set(links["event_id"]) == {e["event_id"]} and len(links) == 3


def test_national_total_and_regional_parts():
    events, _ = merge_events(events_frame(NATIONAL_AND_PARTS))
    assert len(events) == 3
    nat = events[events["scope"] == "national"]
    assert len(nat) == 1
    n = nat.iloc[0]
    assert (n["launched_value"], n["destroyed_value"], n["mentions"]) == (43, 37, 2)
    assert n["weapon"] == "Shahed-136/131"
    reg = events[events["scope"] == "regional"].set_index("admin1")
    assert sorted(reg.index) == ["Kyiv City", "Sumy Oblast"]
    assert (reg["part_of"] == n["event_id"]).all()
    assert pd.isna(n["part_of"])


def test_two_attacks_same_day_different_oblasts_stay_apart():
    events, _ = merge_events(events_frame(TWO_OBLASTS))
    assert sorted(events["admin1"]) == ["Dnipropetrovsk Oblast", "Kharkiv Oblast"]
    assert list(events["launched_value"].sort_values()) == [2, 3]


def test_city_merges_with_its_oblast_and_week_mention_joins_its_day():
    ms = [
        mention("x-1", "missile_attack", "2022-11-23", admin1="Kyiv Oblast", place="Vyshhorod", launched=q(4)),
        mention("x-2", "missile_attack", "2022-11-23", admin1="Kyiv Oblast", place="Kyiv Oblast", launched=q(5)),
        # "last week" = Monday 2022-11-21, week precision: the 23rd is inside that week
        mention("x-3", "missile_attack", "2022-11-21", admin1="Kyiv Oblast", place="Kyiv Oblast", launched=q(4),
                precision="week"),
        # Kyiv City is another admin1: not merged with Kyiv Oblast
        mention("x-4", "missile_attack", "2022-11-23", admin1="Kyiv City", place="Kyiv", launched=q(4)),
    ]
    events, links = merge_events(events_frame(ms))
    assert len(events) == 2
    oblast = events[events["admin1"] == "Kyiv Oblast"].iloc[0]
    assert oblast["mentions"] == 3
    assert oblast["date"] == pd.Timestamp("2022-11-23") and oblast["date_precision"] == "day"
    assert (oblast["launched_min"], oblast["launched_max"]) == (4, 5)


def test_regional_figures_far_apart_are_two_events():
    ms = [
        mention("r-1", "drone_attack", "2023-01-02", admin1="Kharkiv Oblast", destroyed=q(1), weapon="Orlan-10"),
        mention("r-2", "drone_attack", "2023-01-02", admin1="Kharkiv Oblast", destroyed=q(40),
                claimed_by="Kharkiv Oblast Military Administration"),
        mention("r-3", "drone_attack", "2023-01-02", admin1="Kharkiv Oblast", destroyed=q(38)),
    ]
    events, _ = merge_events(events_frame(ms))
    assert sorted(events["mentions"].tolist()) == [1, 2]
    # the Shahed event: the administration's 40 over the unattributed 38
    assert sorted(events["destroyed_value"].tolist()) == [1, 40]
    assert sorted(events["destroyed_min"].tolist()) == [1, 38]


def test_aid_reannouncement_merges_new_tranche_does_not():
    events, links = merge_events(events_frame(AID))
    assert len(events) == 2
    first = events[events["date"] == pd.Timestamp("2023-01-06")].iloc[0]
    assert first["mentions"] == 3 and first["article_ids"] == ["us-1", "us-2", "us-3"]
    assert first["value_amount"] == 3_075_000_000
    assert [i["name"] for i in first["items"]] == ["Bradley IFV"]
    second = events[events["date"] == pd.Timestamp("2023-01-19")].iloc[0]
    assert second["value_amount"] == 2_500_000_000 and second["mentions"] == 1
    assert pd.isna(first["scope"])


def test_aid_same_donor_after_the_window_is_a_new_package():
    ms = [mention("d-1", "aid_announcement", "2023-01-06", donor="Germany", recipient="Ukraine",
                  value={"amount": 1e9, "currency": "EUR"}),
          mention("d-2", "aid_announcement", "2023-03-20", donor="Germany", recipient="Ukraine",
                  value={"amount": 1e9, "currency": "EUR"})]
    events, _ = merge_events(events_frame(ms))
    assert len(events) == 2


def test_aid_without_donor_is_never_merged():
    ms = [mention("n-1", "aid_announcement", "2022-03-15", donor=None, recipient="Ukraine", category="humanitarian"),
          mention("n-2", "aid_announcement", "2022-03-15", donor=None, recipient="Ukraine", category="humanitarian")]
    events, _ = merge_events(events_frame(ms))
    assert len(events) == 2


def test_conflicting_figures_keep_range_claimants_and_who_said_what():
    events, links = merge_events(events_frame(CONFLICT))
    assert len(events) == 1
    e = events.iloc[0]
    assert (e["destroyed_value"], e["destroyed_min"], e["destroyed_max"]) == (23, 16, 23)
    assert e["claimants"] == ["Ukrainian Air Force", "General Staff"]
    said = dict(zip(links["article_id"], links["destroyed"]))
    assert said == {"af-9": 23, "gs-9": 21, "med-9": 16}
    assert links["authority"].tolist() == [0, 1, 5]


ALL = KYIV_NIGHT + NATIONAL_AND_PARTS + TWO_OBLASTS + AID + CONFLICT


def _canon(events: pd.DataFrame, links: pd.DataFrame):
    return events.reset_index(drop=True), links.drop(columns="mention").reset_index(drop=True)


def test_same_output_whatever_the_input_order():
    ev0, ln0 = _canon(*merge_events(events_frame(ALL)))
    assert len(ev0) == 1 + 3 + 2 + 2 + 1
    for seed in range(5):
        recs = ALL[:]
        random.Random(seed).shuffle(recs)
        ev, ln = _canon(*merge_events(events_frame(recs)))
        pd.testing.assert_frame_equal(ev, ev0)
        pd.testing.assert_frame_equal(ln, ln0)


def test_ids_do_not_depend_on_other_blocks():
    """An event's id is a hash of its own key: merging it alone gives the same id."""
    ev_all, _ = merge_events(events_frame(ALL))
    ev_one, _ = merge_events(events_frame(TWO_OBLASTS))
    assert len(ev_one) == 2  # the two strikes of TWO_OBLASTS (an empty result would pass the subset test)
    assert set(ev_one["event_id"]) <= set(ev_all["event_id"])


def test_records_and_frame_inputs_agree_and_input_is_not_modified():
    df = events_frame(ALL)
    before = df.copy()
    ev_a, _ = merge_events(df)
    ev_b, _ = merge_events(ALL)
    pd.testing.assert_frame_equal(ev_a, ev_b)
    pd.testing.assert_frame_equal(df, before)


def test_undated_mentions_stay_single_and_empty_input_works():
    ms = [mention("u-1", "drone_attack", None, admin1="Odesa Oblast", destroyed=q(3)),
          mention("u-2", "drone_attack", None, admin1="Odesa Oblast", destroyed=q(3))]
    events, _ = merge_events(events_frame(ms))
    assert len(events) == 2 and events["date"].isna().all()
    events, links = merge_events(events_frame([]))
    assert events.empty and links.empty


def test_equal_claimants_larger_figure_wins_and_range_is_kept():
    # two General Staff summaries of one day: morning "more than 60", evening 85 attacks repulsed
    ms = [mention("gs-am", "ground_assault", "2022-11-20", count=q(61, "at_least"), claimed_by="General Staff"),
          mention("gs-pm", "ground_assault", "2022-11-20", count=q(85), claimed_by="General Staff")]
    events, _ = merge_events(events_frame(ms))
    assert len(events) == 1
    e = events.iloc[0]
    # exact 85 beats the at-least 61 on precision first
    assert (e["count_value"], e["count_min"], e["count_max"]) == (85, 61, 85)
    ms2 = [mention("m-1", "drone_attack", "2022-11-21", admin1="Odesa Oblast", destroyed=q(8)),
           mention("m-2", "drone_attack", "2022-11-21", admin1="Odesa Oblast", destroyed=q(10))]
    e2 = merge_events(events_frame(ms2))[0].iloc[0]
    assert e2["destroyed_value"] == 10  # same authority, same precision: the larger


def test_docstring_examples():
    import doctest

    import opslens.merge
    import opslens.official
    import opslens.series

    for mod in (opslens.merge, opslens.series, opslens.official):
        res = doctest.testmod(mod)
        assert res.attempted > 0 and res.failed == 0, mod.__name__


def test_two_air_force_statements_of_one_day_are_two_windows():
    # 2022-11-04: the Air Force reported 9/9 for the night (22:00-01:00) and 11/11 later that day;
    # outlets repeat one or the other, one without naming the Air Force
    ms = [mention("night-af", "drone_attack", "2022-11-04", weapon="Shahed-136/131", launched=q(9), destroyed=q(9),
                  claimed_by="Ukrainian Air Force"),
          mention("night-copy", "drone_attack", "2022-11-04", weapon="Shahed-136/131", launched=q(9), destroyed=q(9),
                  claimed_by="Air Force"),
          mention("day-af", "drone_attack", "2022-11-04", weapon="Shahed-136/131", launched=q(11), destroyed=q(11),
                  claimed_by="Ukrainian Air Force"),
          mention("day-paper", "drone_attack", "2022-11-04", launched=q(11))]
    split = MergeOptions(split_official_statements=True)
    events, links = merge_events(events_frame(ms), split)
    assert sorted(events["launched_value"].tolist()) == [9, 11]
    by_article = dict(zip(links["article_id"], links["event_id"]))
    assert by_article["day-paper"] == by_article["day-af"] != by_article["night-af"]
    # a misquote sharing one figure with the statement is the same statement
    ms2 = [mention("af", "drone_attack", "2022-11-05", launched=q(43), destroyed=q(37), claimed_by="Ukrainian Air Force"),
           mention("af2", "drone_attack", "2022-11-05", launched=q(43), destroyed=q(36), claimed_by="Ukrainian Air Force")]
    assert len(merge_events(events_frame(ms2), split)[0]) == 1
    # by default a national total stands for the day: one event, the range kept
    events, _ = merge_events(events_frame(ms))
    assert len(events) == 1 and (events.loc[0, "launched_min"], events.loc[0, "launched_max"]) == (9, 11)


# --- reporting windows -----------------------------------------------------------------------

@pytest.mark.parametrize("text, window", [
    ("On 17 October, from 03:30 to 06:50, the enemy attacked with 15 drones.", "night"),  # starts before 07:00
    ("from 22:00 to 01:00 the enemy attacked with 9 drones", "night"),                   # crosses midnight
    ("Since 18:00 on 16 October the enemy launched 23 drones", "night"),                 # reported next morning
    ("On 6 October, from 09:00 to 11:30, the enemy attacked with 2 drones.", "day"),
    ("On 17 October at about 21:00, the enemy attacked with eight drones.", "evening"),
    ("Seven drones were downed over the Odesa region overnight.", "night"),
    ("shot down 4 drones early on Wednesday", "night"),
    ("shot down one drone over the region earlier today", None),  # any window of the day
    ("Russia launched 13 drones at the Kyiv region on Tuesday evening", "evening"),
    ("three drones attacked the south late on Friday", "evening"),
    ("Over the past day, air defence destroyed 34 drones", "total"),
    ("shot down 8 drones overnight and 3 more in the evening", None),  # two windows: unknown
    ("21.11.22 09:41 - Drones over Kharkiv", None),                    # a time stamp, not a window
    ("Russia launched 8 drones at Ukraine on Monday", None),
])
def test_reporting_window_read_from_the_sentence(text, window):
    assert reporting_window(text) == window


AF = "Ukrainian Air Force"
# 2022-10-17 as the Air Force reported it: the night (15) and the evening (8), each re-reported by
# the media; the official day is 15 + 8 = 23
WINDOWS_DAY = [
    mention("af-night", "drone_attack", "2022-10-17", launched=q(15), claimed_by=AF,
            evidence="On 17 October, from 03:30 to 06:50, the enemy attacked with 15 Shahed drones."),
    mention("wire-night", "drone_attack", "2022-10-17", launched=q(15), destroyed=q(15), claimed_by=AF,
            evidence="Air defences destroyed all 15 drones Russia launched early on Monday, the Air Force said."),
    mention("paper-night", "drone_attack", "2022-10-17", destroyed=q(13),
            evidence="Thirteen drones were shot down overnight."),
    mention("af-evening", "drone_attack", "2022-10-17", launched=q(8), claimed_by=AF,
            evidence="On 17 October at about 21:00, the enemy attacked with eight Geran-2 drones."),
    mention("paper-undated", "drone_attack", "2022-10-17", launched=q(8), destroyed=q(8),
            evidence="Russia launched eight drones at Ukraine on Monday, all shot down."),
]


def test_two_reporting_windows_of_one_claimant_are_two_events_and_a_same_window_report_joins():
    events, links = merge_events(WINDOWS_DAY)
    # night: af-night, wire-night, paper-night (13 vs 15 destroyed: same window, kept as a range);
    # evening: af-evening, and paper-undated (no window; its figures 8/8 equal the evening's)
    assert len(events) == 2
    by_window = events.set_index("window")
    assert by_window.loc["night", "mentions"] == 3 and by_window.loc["evening", "mentions"] == 2
    assert by_window.loc["night", "launched_value"] == 15
    assert (by_window.loc["night", "destroyed_min"], by_window.loc["night", "destroyed_max"]) == (13, 15)
    assert by_window.loc["night", "conflicts"] == "destroyed"
    assert by_window.loc["evening", "launched_value"] == 8
    assert set(links.loc[links["article_id"] == "paper-undated", "event_id"]) == {
        events.loc[events["window"] == "evening", "event_id"].iloc[0]}
    assert links.set_index("article_id").loc["af-night", "window"] == "night"
    assert pd.isna(links.set_index("article_id").loc["paper-undated", "window"])


def test_windows_are_order_independent():
    a, la = merge_events(WINDOWS_DAY)
    rows = WINDOWS_DAY[:]
    random.Random(5).shuffle(rows)
    b, lb = merge_events(rows[::-1])
    assert len(a) == 2 and len(la) == len(WINDOWS_DAY)  # night and evening; every mention linked
    assert a["event_id"].tolist() == b["event_id"].tolist()
    assert sorted(zip(la["article_id"], la["event_id"])) == sorted(zip(lb["article_id"], lb["event_id"]))


def test_same_figures_in_two_named_windows_stay_two_events():
    # 2022-10-11: 13 drones in the day window and 13 again in the evening: two attacks, 26
    rows = [mention("a", "drone_attack", "2022-10-11", launched=q(13), claimed_by=AF,
                    evidence="On 11 October, from 07:00 to 13:00, the enemy attacked with 13 drones."),
            mention("b", "drone_attack", "2022-10-11", launched=q(13), claimed_by=AF,
                    evidence="Russia launched 13 drones at the Kyiv region on Tuesday evening.")]
    events, _ = merge_events(rows)
    assert sorted(events["window"].tolist()) == ["day", "evening"]
    assert events["launched_value"].tolist() == [13, 13]
