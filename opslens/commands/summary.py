"""`opslens summary`: corpus summary (articles per day and outlet) as CSV and a PNG chart.

The interim main job until the weekly report lands: writes
``<reports>/corpus-summary/articles_per_day.csv`` and ``articles_per_day.png`` and prints
their paths.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="articles per day and outlet (CSV and PNG chart)",
                       description="Summarise the article store: articles per Kyiv-local day and "
                                   "outlet, written as CSV and a stacked bar chart (PNG).")
    p.add_argument("--data", metavar="DIR", help="store directory (default: $OPSLENS_DATA_DIR or data/store)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: <reports>/corpus-summary)")
    p.add_argument("--start", metavar="DATE", help="first publication date included (ISO)")
    p.add_argument("--end", metavar="DATE", help="first publication date excluded (ISO)")
    p.set_defaults(func=run, _parser=p)


def write_summary(counts, out_dir: Path) -> tuple[Path, Path]:
    """Write the per-day table (see ``articles_per_day``) as CSV and a stacked bar chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out_dir / "articles_per_day.csv", out_dir / "articles_per_day.png"
    tmp = out_dir / ".tmp-articles_per_day.csv"
    counts.assign(date=counts["date"].dt.strftime("%Y-%m-%d")).to_csv(tmp, index=False)
    tmp.replace(csv_path)
    wide = counts.pivot_table(index="date", columns="source", values="articles", aggfunc="sum", fill_value=0)
    fig, ax = plt.subplots(figsize=(12, 4.5), dpi=100)
    if len(wide):
        colors = plt.get_cmap("tab20").colors
        bottom = None
        for i, src in enumerate(wide.columns):
            ax.bar(wide.index, wide[src], bottom=bottom, label=str(src), width=0.8, color=colors[i % len(colors)])
            bottom = wide[src] if bottom is None else bottom + wide[src]
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="outlet")
    else:
        ax.text(0.5, 0.5, "no dated articles in the store", ha="center", va="center", transform=ax.transAxes)
    ax.set_title("Articles per day and outlet")
    ax.set_ylabel("articles")
    fig.autofmt_xdate()
    fig.tight_layout()
    tmp_png = out_dir / ".tmp-articles_per_day.png"
    fig.savefig(tmp_png, format="png")
    plt.close(fig)
    tmp_png.replace(png_path)
    return csv_path, png_path


def run(args: argparse.Namespace) -> int:
    from ..articles import articles_per_day, load_articles
    from ..errors import StoreError
    from ..settings import get_settings
    from ..store import ArticleStore, parse_published

    for opt, value in (("--start", args.start), ("--end", args.end)):
        if value is not None and parse_published(value) is None:
            args._parser.error(f"{opt} {value!r}: not a date; give an ISO date such as 2022-10-10")
    settings = get_settings(args.data)
    if not ArticleStore(settings).exists():
        raise StoreError(f"{settings.articles_dir}: no article store here; run `opslens ingest` first "
                         "(or pass --data DIR)")
    df = load_articles(args.start, args.end, columns=["id", "published", "source"], data_dir=settings.data_dir)
    out = Path(args.out) if args.out else settings.reports_dir / "corpus-summary"
    csv_path, png_path = write_summary(articles_per_day(df), out)
    print(csv_path)
    print(png_path)
    return 0
