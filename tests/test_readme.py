"""The README is documentation a researcher copies from: its example must run as written."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [ln.split("#")[0].strip() for ln in section.splitlines() if ln.startswith("    ")]
    commands = [c for c in commands if c]
    assert commands[:2] == ["make report", "make test"], commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.M), "CI must run the README's test command"


@pytest.mark.slow
def test_python_example_runs_as_written(tmp_path):
    (code,) = _blocks("python")
    env = dict(os.environ, OPSLENS_DATA_DIR=str(tmp_path / "store"), MPLBACKEND="Agg", TQDM_DISABLE="1")
    script = code + (
        "\nassert len(articles) > 0, 'no articles in the week'"
        "\nassert len(mentions) > 0 and mentions['evidence_text'].notna().all()"
        "\nassert {'date', 'launched', 'destroyed'} <= set(daily.columns)"
        "\nassert len(official) > 0"
        "\nprint('ok', len(articles), len(mentions), len(events))\n"
    )
    r = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.startswith("ok")
