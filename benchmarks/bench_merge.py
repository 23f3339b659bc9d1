"""Time and memory of merge_events and daily_series on synthetic mentions.

    .venv/bin/python benchmarks/bench_merge.py [N ...]      (default: 100000 1000000)

Mentions (each with its own evidence sentence, half of them naming a reporting window) are
generated with the columns of opslens.schema.events_frame that merging reads
(flat figures, no per-row dicts): ~3.5 years of days, 27 oblasts + national totals, 50% drone,
30% missile, 12% ground, 8% aid/procurement, each happening told by ~1-8 outlets with figures
that vary a little. Prints wall time, mentions/s, events found and the process's peak RSS
(``ru_maxrss``, which includes the input frame) measured in a fresh subprocess per size, and
the 1-minute load average (the machine is shared: wall time grows with load, CPU time less so).
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

ADMIN1 = ["Cherkasy Oblast", "Chernihiv Oblast", "Chernivtsi Oblast", "Crimea", "Dnipropetrovsk Oblast",
          "Donetsk Oblast", "Ivano-Frankivsk Oblast", "Kharkiv Oblast", "Kherson Oblast", "Khmelnytskyi Oblast",
          "Kirovohrad Oblast", "Kyiv City", "Kyiv Oblast", "Luhansk Oblast", "Lviv Oblast", "Mykolaiv Oblast",
          "Odesa Oblast", "Poltava Oblast", "Rivne Oblast", "Sevastopol", "Sumy Oblast", "Ternopil Oblast",
          "Vinnytsia Oblast", "Volyn Oblast", "Zakarpattia Oblast", "Zaporizhzhia Oblast", "Zhytomyr Oblast"]
WEAPONS = {"drone_attack": ["Shahed-136/131", "Lancet", "Orlan-10"],
           "missile_attack": ["X-101/X-555", "Kalibr", "Iskander-M", "C-300"], "ground_assault": [None]}
CLAIMANTS = [None, None, None, "Ukrainian Air Force", "General Staff", "Kyiv City Military Administration",
             "Odesa Oblast Military Administration", "Mayor of Kharkiv"]
WINDOW_PHRASES = ["", "overnight", "on Monday evening", "from 03:30 to 06:50", "from 09:00 to 11:30", "over the past day",
                  "at about 21:00"]
DONORS = ["United States", "Germany", "United Kingdom", "Poland", "France", "Canada", "Netherlands", "Norway",
          "Sweden", "Denmark", "European Union", "Japan", "Italy", "Spain", "Czech Republic", "Lithuania"]


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_happenings = max(1, n // 4)
    days = pd.Timestamp("2022-02-24") + pd.to_timedelta(rng.integers(0, 1300, n_happenings), unit="D")
    htype = rng.choice(["drone_attack", "missile_attack", "ground_assault", "aid_announcement", "procurement"],
                       n_happenings, p=[0.5, 0.3, 0.12, 0.07, 0.01])
    hadmin = np.where(rng.random(n_happenings) < 0.3, None, rng.choice(ADMIN1, n_happenings))
    hbase = rng.integers(1, 80, n_happenings)
    hdonor = rng.choice(DONORS, n_happenings)
    hamount = rng.integers(1, 400, n_happenings) * 5_000_000.0
    # each mention picks a happening; popular ones are told more often
    h = rng.integers(0, n_happenings, n)
    t = htype[h]
    weapon = np.array([rng.choice(WEAPONS[x]) if x in WEAPONS and rng.random() < 0.6 else None for x in t], dtype=object)
    noise = rng.integers(-2, 3, n)
    launched = np.where(rng.random(n) < 0.6, hbase[h] + noise, -1)
    destroyed = np.where(rng.random(n) < 0.8, np.maximum(0, hbase[h] - 3 + noise), -1)
    is_aid = np.isin(t, ["aid_announcement", "procurement"])
    # an evidence sentence per mention, all distinct (the worst case for reading reporting
    # windows); half the mentions name their happening's window, the others none
    hwin = rng.choice(np.array(WINDOW_PHRASES, dtype=object), n_happenings)
    says = np.where(rng.random(n) < 0.5, hwin[h], "")
    evidence = [f"Air defences shot down {abs(int(d))} of {abs(int(x))} drones {w} in report {k}."
                for k, (d, x, w) in enumerate(zip(destroyed.tolist(), launched.tolist(), says.tolist()))]
    df = pd.DataFrame({
        "article_id": pd.array([f"a{k}" for k in rng.integers(0, n // 3 + 1, n)], dtype="string"),
        "type": pd.array(t, dtype="string"),
        "date": days[h] + pd.to_timedelta(np.where(is_aid, rng.integers(0, 10, n), 0), unit="D"),
        "date_precision": pd.array(np.where(rng.random(n) < 0.02, "week", "day"), dtype="string"),
        "admin1": pd.array(np.where(is_aid, None, hadmin[h]), dtype="string"),
        "country": pd.array(np.where(is_aid, None, "UA"), dtype="string"),
        "weapon": pd.array(weapon, dtype="string"),
        "claimed_by": pd.array(rng.choice(np.array(CLAIMANTS, dtype=object), n), dtype="string"),
        "donor": pd.array(np.where(is_aid, hdonor[h], None), dtype="string"),
        "recipient": pd.array(np.where(is_aid, "Ukraine", None), dtype="string"),
        "value_amount": pd.array(np.where(is_aid & (rng.random(n) < 0.7), hamount[h], np.nan), dtype="Float64"),
        "value_currency": pd.array(np.where(is_aid, "USD", None), dtype="string"),
        "launched_value": pd.array(np.where(is_aid | (launched < 0), None, launched), dtype="Int64"),
        "destroyed_value": pd.array(np.where(is_aid | (destroyed < 0), None, destroyed), dtype="Int64"),
        "count_value": pd.array(np.where(t == "ground_assault", hbase[h], None), dtype="Int64"),
        "evidence_start": pd.array(rng.integers(0, 5000, n), dtype="Int64"),
        "evidence_text": pd.array(evidence, dtype="string"),
    })
    for q in ("killed", "injured"):
        df[f"{q}_value"] = pd.array([None] * n, dtype="Int64")
    return df


def one(n: int) -> dict:
    from opslens.merge import merge_events
    from opslens.series import daily_series

    df = synthetic(n)
    rss_input = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0, c0 = time.perf_counter(), time.process_time()
    events, links = merge_events(df)
    t1, c1 = time.perf_counter(), time.process_time()
    s = daily_series(events)
    t2 = time.perf_counter()
    return {"mentions": n, "events": len(events), "merge_s": round(t1 - t0, 2), "merge_cpu_s": round(c1 - c0, 2), "load": round(os.getloadavg()[0], 1), "series_s": round(t2 - t1, 2),
            "mentions_per_s": round(n / (t1 - t0)), "series_rows": len(s),
            "peak_rss_mb_after_input": round(rss_input), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(one(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [100_000, 1_000_000]
    print(f"{'mentions':>10} {'events':>9} {'merge s':>8} {'(CPU s)':>8} {'mentions/s':>11} {'series s':>9} "
          f"{'RSS input MB':>13} {'peak RSS MB':>12} {'load avg':>9}")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['mentions']:>10} {r['events']:>9} {r['merge_s']:>8} {r['merge_cpu_s']:>8} {r['mentions_per_s']:>11} "
              f"{r['series_s']:>9} {r['peak_rss_mb_after_input']:>13} {r['peak_rss_mb']:>12} {r['load']:>9}")


if __name__ == "__main__":
    main(sys.argv[1:])
