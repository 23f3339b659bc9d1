"""load_articles / export_articles: documented dtypes, filters pushed down, the article contract."""
from __future__ import annotations

import csv
import json
import logging

import pandas as pd
import pytest

from opslens.articles import COLUMNS, article_records, articles_per_day, export_articles, load_articles
from opslens.errors import InputError, StoreError
from opslens.ingest import ingest_records
from opslens.store import ArticleStore

EXPECTED_DTYPES = {
    "id": "string", "url": "string", "canonical_url": "string", "title": "string",
    "published": "datetime64[us, UTC]", "published_source": "string", "source": "category",
    "text": "string", "authors": "object", "language": "string", "fetched_at": "datetime64[us, UTC]",
    "origin": "string", "cluster_id": "string", "version": "int32", "is_latest": "bool",
    "month": "category", "extra": "object",
}


def art(i: int, published: str | None, source: str = "herald.example.com", text: str | None = None, **kw) -> dict:
    r = {"url": f"https://{source}/a/{i}", "title": f"Story {i}", "published": published,
         "published_source": "meta", "source": source, "language": "en", "authors": ["A. Writer"],
         "text": text or f"Story {i} body: the council met on day {i} to discuss {i * 3} proposals for road repairs.",
         "origin": "url", "extra": {}}
    r.update(kw)
    return r


@pytest.fixture()
def store(tmp_path):
    """Nine articles over Jan-Mar 2024 (one file per month), two outlets, one undated."""
    recs = [
        art(1, "2024-01-05T10:00:00+00:00"), art(2, "2024-01-20T10:00:00+00:00", "wire.example.org"),
        art(3, "2024-02-19T08:00:00+02:00", text="Overnight, 31 Shahed drones were shot down over Odesa."),
        art(4, "2024-02-21", "wire.example.org"), art(5, "2024-02-25T23:59:00+00:00"),
        art(6, "2024-02-26T00:00:00+00:00", "wire.example.org", title="SHAHED debris in Kyiv"),
        art(7, "2024-03-03T12:00:00+00:00"), art(8, "2024-03-30T12:00:00+00:00", "wire.example.org"),
        art(9, None),
    ]
    ingest_records(recs, data_dir=tmp_path, batch_size=100, progress=False)
    return tmp_path


