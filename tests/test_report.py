"""`opslens report` / run_report end to end on a small hand-written store (tests/report_corpus.py):
the report files, bad parameters, an empty week, a missing data directory, a failing cell."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from report_corpus import FIRST_DAY, build_store, records

from opslens.errors import ParameterError, StoreError
from opslens.reportlib import IsoWeek, latest_complete_week

ROOT = Path(__file__).resolve().parents[1]


def opslens_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = dict(os.environ, TQDM_DISABLE="1", **(env or {}))
    return subprocess.run([sys.executable, "-m", "opslens", *args], capture_output=True, text=True, env=e,
                          cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("report") / "store")


# --- fast checks: no kernel -----------------------------------------------------------------------

def test_latest_is_the_last_complete_week(store, tmp_path):
    # the corpus ends on Sunday 2022-11-20, the last day of 2022-W46
    assert latest_complete_week(store) == IsoWeek(2022, 46)


def test_latest_skips_a_half_week(tmp_path):
    from opslens.ingest import ingest_records

    d = build_store(tmp_path / "store")
    wed = {"id": "wed", "url": "https://late.example.org/wed", "title": "Wednesday news",
           "published": "2022-11-23T08:00:00+00:00", "source": "late.example.org",
           "text": "A quiet Wednesday on the front, officials said."}
    ingest_records([wed], data_dir=d, progress=False)
    assert latest_complete_week(d) == IsoWeek(2022, 46)  # W47 has only Mon..Wed
    sun = dict(wed, id="sun", url="https://late.example.org/sun", published="2022-11-27T12:00:00+00:00",
               text="A quiet Sunday on the front, officials said.")
    ingest_records([sun], data_dir=d, progress=False)
    assert latest_complete_week(d) == IsoWeek(2022, 47)


@pytest.mark.parametrize("week", ["2022-W60", "2022-46", "last", "2022-W53"])
def test_cli_rejects_a_bad_week_with_usage_error(week):
    r = opslens_cli("report", "--week", week, "--data", "/nonexistent")
    assert r.returncode == 2
    assert "--week" in r.stderr and "2022-W46" in r.stderr  # names the parameter and shows the form


@pytest.mark.parametrize("kwargs, named", [
    ({"context_weeks": "3"}, "context_weeks"),
    ({"context_weeks": -1}, "context_weeks"),
    ({"event_types": ["drones"]}, "event_types"),
    ({"week": 46}, "week"),
])
def test_run_report_rejects_bad_parameters(store, tmp_path, kwargs, named):
    from opslens.report import run_report

    kw = {"week": "2022-W46", **kwargs}
    week = kw.pop("week")
    with pytest.raises(ParameterError) as e:
        run_report(week, data_dir=store, out_dir=tmp_path / "out", **kw)
    assert repr(named) in str(e.value) or named in str(e.value)
    assert not (tmp_path / "out").exists()  # nothing written before the parameters are right


def test_unknown_event_type_lists_accepted_values(store, tmp_path):
    from opslens.report import run_report

    with pytest.raises(ParameterError, match="accepted values: drone_attack, missile_attack"):
        run_report("2022-W46", data_dir=store, out_dir=tmp_path, event_types=["drones"])


def test_missing_data_dir_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-store-here"
    r = opslens_cli("report", "--week", "2022-W46", "--data", str(missing))
    assert r.returncode == 1
    assert str(missing) in r.stderr and "does not exist" in r.stderr and "opslens ingest" in r.stderr
    from opslens.report import run_report

    with pytest.raises(StoreError):
        run_report("latest", data_dir=missing)


# --- end to end: real papermill kernel ------------------------------------------------------------

@pytest.mark.slow
def test_cli_writes_report_folder_and_prints_html_path(store, tmp_path):
    out = tmp_path / "out"
    r = opslens_cli("report", "--week", "2022-W46", "--data", str(store), "--out", str(out))
    assert r.returncode == 0, r.stderr
    html = Path(r.stdout.strip().splitlines()[-1])
    assert html == out / "weekly_report.html" and html.is_file()
    nb = json.loads((out / "weekly_report.ipynb").read_text())
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert sorted(p.name for p in (out / "figures").glob("*.png"))  # at least one chart
    tables = {p.name for p in (out / "tables").glob("*.csv")}
    assert {"provenance.csv", "articles.csv", "aid_packages.csv", "procurement.csv"} <= tables
    text = html.read_text()
    assert "<script" not in text.lower()  # standalone, no CDN scripts, nothing from articles
    assert "OpsLens weekly report" in text
    # the aid package written in the corpus: $400 million from the United States
    aid = (out / "tables" / "aid_packages.csv").read_text()
    assert "United States" in aid and "400000000" in aid.replace(".0", "")
    # national drone figures as the corpus writes them (report_corpus.records: on every second
    # day from 2022-10-24, "launched n", "shot down n - 2" with n = 10 + day index); the Kyiv
    # City reports of the same days are regional parts of that total and must not be added
    import pandas as pd

    daily = pd.read_csv(out / "tables" / "drone_daily.csv").set_index("date")
    for day in ("2022-11-15", "2022-11-17", "2022-11-19"):
        n = 10 + (dt.date.fromisoformat(day) - FIRST_DAY).days
        assert daily.loc[day, ["launched", "destroyed"]].tolist() == [n, n - 2], day
    change = pd.read_csv(out / "tables" / "drone_week_change.csv").set_index("measure")
    w45 = sum(10 + i for i in range(14, 21) if i % 2 == 0)  # 2022-11-07 .. 2022-11-13 = day 14 .. 20
    w46 = sum(10 + i for i in range(21, 28) if i % 2 == 0)
    assert change.loc["launched", ["previous", "this_week"]].tolist() == [w45, w46]


@pytest.mark.slow
def test_empty_week_gives_a_report_that_says_so(store, tmp_path):
    # no --out: the report goes to <reports dir>/<week>/
    r = opslens_cli("report", "--week", "2022-W30", "--data", str(store),
                    env={"OPSLENS_REPORTS_DIR": str(tmp_path / "reports")})
    assert r.returncode == 0, r.stderr
    out = tmp_path / "reports" / "2022-W30"
    assert Path(r.stdout.strip()) == out / "weekly_report.html"
    text = (out / "weekly_report.html").read_text()
    assert "No data for 2022-W30" in text
    assert "The store covers 2022-10-24 .. 2022-11-20" in text
    assert "<img" not in text  # no empty charts
    assert not list(out.glob("figures/*.png"))


@pytest.mark.slow
def test_failing_cell_exits_1_and_keeps_the_traceback(store, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # a file where the figures folder should be: the parameters and the data load are fine,
    # the first cell that saves a chart fails
    (out / "figures").write_text("not a folder")
    r = opslens_cli("report", "--week", "2022-W46", "--data", str(store), "--out", str(out))
    assert r.returncode == 1
    assert re.search(r"weekly_report.ipynb: cell \d+ \(section 'Drone attacks'\) raised FileExistsError", r.stderr), r.stderr
    assert str(out / "weekly_report.ipynb") in r.stderr
    nb = json.loads((out / "weekly_report.ipynb").read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "FileExistsError" and errors[0]["traceback"]
    # the cells before the failure kept their outputs (the summary sentence)
    assert any("2022-W46 (14 Nov" in json.dumps(c.get("outputs", [])) for c in nb["cells"])
    assert (out / "weekly_report.html").is_file()  # partial HTML kept for reading the traceback


def test_corpus_records_are_unique():
    # guard for the fixture itself: the store de-duplicates identical texts, so each must differ
    texts = [r["text"] for r in records()]
    assert len(texts) == len(set(texts))


def _w46_records(source: str | None = None) -> list[dict]:
    lo, hi = "2022-11-14", "2022-11-20"
    return [r for r in records() if lo <= r["published"][:10] <= hi and (source is None or r["source"] == source)]


def test_provenance_counts_the_weeks_articles_and_outlets(store):
    from opslens.reportlib import load_week, provenance, snapshot_hash, validate_parameters

    data = load_week(validate_parameters(week="2022-W46", data_dir=str(store)))
    prov = dict(provenance(data).itertuples(index=False))
    week = _w46_records()  # all published 09:00 Kyiv, so the UTC date is the Kyiv day
    assert prov["articles in week"] == str(len(week))
    assert prov["outlets in week"] == str(len({r["source"] for r in week}))
    assert prov["data snapshot (sha256 of store manifest)"] == snapshot_hash(store)
    assert prov["data directory"] == str(store)
    assert '"week": "2022-W46"' in prov["parameters"]


def test_outlets_parameter_limits_articles_and_events(store):
    from opslens.reportlib import load_week, validate_parameters

    data = load_week(validate_parameters(week="2022-W46", data_dir=str(store), outlets=["wire.example.net"]))
    assert set(data.week_articles["source"]) == {"wire.example.net"}
    assert len(data.week_articles) == len(_w46_records("wire.example.net"))
    wire_ids = {r["id"] for r in records() if r["source"] == "wire.example.net"}
    assert len(data.mentions) and set(data.mentions["article_id"]) <= wire_ids


def test_rerun_clears_figures_and_tables_of_the_previous_run(tmp_path):
    from opslens.report import _clear_previous_outputs

    for rel in ("figures/old.png", "tables/old.csv", "notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    _clear_previous_outputs(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == ["notes.txt"]


def test_week_before_the_store_begins_is_unknown_not_zero(store, tmp_path):
    # the corpus begins on 2022-10-24, the Monday of 2022-W43: W42 is not in the store
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from opslens.reportlib import Output, attacks_section, load_week, validate_parameters

    data = load_week(validate_parameters(week="2022-W43", data_dir=str(store), out_dir=str(tmp_path)))
    attacks_section(data, "drone_attack", Output(tmp_path))
    change = pd.read_csv(tmp_path / "tables" / "drone_week_change.csv").set_index("measure")
    assert change["previous"].isna().all() and change["change_pct"].isna().all()
    assert change.loc["launched", "this_week"] == sum(10 + i for i in range(0, 7) if i % 2 == 0)
