"""`opslens ingest` and `opslens summary` from the command line: help, exit codes 0/1/2, outputs."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from opslens.cli import main

ROOT = Path(__file__).resolve().parents[1]

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example Herald</title>
<link rel="canonical" href="https://herald.example.com/news/{slug}">
<meta property="article:published_time" content="{published}"></head>
<body><nav><a href="/">Home</a> <a href="/war">War</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>
<p>{lead}</p>
<p>Officials said emergency crews were working at the scene and that further details would be
released once damage assessments had been completed by the regional administration.</p>
<p>Residents were asked to stay in shelters until the air raid alert was lifted and to report
any debris they found to the police rather than approaching it themselves.</p>
</article><footer>(c) Example Herald</footer></body></html>
"""


def write_pages(folder: Path) -> list[Path]:
    """Three saved pages (text written for this test): two on 2024-02-20, one on 2024-02-22 (Kyiv)."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = [
        ("drones-kyiv", "Drones shot down over Kyiv", "2024-02-20T07:15:00+02:00",
         "Air defence units destroyed nine attack drones over the capital overnight, the city military administration said."),
        ("odesa-port", "Port infrastructure hit in Odesa", "2024-02-20T23:40:00+02:00",
         "A missile strike damaged port warehouses in Odesa late on Tuesday evening, the regional governor reported."),
        ("aid-package", "New aid package announced", "2024-02-22T10:00:00+02:00",
         "A new package of air defence equipment worth 150 million dollars was announced by the defence ministry on Thursday."),
    ]
    out = []
    for slug, title, published, lead in pages:
        p = folder / f"{slug}.html"
        p.write_text(PAGE.format(slug=slug, title=title, published=published, lead=lead), encoding="utf-8")
        out.append(p)
    return out


def test_help_on_ingest_and_summary_exits_0(capsys):
    for cmd in ("ingest", "summary"):
        with pytest.raises(SystemExit) as e:
            main([cmd, "--help"])
        assert e.value.code == 0
    out = capsys.readouterr().out
    assert "INPUT" in out and "--map COL=FIELD" in out and "--data DIR" in out


def test_console_script_help_runs(tmp_path):
    r = subprocess.run([str(Path(sys.executable).parent / "opslens"), "ingest", "--help"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0 and "usage: opslens ingest" in r.stdout


@pytest.mark.parametrize("argv", [
    ["ingest"],                                          # no input
    ["ingest", "x.jsonl", "--map", "headline"],          # not COL=FIELD
    ["ingest", "x.jsonl", "--batch", "0"],
    ["ingest", "x.jsonl", "--delay", "soon"],
    ["summary", "--no-such-flag"],
])
def test_bad_usage_exits_2(argv, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv + ["--data", str(tmp_path)] if argv[0] == "summary" else argv)
    assert e.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_ingest_saved_pages_then_rerun_is_idempotent(tmp_path, capsys):
    write_pages(tmp_path / "pages")
    store = tmp_path / "store"
    assert main(["-q", "ingest", str(tmp_path / "pages"), "--data", str(store)]) == 0
    first = capsys.readouterr().out.strip().splitlines()[-1]
    assert first.startswith("ingest: 3 added, 0 duplicate") and str(store) in first
    assert main(["-q", "ingest", str(tmp_path / "pages"), "--data", str(store)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("ingest: 0 added, 3 duplicate")


def test_ingest_export_with_column_mapping(tmp_path, capsys):
    exp = tmp_path / "export.csv"
    with open(exp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["headline", "body", "link", "date", "desk"])
        w.writerow(["Grid repaired", "Engineers restored power to 4,000 homes in Kharkiv region.",
                    "https://grid.example.org/1", "2024-02-21", "east"])
    store = tmp_path / "store"
    rc = main(["-q", "ingest", str(exp), "--map", "headline=title", "--map", "body=text",
               "--map", "link=url", "--map", "date=published", "--data", str(store)])
    assert rc == 0
    from opslens import load_articles

    df = load_articles(data_dir=store)
    assert df.loc[0, "title"] == "Grid repaired" and df.loc[0, "url"] == "https://grid.example.org/1"
    assert str(df.loc[0, "published"].date()) == "2024-02-21"


def test_ingest_with_some_bad_inputs_exits_0_and_names_them(tmp_path, capsys):
    write_pages(tmp_path / "pages")
    bad = tmp_path / "broken.warc"
    bad.write_bytes(b"garbage\n")
    rc = main(["-q", "ingest", str(tmp_path / "pages"), str(bad), "--data", str(tmp_path / "store")])
    cap = capsys.readouterr()
    assert rc == 0
    assert "3 added" in cap.out and "1 error" in cap.out
    assert "broken.warc" in cap.err


def test_ingest_where_every_input_failed_exits_1(tmp_path, capsys):
    bad = tmp_path / "broken.warc"
    bad.write_bytes(b"garbage\n")
    rc = main(["-q", "ingest", str(bad), str(tmp_path / "missing.html"), "--data", str(tmp_path / "store")])
    err = capsys.readouterr().err
    assert rc == 1
    assert "broken.warc" in err and "missing.html" in err


def test_summary_writes_csv_and_png_and_prints_paths(tmp_path, capsys):
    write_pages(tmp_path / "pages")
    store, out = tmp_path / "store", tmp_path / "out"
    assert main(["-q", "ingest", str(tmp_path / "pages"), "--data", str(store)]) == 0
    capsys.readouterr()
    assert main(["-q", "summary", "--data", str(store), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / "articles_per_day.csv"), str(out / "articles_per_day.png")]
    with open(out / "articles_per_day.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # Kyiv-local days of the three pages: 20th, 20th (23:40 local), 22nd
    assert [(r["date"], r["articles"]) for r in rows] == [("2024-02-20", "2"), ("2024-02-22", "1")]
    assert (out / "articles_per_day.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_without_a_store_exits_1_with_advice(tmp_path, capsys):
    assert main(["summary", "--data", str(tmp_path / "nothing")]) == 1
    err = capsys.readouterr().err
    assert "nothing" in err and "opslens ingest" in err


def test_ingest_into_an_unwritable_place_exits_1_naming_it(tmp_path, capsys):
    write_pages(tmp_path / "pages")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    rc = main(["-q", "ingest", str(tmp_path / "pages"), "--data", str(blocker / "store")])
    err = capsys.readouterr().err
    assert rc == 1 and "a-file" in err and "--data" in err


def test_unknown_extractor_is_bad_usage(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["ingest", str(tmp_path), "--extractor", "nope"])
    assert e.value.code == 2 and "trafilatura" in capsys.readouterr().err


def test_many_errors_are_capped_on_screen_and_all_logged(tmp_path, capsys):
    lines = ['{"id": "ok-1", "url": "https://a.example.org/1", "text": "A valid line about repairs."}']
    lines += [f"not json {i}" for i in range(30)]
    (tmp_path / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    assert main(["-q", "ingest", str(tmp_path / "export.jsonl"), "--data", str(store)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 21 and "and 10 more error(s)" in err[-1] and "ingest_log.jsonl" in err[-1]
    logged = [json.loads(x) for x in (store / "ingest_log.jsonl").read_text().splitlines()]
    assert sum(r["status"] == "error" for r in logged) == 30


def test_options_between_inputs_are_accepted(tmp_path, capsys):
    pages = write_pages(tmp_path / "pages")
    store = tmp_path / "store"
    rc = main(["-q", "ingest", str(pages[0]), "--data", str(store), str(pages[1]), "--batch", "5", str(pages[2])])
    assert rc == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("ingest: 3 added, 0 duplicate")


def test_help_still_works_on_the_top_level_and_every_subcommand(capsys):
    from opslens.cli import COMMANDS

    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0 and "COMMAND" in capsys.readouterr().out
    for cmd in COMMANDS:
        with pytest.raises(SystemExit) as e:
            main([cmd, "--help"])
        assert e.value.code == 0, cmd
        assert f"usage: opslens {cmd}" in capsys.readouterr().out


def test_export_mapping_with_lines_that_already_have_the_field(tmp_path, capsys):
    exp = tmp_path / "mixed.jsonl"
    exp.write_text("\n".join(json.dumps(o) for o in [
        {"url": "https://m.example.org/1", "text": "Own text: power was restored to the northern district."},
        {"url": "https://m.example.org/2", "body": "Body only: the bridge over the river reopened to traffic."},
    ]) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    assert main(["-q", "ingest", str(exp), "--map", "body=text", "--data", str(store)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("ingest: 2 added, 0 duplicate, 0 new versions, 0 errors")
    from opslens import load_articles

    df = load_articles(data_dir=store).sort_values("url")
    assert df["text"].str[:9].tolist() == ["Own text:", "Body only"]


def test_each_problem_is_told_once_without_third_party_log_noise(tmp_path):
    """A user reading stderr sees each bad input once, in OpsLens's words; the parsing
    libraries' own complaints (trafilatura's 'discarding data', 'empty HTML tree') stay out
    unless -v asks for them."""
    good = write_pages(tmp_path / "pages")[0]
    blank = tmp_path / "blank.html"
    blank.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("OPSLENS_")}
    env["TQDM_DISABLE"] = "1"
    r = subprocess.run([sys.executable, "-m", "opslens", "ingest", str(good), str(blank),
                        "--data", str(tmp_path / "store")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count(f"{blank}: no article text") == 1, r.stderr
    assert "trafilatura" not in r.stderr and "newspaper" not in r.stderr, r.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_and_verbose_work_before_or_after_the_command(tmp_path, capsys, where):
    page = write_pages(tmp_path / "pages")[0]
    args = ["ingest", str(page), "--data", str(tmp_path / "store")]
    argv = ["-q", *args] if where == "before" else [*args, "-q"]
    assert main(argv) == 0
    assert "1 added" in capsys.readouterr().out
    assert main([*args, "-v"] if where == "after" else ["-v", *args]) == 0


def test_quiet_before_the_command_is_not_reset_by_the_command(tmp_path, capsys):
    from opslens.cli import build_parser

    page = write_pages(tmp_path / "pages")[0]
    args = build_parser().parse_args(["-q", "-v", "ingest", str(page)])
    assert args.quiet is True and args.verbose == 1
    args = build_parser().parse_args(["ingest", str(page)])
    assert args.quiet is False and args.verbose == 0


def test_map_to_an_unknown_field_is_bad_usage_naming_the_fields(tmp_path, capsys):
    exp = tmp_path / "e.jsonl"
    exp.write_text('{"headline": "x", "body": "Some text about bridge repairs."}\n', encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        main(["ingest", str(exp), "--map", "headline=heading", "--data", str(tmp_path / "store")])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "--map headline=heading: unknown article field 'heading'" in err and "title" in err
    assert not (tmp_path / "store").exists(), "nothing is done on bad usage"


@pytest.mark.parametrize("opt", ["--start", "--end"])
def test_summary_with_a_date_that_is_not_a_date_is_bad_usage(tmp_path, capsys, opt):
    with pytest.raises(SystemExit) as e:
        main(["summary", "--data", str(tmp_path), opt, "last tuesday"])
    assert e.value.code == 2
    assert f"{opt} 'last tuesday': not a date" in capsys.readouterr().err


def test_an_unwritable_cache_is_a_message_naming_it_not_a_traceback(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OPSLENS_CACHE_DIR", str(blocker / "cache"))
    feed = ROOT / "data" / "sample" / "feed.xml"
    assert main(["-q", "ingest", str(feed), "--data", str(tmp_path / "store")]) == 1
    err = capsys.readouterr().err
    assert f"opslens: {blocker / 'cache'}: Not a directory" in err
    assert "OPSLENS_CACHE_DIR" in err and "Traceback" not in err
    from opslens.articles import load_articles

    assert len(load_articles(data_dir=tmp_path / "store")) > 0, "articles read before the failure are kept"
