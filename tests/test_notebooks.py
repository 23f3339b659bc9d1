"""The notebooks: committed clean (no outputs, one typed and commented parameters cell, validation
right after it) and executed under papermill in a real kernel on the bundled sample corpus."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SAMPLE = ROOT / "data" / "sample"

#: notebook -> (parameters for the sample corpus, headings the HTML must show, minimum charts)
EXPECTED = {
    "weekly_report.ipynb": ({"week": "2022-W46"},
                            ["Summary", "Drone attacks", "Missile attacks", "Where", "Ground assaults",
                             "Aid announcements", "Procurement", "Evidence", "Provenance"], 3),
    "drone_attacks.ipynb": ({"week": "2022-W46", "context_weeks": 3}, ["Drones", "Missiles", "Where (last week)"], 2),
    "aid_announcements.ipynb": ({"week": "2022-W46", "context_weeks": 3},
                                ["Aid by donor and category", "Procurement", "Evidence"], 1),
    "corpus_overview.ipynb": ({}, ["Articles per day and outlet", "Coverage gaps", "Duplicates",
                                   "Undated articles"], 1),
}


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- committed form -------------------------------------------------------------------------------

def test_the_four_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= set(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = _nb(path)
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert dirty == [], f"{path.name}: cells {dirty} carry outputs; clear them before committing"
    assert "papermill" not in nb["metadata"], f"{path.name}: an executed copy was committed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exactly_one_parameters_cell_then_validation(path):
    nb = _nb(path)
    tagged = [i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
    nxt = next(c for c in nb["cells"][tagged[0] + 1:] if c["cell_type"] == "code")
    assert re.search(r"\bvalidate_\w*parameters\(", "".join(nxt["source"])), \
        f"{path.name}: the first code cell after the parameters must validate them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_typed_and_documented(path):
    import papermill as pm

    params = pm.inspect_notebook(str(path))
    src = "".join(next(c for c in _nb(path)["cells"]
                       if "parameters" in c.get("metadata", {}).get("tags", []))["source"])
    assigned = re.findall(r"^(\w+)\s*[:=]", src, flags=re.M)
    assert set(params) == set(assigned), f"{path.name}: papermill sees {sorted(params)}, cell assigns {assigned}"
    for name, p in params.items():
        assert p["inferred_type_name"] not in ("None", ""), f"{path.name}: {name} has no type annotation"
        assert p["help"], f"{path.name}: {name} has no comment"


# --- execution on the sample corpus ---------------------------------------------------------------

@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """The bundled sample corpus (HTML pages, feed, WARC) ingested into a fresh store."""
    inputs = [SAMPLE / "html", SAMPLE / "feed.xml", SAMPLE / "sample.warc.gz"]
    missing = [str(p.relative_to(ROOT)) for p in inputs if not p.exists()]
    if missing:
        pytest.fail(f"sample corpus incomplete, missing {missing}: run `python data/sample/build.py`")
    from opslens.ingest import ingest

    d = tmp_path_factory.mktemp("sample") / "store"
    ingest([str(p) for p in inputs], data_dir=d, progress=False)
    return d


def _execute(name: str, params: dict, store: Path, out: Path) -> Path:
    import papermill as pm

    out.mkdir(parents=True, exist_ok=True)
    nb_out = out / name
    pm.execute_notebook(str(ROOT / "notebooks" / name), str(nb_out),
                        parameters={**params, "data_dir": str(store), "out_dir": str(out)},
                        progress_bar=False, cwd=str(out), kernel_name="python3")
    return nb_out


@pytest.fixture(scope="module")
def executed(sample_store, tmp_path_factory):
    """name -> output folder of that notebook executed once on the sample corpus (lazily)."""
    done: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in done:
            out = tmp_path_factory.mktemp(name.split(".")[0])
            _execute(name, EXPECTED[name][0], sample_store, out)
            done[name] = out
        return done[name]

    return get


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_executes_on_sample_corpus(name, executed):
    from opslens.report import export_html

    _params, headings, min_charts = EXPECTED[name]
    out = executed(name)
    nb = _nb(out / name)
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors == []
    html = export_html(out / name).read_text(encoding="utf-8")
    shown = [re.sub(r"<[^>]+>|¶", "", h).strip() for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, flags=re.S)]
    for h in headings:
        assert h in shown, f"{name}: section {h!r} missing from the HTML ({shown})"
    charts = re.findall(r'<img [^>]*src="data:image/png;base64,', html)
    assert len(charts) >= min_charts, f"{name}: {len(charts)} embedded charts, expected >= {min_charts}"
    assert len(list((out / "figures").glob("*.png"))) == len(charts)
    assert "<script" not in html.lower()


@pytest.mark.slow
def test_weekly_report_on_sample_shows_merged_drone_figures(executed):
    """The report's daily drone table holds merged national figures and links each day to evidence."""
    import pandas as pd

    from opslens.report import export_html

    out = executed("weekly_report.ipynb")
    daily = pd.read_csv(out / "tables" / "drone_daily.csv")
    assert len(daily) >= 1 and daily["launched"].notna().any()
    assert (daily["events"] >= 1).all()
    # the truth the sample was written from (data/sample/manifest.csv): on 2022-11-17 the Air
    # Force counted 5 Shahed drones, all destroyed; four outlets retell it and must count once
    truth = pd.read_csv(SAMPLE / "manifest.csv")
    t = truth[(truth["event_type"] == "drone_attack") & (truth["date"] == "2022-11-17")
              & (truth["scope"] == "national")].drop_duplicates("fact_ids")
    row = daily.set_index("date").loc["2022-11-17"]
    assert [row["launched"], row["destroyed"]] == [t["launched"].sum(), t["destroyed"].sum()] == [5, 5]
    text = export_html(out / "weekly_report.ipynb").read_text()
    refs = set(re.findall(r'href="#(ev-[^"]+)"', text))
    anchors = set(re.findall(r'id="(ev-[^"]+)"', text))
    assert refs and refs <= anchors  # every evidence link lands on a row of the evidence table


@pytest.mark.slow
@pytest.mark.parametrize("params, named", [
    ({"week": "2022-W99"}, "'week'"),
    ({"week": "2022-W46", "event_types": ["tanks"]}, "'event_types'"),
])
def test_papermill_direct_run_stops_on_bad_parameters(params, named, sample_store, tmp_path):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as e:
        _execute("weekly_report.ipynb", params, sample_store, tmp_path)
    assert e.value.ename == "ParameterError"
    assert named in e.value.evalue
    assert "accepted values" in e.value.evalue or "expected" in e.value.evalue
