"""The weekly report: ``notebooks/weekly_report.ipynb`` run by papermill into ``reports/<week>/``.

Output folder (``out_dir``, default ``<reports dir>/<week>/``)::

    weekly_report.ipynb    the executed notebook (kept, with the traceback, when a cell fails)
    weekly_report.html     standalone HTML: code hidden, images embedded, no external resources
    figures/*.png          every chart of the report
    tables/*.csv           every table of the report

The same notebook runs directly under papermill (``papermill notebooks/weekly_report.ipynb
out.ipynb -p week 2022-W46``); :func:`run_report` adds the week resolution, the output folder and
the HTML.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, Sequence

from .errors import OpsLensError
from .settings import get_settings

log = logging.getLogger(__name__)

__all__ = ["run_report", "export_html", "ReportError", "NOTEBOOK"]

#: The report notebook, below the project's ``notebooks/`` folder.
NOTEBOOK = "weekly_report.ipynb"


class ReportError(OpsLensError):
    """A report notebook failed; ``notebook`` is the executed copy holding the traceback."""

    def __init__(self, message: str, notebook: Path | None = None, cell_index: int | None = None):
        super().__init__(message)
        self.notebook = notebook
        self.cell_index = cell_index


def _skip_slow_optional_imports() -> None:
    """Keep jsonschema (imported by nbformat) from loading its optional ``rfc3987_syntax`` IRI
    checker, which builds a grammar at import: 1.5-2.5 s of every report run on this machine,
    for a format no notebook schema uses. Only when nothing has imported it yet."""
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _template_dir() -> Path:
    return Path(__file__).resolve().parent / "data" / "nbconvert"


def export_html(notebook: str | os.PathLike[str], html_path: str | os.PathLike[str] | None = None) -> Path:
    """Write a standalone HTML version of an executed notebook: code cells hidden (their
    outputs and all Markdown kept), images embedded as data URIs, no script from any CDN.
    Returns the HTML path (default: the notebook path with ``.html``)."""
    _skip_slow_optional_imports()
    import nbformat
    from nbconvert import HTMLExporter

    from .store import atomic_write_bytes

    nb_path = Path(notebook)
    out = Path(html_path) if html_path else nb_path.with_suffix(".html")
    nb = nbformat.read(nb_path, as_version=4)
    exporter = HTMLExporter(template_name="opslens_report", extra_template_basedirs=[str(_template_dir())],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _resources = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
    atomic_write_bytes(out, body.encode("utf-8"))
    return out


def _section_of(nb_path: Path, cell_index: int) -> str | None:
    """The last Markdown heading at or above ``cell_index`` in the notebook."""
    try:
        import nbformat

        nb = nbformat.read(nb_path, as_version=4)
    except Exception:  # noqa: BLE001 - best effort, only used in an error message
        return None
    for cell in reversed(nb.cells[: cell_index + 1]):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return None


def _clear_previous_outputs(out: Path) -> None:
    """Remove the figures and tables of an earlier run into ``out`` (a rerun for the same week
    must not leave charts the new run did not draw). Other files are left alone."""
    for pattern in ("figures/*.png", "tables/*.csv"):
        for f in out.glob(pattern):
            f.unlink()


def run_report(week: str = "latest", *, data_dir: str | os.PathLike[str] | None = None,
               out_dir: str | os.PathLike[str] | None = None, context_weeks: int = 3,
               event_types: Sequence[str] | None = None, outlets: Sequence[str] | None = None,
               notebook: str | os.PathLike[str] | None = None, kernel_name: str | None = None,
               timeout: int = 600) -> Path:
    """Run the weekly report for ``week`` (``"2022-W46"`` or ``"latest"``: the latest complete
    ISO week in the store) and return the path of the HTML file.

    Raises :class:`~opslens.errors.ParameterError` for a bad parameter,
    :class:`~opslens.errors.StoreError` for a missing store, and :class:`ReportError` when a
    cell fails (the executed notebook with the traceback and its HTML are still written).
    A week without data gives a report that says so.
    """
    from .reportlib import validate_parameters

    t0 = time.perf_counter()
    settings = get_settings(data_dir)
    params = validate_parameters(week=week, data_dir=str(settings.data_dir), out_dir=None,
                                 context_weeks=context_weeks, event_types=list(event_types or []),
                                 outlets=list(outlets or []))
    label = params.week.label
    out = Path(out_dir).expanduser().resolve() if out_dir else settings.reports_dir / label
    out.mkdir(parents=True, exist_ok=True)
    nb_in = Path(notebook) if notebook else settings.notebooks_dir / NOTEBOOK
    if not nb_in.is_file():
        raise ReportError(f"{nb_in}: report notebook not found; reinstall OpsLens from a source checkout "
                          "or pass notebook=PATH")
    nb_out = out / nb_in.name
    _clear_previous_outputs(out)
    parameters: dict[str, Any] = {
        "week": label, "data_dir": str(params.data_dir), "out_dir": str(out),
        "context_weeks": params.context_weeks, "event_types": list(event_types or []),
        "outlets": list(outlets or []),
    }
    _skip_slow_optional_imports()
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    log.info("report %s: running %s -> %s", label, nb_in.name, nb_out)
    try:
        pm.execute_notebook(str(nb_in), str(nb_out), parameters=parameters, kernel_name=kernel_name,
                            progress_bar=not os.environ.get("TQDM_DISABLE"), cwd=str(out),
                            execution_timeout=timeout, log_output=False,
                            # the kernel's own startup warnings (TCP transport notice) are not ours
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except PapermillExecutionError as e:
        html = None
        try:
            html = export_html(nb_out, out / f"{nb_out.stem}.html")
        except Exception as he:  # noqa: BLE001 - the notebook is what matters here
            log.warning("could not write the HTML of the failed report: %s", he)
        section = _section_of(nb_out, e.cell_index)
        where = f"cell {e.cell_index}" + (f" (section '{section}')" if section else "")
        raise ReportError(f"{nb_in.name}: {where} raised {e.ename}: {e.evalue.strip()}; the executed notebook "
                          f"with the traceback is {nb_out}" + (f" (HTML: {html})" if html else ""),
                          notebook=nb_out, cell_index=e.cell_index) from None
    html = export_html(nb_out, out / f"{nb_out.stem}.html")
    log.info("report %s written in %.1f s: %s", label, time.perf_counter() - t0, html)
    return html