def test_columns_and_dtypes_are_as_documented(store):
    df = load_articles(data_dir=store)
    assert list(df.columns) == list(COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == EXPECTED_DTYPES
    assert isinstance(df.loc[0, "authors"], list) and isinstance(df.loc[0, "extra"], dict)
    assert str(df["published"].dt.tz) == "UTC"


def test_empty_store_gives_empty_frame_with_same_dtypes(tmp_path):
    df = load_articles(data_dir=tmp_path)
    assert len(df) == 0
    assert {c: str(t) for c, t in df.dtypes.items()} == EXPECTED_DTYPES


def test_rows_sorted_by_publication_time_undated_last(store):
    df = load_articles(data_dir=store)
    assert df["title"].tolist() == [f"Story {i}" for i in (1, 2, 3, 4, 5)] + ["SHAHED debris in Kyiv", "Story 7", "Story 8", "Story 9"]
    assert pd.isna(df["published"].iloc[-1])


def test_start_inclusive_end_exclusive_and_undated_left_out(store):
    week = load_articles("2024-02-19", "2024-02-26", data_dir=store)
    # article 3 is 2024-02-19 06:00 UTC; 5 is the 25th 23:59; 6 (26th 00:00) is excluded
    assert week["title"].tolist() == ["Story 3", "Story 4", "Story 5"]
    assert load_articles(start=pd.Timestamp("2024-03-30", tz="UTC"), data_dir=store)["title"].tolist() == ["Story 8"]


def test_sources_filter_accepts_one_or_many_and_ignores_www(store):
    assert load_articles(sources="www.wire.example.org", data_dir=store)["title"].tolist() == [
        "Story 2", "Story 4", "SHAHED debris in Kyiv", "Story 8"]
    both = load_articles(sources=["wire.example.org", "herald.example.com"], data_dir=store)
    assert len(both) == 9


def test_query_is_case_insensitive_regex_over_text_and_title(store):
    assert load_articles(query="shahed", data_dir=store)["title"].tolist() == ["Story 3", "SHAHED debris in Kyiv"]
    assert load_articles(query=r"\b31 shahed", data_dir=store)["title"].tolist() == ["Story 3"]
    for bad in ("(unclosed", r"drones(?= over)"):  # the second is valid Python but not RE2
        with pytest.raises(InputError, match="not a valid regular expression"):
            load_articles(query=bad, data_dir=store)


def test_columns_subset_and_unknown_column(store):
    df = load_articles(columns=["id", "published", "source"], data_dir=store)
    assert list(df.columns) == ["id", "published", "source"]
    with pytest.raises(InputError, match="unknown column"):
        load_articles(columns=["id", "body"], data_dir=store)


def test_date_filter_prunes_files_before_reading(store, caplog):
    """Only the files of the asked month are opened: the other months' files are deleted from
    disk (the manifest still lists them), and reading February must neither fail nor warn."""
    st = ArticleStore(store)
    feb = st.parts(pd.Timestamp("2024-02-19", tz="UTC").to_pydatetime(), pd.Timestamp("2024-02-26", tz="UTC").to_pydatetime())
    assert [p.month for p in feb] == ["2024-02"]
    for p in st.read_manifest().parts:
        if p.month != "2024-02":
            (store / "articles" / p.path).unlink()
    with caplog.at_level(logging.WARNING):
        week = load_articles("2024-02-19", "2024-02-26", data_dir=store)
    assert len(week) == 3 and caplog.text == ""
    # a read that does need the deleted files notices it
    with pytest.raises(StoreError, match="missing"):
        load_articles("2024-01-01", "2024-02-01", data_dir=store)


def test_files_outside_the_time_range_within_a_month_are_skipped(tmp_path):
    early = [art(i, f"2024-05-0{i}T12:00:00+00:00") for i in range(1, 4)]
    late = [art(i, f"2024-05-2{i - 10}T12:00:00+00:00") for i in range(11, 14)]
    ingest_records(early, data_dir=tmp_path, progress=False)
    ingest_records(late, data_dir=tmp_path, progress=False)
    st = ArticleStore(tmp_path)
    parts = st.read_manifest().parts
    assert len(parts) == 2
    chosen = st.parts(pd.Timestamp("2024-05-20", tz="UTC").to_pydatetime(), pd.Timestamp("2024-05-27", tz="UTC").to_pydatetime())
    assert [p.path for p in chosen] == [parts[1].path]


def test_export_jsonl_writes_the_article_contract_with_extras(store, tmp_path):
    ingest_records([art(20, "2024-02-20T09:30:00+02:00", id="exp-20", extra={"desk": "south", "rank": 2})],
                   data_dir=store, progress=False)
    out = export_articles(None, tmp_path / "out" / "articles.jsonl", data_dir=store, sources="herald.example.com")
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 6
    assert all(list(r)[:6] == ["id", "url", "title", "published", "source", "text"] for r in recs)
    r20 = next(r for r in recs if r["id"] == "exp-20")
    assert r20["published"] == "2024-02-20T09:30:00+02:00"  # as acquired, offset kept
    assert r20["desk"] == "south" and r20["rank"] == 2
    assert next(r for r in recs if r["title"] == "Story 9")["published"] is None
    # the export is an input: ingesting it again adds nothing
    again = ingest_records(recs, data_dir=store, progress=False)
    assert (again.added, again.duplicate) == (0, 6)


def test_export_csv_and_a_given_frame(store, tmp_path):
    df = load_articles("2024-03-01", data_dir=store)
    out = export_articles(df, tmp_path / "march.csv")
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["title"] for r in rows] == ["Story 7", "Story 8"]
    assert list(rows[0])[:6] == ["id", "url", "title", "published", "source", "text"]
    assert json.loads(rows[0]["authors"]) == ["A. Writer"]
    assert not list(tmp_path.glob(".tmp-*"))


def test_article_records_do_not_mutate_the_frame(store):
    df = load_articles(data_dir=store)
    before = df.copy()
    article_records(df)
    pd.testing.assert_frame_equal(df, before)


def test_articles_per_day_counts_kyiv_local_days(store):
    df = load_articles(data_dir=store, columns=["id", "published", "source"])
    counts = articles_per_day(df)
    assert list(counts.columns) == ["date", "source", "articles"]
    assert counts["articles"].sum() == 8  # the undated article is left out
    # 2024-02-25 23:59 UTC is 2024-02-26 01:59 in Kyiv: it counts on the 26th with article 6
    feb26 = counts[counts["date"] == pd.Timestamp("2024-02-26")]
    assert sorted(zip(feb26["source"], feb26["articles"])) == [("herald.example.com", 1), ("wire.example.org", 1)]
