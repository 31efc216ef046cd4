"""`newsbot reprocess`: stored articles extracted again from their archived raw pages.

Real parts throughout: pages written here are archived to a WARC file with the crawl's
own writer (newsbot.archive), stored by `newsbot ingest`, marked as made by an older
extractor, and re-extracted after a rule of the boilerplate stage is changed here (a
real rule, the furniture patterns, not a stub of the stage), against a real database.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from newsbot import boilerplate, cli
from newsbot.archive import Exchange, WarcArchive
from newsbot.stages import EXTRACTOR_VERSION
from tests.story_texts import story
from tests.support.cli import environment, start_in_session

OLD_VERSION = "0.0.1+rules.0"
FETCHED = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
#: the line the changed rule strips: a sponsor's note the old rules kept as text
NOTE = (
    "Sponsored note: this report is brought to you by our partners at the regional "
    "energy cooperative, who had no say in its content."
)


def page_html(title: str, paragraphs: list[str], published: datetime) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html lang='en'><head><title>{title}</title>"
        f"<meta property='article:published_time' content='{published.isoformat()}'>"
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def archive_pages(
    directory: Path, pages: list[tuple[str, str, datetime]], max_bytes: int = 10**9
) -> list[Path]:
    """Each (url, html, fetched_at) as a response record, as a crawl archives it."""
    archive = WarcArchive(directory, max_bytes=max_bytes)
    for url, html, fetched_at in pages:
        archive.write(
            Exchange(
                url=url,
                status=200,
                headers=[("Content-Type", "text/html; charset=utf-8")],
                body=html.encode(),
                fetched_at=fetched_at,
            )
        )
    archive.close()
    return list(archive.files)


def strip_sponsor_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule change: a sponsor's note is furniture (one more anchored pattern)."""
    anchored = [p for p in boilerplate._FURNITURE_PATTERNS if boilerplate._anchored(p)]
    monkeypatch.setattr(
        boilerplate, "_FURNITURE_START", boilerplate._rx(*anchored, r"^sponsored note:.*$")
    )


def newsbot_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`newsbot ARGS` in this process (workers 0: a rule patched here applies)."""
    capsys.readouterr()
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def env(database_url: str, db: psycopg.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands run against the test database, with no runs left by other tests
    (their article ids restarted with the articles table)."""
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    db.execute("TRUNCATE reprocess_runs, ingested_files, dropped_pages RESTART IDENTITY")
    db.commit()


def ingest(capsys: pytest.CaptureFixture[str], files: list[Path]) -> None:
    code, out, err = newsbot_in_process(
        capsys, "ingest", *map(str, files), "--workers", "0", "--progress", "off"
    )
    assert code == 0, out + err


def make_old(db: psycopg.Connection, version: str | None = OLD_VERSION) -> None:
    db.execute("UPDATE articles SET extractor_version = %s", (version,))
    db.commit()


def rows(db: psycopg.Connection) -> dict[str, dict]:
    found = db.execute(
        """SELECT id, url, source, title, body, content_hash, duplicate_of, dedup_method,
                  extractor_version, updated_at, first_run_id, last_run_id, fetched_at,
                  modified_at, published_at, warc_file, warc_offset
           FROM articles ORDER BY id"""
    ).fetchall()
    db.commit()
    return {r["url"]: dict(r) for r in found}


def summary_line(out: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith("reprocess run ")]
    assert len(lines) == 1, out
    return lines[0]


def counts_in(line: str) -> dict[str, int]:
    """The summary's counts by name: '… 3 changed, 2 unchanged, … (extractor …)'."""
    listed = line.split(" articles: ", 1)[1].rsplit(" (extractor", 1)[0]
    return {part.split(" ", 1)[1]: int(part.split(" ", 1)[0]) for part in listed.split(", ")}


def story_pages() -> list[tuple[str, str, datetime]]:
    """A story and its copy on another source (the copy carries a sponsor's note), a
    page that ran the story as a sponsored block after its own, a page that is little
    but sponsor's notes, and one the rule does not touch."""
    told = story(1, sentences=2)
    own = story(3, sentences=2)
    short = ["The council met on Monday.", *[NOTE] * 3]
    pages = [
        ("https://wire.example/news/1", page_html("Grain deal", told, T0)),
        (
            "https://blog.example/news/1",
            page_html("Grain deal", [*told, NOTE], T0 + timedelta(hours=3)),
        ),
        (
            "https://daily.example/news/3",
            page_html(
                "Harbour works",
                own + [f"Sponsored note: {p}" for p in told],
                T0 + timedelta(hours=5),
            ),
        ),
        (
            "https://promo.example/news/7",
            page_html("Council meets", short, T0 + timedelta(hours=1)),
        ),
        (
            "https://other.example/news/9",
            page_html("Bridge repairs", story(9), T0 + timedelta(hours=2)),
        ),
    ]
    return [(url, html, FETCHED + timedelta(minutes=i)) for i, (url, html) in enumerate(pages)]


REPROCESS = ("reprocess", "--workers", "0", "--progress", "off")
OLDER = ("--older-than-version", EXTRACTOR_VERSION)


def extracted(capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str, html: str) -> dict:
    """What `newsbot extract` prints for the page (with the rules as they are now)."""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    code, out, err = newsbot_in_process(
        capsys, "extract", str(path), "--url", url, "--content-type", "text/html; charset=utf-8"
    )
    assert code == 0, out + err
    return json.loads(out)


def test_a_rule_change_updates_the_rows_in_place_and_relinks_their_copies(
    env: None,
    db: psycopg.Connection,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = story_pages()
    ingest(capsys, archive_pages(tmp_path / "warc", pages))
    make_old(db)
    before = rows(db)
    wire, blog, daily, promo, other = (url for url, _html, _at in pages)
    # the old rules kept the sponsor's notes: the blog's copy is a near copy of the
    # wire's story, and the daily's page (which ran the story as a sponsored block
    # after its own) joined that story too
    assert before[blog]["duplicate_of"] == before[wire]["id"]
    assert before[blog]["dedup_method"] == "near"
    assert before[daily]["duplicate_of"] == before[wire]["id"]
    assert NOTE in before[blog]["body"] and NOTE in before[promo]["body"]
    assert all(r["modified_at"] is None for r in before.values())

    strip_sponsor_notes(monkeypatch)
    code, out, err = newsbot_in_process(capsys, *REPROCESS, *OLDER)
    assert code == 0, out + err
    line = summary_line(out)
    assert counts_in(line) == {
        "changed": 2,
        "unchanged": 2,
        "now dropped": 1,
        "failed": 0,
        "no raw page": 0,
    }, line
    assert "5 articles" in line and f"(extractor {EXTRACTOR_VERSION})" in line
    assert f"now dropped (no_article_body), row kept as it was: {promo}" in out

    after = rows(db)
    assert {url: r["id"] for url, r in after.items()} == {
        url: r["id"] for url, r in before.items()
    }, "rows are updated in place, never replaced"
    for url, html, _at in pages:
        if url == promo:
            continue
        shown = extracted(capsys, tmp_path, url, html)
        assert (after[url]["title"], after[url]["body"]) == (shown["title"], shown["body"]), url
        assert after[url]["extractor_version"] == EXTRACTOR_VERSION, url
    assert NOTE not in after[blog]["body"] and "Sponsored note" not in after[daily]["body"]
    changed = {url for url in after if after[url]["body"] != before[url]["body"]}
    assert changed == {blog, daily}
    for url in after:
        moved = after[url]["updated_at"] != before[url]["updated_at"]
        assert moved == (url in changed), url
        for column in ("first_run_id", "last_run_id", "fetched_at", "warc_file", "warc_offset"):
            assert after[url][column] == before[url][column], (url, column)
        assert after[url]["modified_at"] is None, url  # a rule change is no modification
    # the blog's copy is now the wire's text exactly; the daily's own story stands alone
    assert after[blog]["duplicate_of"] == after[wire]["id"]
    assert after[blog]["dedup_method"] == "exact"
    assert after[blog]["content_hash"] == after[wire]["content_hash"]
    assert after[daily]["duplicate_of"] is None
    assert after[wire]["duplicate_of"] is None and after[other]["duplicate_of"] is None
    # the page the new rule no longer takes for an article is left as it was
    assert after[promo] == before[promo]

    run = db.execute("SELECT status, counters, finished_at FROM reprocess_runs").fetchall()
    assert len(run) == 1 and run[0]["status"] == "finished" and run[0]["finished_at"]
    assert run[0]["counters"] == {
        "updated": 2,
        "unchanged": 2,
        "dropped/no_article_body": 1,
        "reposts": 1,
    }

    # a second run finds only the page now dropped (still made by the old rules) and
    # changes nothing
    code, out, err = newsbot_in_process(capsys, *REPROCESS, *OLDER)
    assert code == 0, out + err
    assert counts_in(summary_line(out)) == {
        "changed": 0,
        "unchanged": 0,
        "now dropped": 1,
        "failed": 0,
        "no raw page": 0,
    }
    assert rows(db) == after
    # and one over every row finds them all as today's code makes them
    code, out, err = newsbot_in_process(capsys, *REPROCESS)
    assert code == 0, out + err
    assert counts_in(summary_line(out))["unchanged"] == 4
    assert counts_in(summary_line(out))["changed"] == 0
    assert rows(db) == after


def test_when_the_original_changes_its_copies_find_their_story_again(
    env: None,
    db: psycopg.Connection,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The earliest copy of a story held it only as a sponsored block: once the rule
    strips that, the later copies are re-pointed at the earliest of them."""
    told = story(5, sentences=2)
    own = story(7, paragraphs=3, sentences=2)
    early = "https://first.example/news/5"
    second, third = "https://second.example/news/5", "https://third.example/news/5"
    pages = [
        (early, page_html("Ferry plan", own + [f"Sponsored note: {p}" for p in told], T0)),
        (second, page_html("Ferry plan", told, T0 + timedelta(hours=1))),
        (third, page_html("Ferry plan", told, T0 + timedelta(hours=2))),
    ]
    ingest(capsys, archive_pages(tmp_path / "warc", [(u, h, FETCHED) for u, h in pages]))
    make_old(db)
    before = rows(db)
    assert before[second]["duplicate_of"] == before[third]["duplicate_of"] == before[early]["id"]

    strip_sponsor_notes(monkeypatch)
    code, out, err = newsbot_in_process(capsys, *REPROCESS, *OLDER)
    assert code == 0, out + err
    assert counts_in(summary_line(out))["changed"] == 1
    after = rows(db)
    assert after[early]["duplicate_of"] is None
    assert after[second]["duplicate_of"] is None
    assert after[third]["duplicate_of"] == after[second]["id"]
    assert after[third]["dedup_method"] == "exact"
    # only the page the rule changed was rewritten; its copies were only re-pointed
    assert after[second]["body"] == before[second]["body"]
    assert after[early]["modified_at"] is None


NEWER = "9.0.0+rules.1"
EARLY, LATE = datetime(2024, 3, 1, 9, 0, tzinfo=UTC), datetime(2024, 3, 10, 9, 0, tzinfo=UTC)
#: (url, fetched_at, extractor version the row is given) for the selection tests
SELECTION = (
    ("https://one.example/news/a", EARLY, None),
    ("https://one.example/news/b", LATE, OLD_VERSION),
    ("https://one.example/news/c", LATE, NEWER),
    ("https://one.example/news/d", LATE, EXTRACTOR_VERSION),
    ("https://two.example/news/e", LATE, OLD_VERSION),
    ("https://two.example/news/f", EARLY, None),
)


def store_for_selection(db: psycopg.Connection, capsys: pytest.CaptureFixture[str], tmp: Path):
    pages = [
        (url, page_html(f"Story {i}", story(40 + i), T0), at)
        for i, (url, at, _v) in enumerate(SELECTION)
    ]
    ingest(capsys, archive_pages(tmp / "warc", pages))


def set_versions(db: psycopg.Connection) -> None:
    for url, _at, version in SELECTION:
        db.execute("UPDATE articles SET extractor_version = %s WHERE url = %s", (version, url))
    db.commit()


def versions(db: psycopg.Connection) -> dict[str, str | None]:
    return {url: r["extractor_version"] for url, r in rows(db).items()}


@pytest.mark.parametrize(
    ("options", "selected"),
    [
        (("--source", "one.example", *OLDER), "ab"),
        (OLDER, "abef"),
        (("--since", "2024-03-05", *OLDER), "be"),
        (("--since", "2024-03-05T00:00:00+00:00", "--source", "two.example"), "e"),
        (("--since", "2024-03-05"), "bcde"),
        (("--older-than-version", NEWER), "abdef"),
        (("--older-than-version", "0.0.1+rules.0"), "af"),
    ],
    ids=["source", "version", "since", "since-source", "since-any-version", "newer", "oldest"],
)
def test_the_selection_by_source_fetch_time_and_version(
    env: None,
    db: psycopg.Connection,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    options: tuple[str, ...],
    selected: str,
) -> None:
    store_for_selection(db, capsys, tmp_path)
    set_versions(db)
    before = rows(db)
    code, out, err = newsbot_in_process(capsys, *REPROCESS, *options)
    assert code == 0, out + err
    line = summary_line(out)
    assert f"{len(selected)} articles" in line, line
    assert counts_in(line)["unchanged"] == len(selected), line
    after = rows(db)
    for url, _at, version in SELECTION:
        expected = EXTRACTOR_VERSION if url[-1] in selected else version
        assert after[url]["extractor_version"] == expected, url
        # the same text: only the version moved, not the row's update time
        assert after[url]["updated_at"] == before[url]["updated_at"], url
        assert after[url]["body"] == before[url]["body"], url


@pytest.mark.parametrize("bad", ["banana", "1.0 beta", ""])
def test_a_bad_version_is_one_line_of_bad_usage(
    env: None, db: psycopg.Connection, capsys: pytest.CaptureFixture[str], tmp_path: Path, bad: str
) -> None:
    store_for_selection(db, capsys, tmp_path)
    set_versions(db)
    before = rows(db)
    code, out, err = newsbot_in_process(capsys, *REPROCESS, "--older-than-version", bad)
    assert code == 2, out + err  # bad usage, as a bad --since is
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("newsbot: --older-than-version: "), err
    assert "Traceback" not in err
    assert rows(db) == before
    assert db.execute("SELECT count(*) AS n FROM reprocess_runs").fetchone()["n"] == 0


def test_rows_without_a_raw_page_are_counted_and_left_alone(
    env: None,
    db: psycopg.Connection,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No archived page (stored before archiving), a WARC file deleted since, an offset
    that is no record: counted, the rows kept as they were, the run goes on."""
    urls = [f"https://kept.example/news/{n}" for n in range(5)]
    pages = [
        (url, page_html(f"Story {n}", [*story(60 + n), NOTE], T0), FETCHED)
        for n, url in enumerate(urls)
    ]
    kept = archive_pages(tmp_path / "kept", pages[:4])
    gone = archive_pages(tmp_path / "gone", pages[4:])
    ingest(capsys, kept + gone)
    make_old(db)
    db.execute(
        "UPDATE articles SET warc_file = NULL, warc_offset = NULL WHERE url = %s", (urls[1],)
    )
    db.execute("UPDATE articles SET warc_offset = warc_offset + 7 WHERE url = %s", (urls[2],))
    db.execute("UPDATE articles SET warc_offset = NULL WHERE url = %s", (urls[3],))
    db.commit()
    gone[0].unlink()
    before = rows(db)

    strip_sponsor_notes(monkeypatch)
    code, out, err = newsbot_in_process(capsys, *REPROCESS, *OLDER)
    assert code == 0, out + err
    assert "Traceback" not in out + err
    assert counts_in(summary_line(out)) == {
        "changed": 1,
        "unchanged": 0,
        "now dropped": 0,
        "failed": 1,
        "no raw page": 3,
    }
    after = rows(db)
    assert NOTE not in after[urls[0]]["body"]
    assert after[urls[0]]["extractor_version"] == EXTRACTOR_VERSION
    for url in urls[1:]:
        assert after[url] == before[url], url  # still the old text, the old version


def status(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Articles per extractor version as `newsbot status` shows them: (--json, the table)."""
    code, out, err = newsbot_in_process(capsys, "status", "--json")
    assert code == 0, out + err
    shown = json.loads(out)["extractor_versions"]
    code, out, err = newsbot_in_process(capsys, "status")
    assert code == 0, out + err
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("EXTRACTOR VERSION"))
    table = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        version, n = line.rsplit(None, 1)
        table[version.strip()] = int(n)
    return shown, table


def test_status_shows_the_articles_per_extractor_version_before_and_after(
    env: None, db: psycopg.Connection, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store_for_selection(db, capsys, tmp_path)
    set_versions(db)
    shown, table = status(capsys)
    assert shown == {"": 2, OLD_VERSION: 2, EXTRACTOR_VERSION: 1, NEWER: 1}
    # oldest first, rows stored before versions were recorded at the top
    assert list(table.items()) == [
        ("unknown (stored before versions were recorded)", 2),
        (OLD_VERSION, 2),
        (EXTRACTOR_VERSION, 1),
        (NEWER, 1),
    ]

    code, out, err = newsbot_in_process(capsys, *REPROCESS, *OLDER)
    assert code == 0, out + err
    shown, table = status(capsys)
    assert shown == {EXTRACTOR_VERSION: 5, NEWER: 1}
    assert list(table.items()) == [(EXTRACTOR_VERSION, 5), (NEWER, 1)]


#: pages archived for the interrupted run: enough that batches of 5 take a while
MANY = 240


def start_reprocess(database_url: str, tmp_path: Path, n: int) -> subprocess.Popen:
    """`newsbot reprocess` in a session of its own (a shell job's process group), with a
    stage worker pool of one; output to files."""
    return start_in_session(
        *REPROCESS[:1],
        *("--batch-size", "5", "--workers", "1", "--progress", "off"),
        env=environment(database_url),
        stdout=tmp_path / f"reprocess-{n}.out",
        stderr=tmp_path / f"reprocess-{n}.err",
    )


def outputs(tmp_path: Path, n: int) -> tuple[str, str]:
    return (
        (tmp_path / f"reprocess-{n}.out").read_text(),
        (tmp_path / f"reprocess-{n}.err").read_text(),
    )


def many_old_articles(
    db: psycopg.Connection, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """MANY archived articles stored by an older extractor: work for a subprocess run."""
    pages = [
        (
            f"https://many.example/news/{n:03d}",
            page_html(f"Story {n}", story(1000 + n, paragraphs=3), T0),
            FETCHED,
        )
        for n in range(MANY)
    ]
    ingest(capsys, archive_pages(tmp_path / "warc", pages))
    make_old(db)
    assert db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == MANY
    db.commit()


@pytest.mark.slow  # two runs of the command with a stage worker pool each
def test_an_interrupted_run_resumes_after_its_checkpoint_and_does_nothing_twice(
    env: None,
    db: psycopg.Connection,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    many_old_articles(db, capsys, tmp_path)

    proc = start_reprocess(database_url, tmp_path, 0)
    deadline = time.monotonic() + 60
    position = 0
    while proc.poll() is None and time.monotonic() < deadline:
        row = db.execute("SELECT last_article_id FROM reprocess_runs").fetchone()
        db.commit()
        position = row["last_article_id"] if row else 0
        if position > 0:
            break
        time.sleep(0.01)
    if position == 0 or proc.poll() is not None:
        proc.wait(timeout=60)
        pytest.skip(f"the run ended before a checkpoint could be seen ({outputs(tmp_path, 0)})")
    # the same command started meanwhile would resume this run and redo its pages:
    # refused while the run goes on (the first holds the reprocess job lock)
    code, out, err = newsbot_in_process(
        capsys, "reprocess", "--batch-size", "5", "--workers", "0", "--progress", "off"
    )
    assert code == 4, out + err  # newsbot.exit_codes.EXIT_LOCKED: already running
    assert out == "" and err.count("\n") == 1, out + err
    assert "newsbot reprocess is already running" in err
    assert proc.poll() is None, "the run ended before the signal"
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the command and its stage worker
    proc.wait(timeout=60)
    out, err = outputs(tmp_path, 0)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err
    first = summary_line(out)
    assert first.startswith("reprocess run 1 interrupted (run the same command to resume)")
    run = db.execute("SELECT * FROM reprocess_runs").fetchone()
    db.commit()
    assert run["status"] == "interrupted"
    done_first = sum(n for k, n in run["counters"].items() if k != "reposts")
    assert done_first == sum(counts_in(first).values())
    assert 0 < done_first < MANY, first
    # the checkpoint is the last article stored: everything up to it is done
    assert run["last_article_id"] == done_first
    made = db.execute(
        "SELECT count(*) AS n FROM articles WHERE extractor_version = %s", (EXTRACTOR_VERSION,)
    ).fetchone()["n"]
    db.commit()
    assert made == done_first

    again = start_reprocess(database_url, tmp_path, 1)
    again.wait(timeout=120)
    out, err = outputs(tmp_path, 1)
    assert again.returncode == 0, out + err
    assert "Traceback" not in out + err
    assert (
        f"resuming reprocess run 1 after article {done_first} ({MANY - done_first} articles left)"
        in err
    )
    second = summary_line(out)
    assert second.startswith("reprocess run 1 done: ")
    assert sum(counts_in(second).values()) == MANY - done_first, second
    assert f"  whole run: 0 changed, {MANY} unchanged, 0 now dropped" in out
    runs = db.execute("SELECT * FROM reprocess_runs").fetchall()
    db.commit()
    assert len(runs) == 1 and runs[0]["status"] == "finished"
    # the counters accumulate over both runs: every selected article exactly once
    assert {k: n for k, n in runs[0]["counters"].items() if k != "reposts"} == {"unchanged": MANY}
    assert set(versions(db).values()) == {EXTRACTOR_VERSION}


@pytest.mark.slow  # a run of the command with a stage worker pool
def test_a_stage_worker_killed_mid_run_loses_no_page(
    env: None,
    db: psycopg.Connection,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The OOM killer (here SIGKILL) takes a stage worker: a new pool redoes the pages in
    flight, and the run ends with every article done once, none failed."""
    psutil = pytest.importorskip("psutil")
    many_old_articles(db, capsys, tmp_path)

    proc = start_reprocess(database_url, tmp_path, 0)
    deadline = time.monotonic() + 60
    killed: list[int] = []
    while proc.poll() is None and time.monotonic() < deadline and not killed:
        # the pool's workers are the fork server's children (the command's grandchildren)
        for child in psutil.Process(proc.pid).children():
            for worker in child.children():
                worker.kill()
                killed.append(worker.pid)
        row = db.execute("SELECT last_article_id FROM reprocess_runs").fetchone()
        db.commit()
        if killed and (row is None or row["last_article_id"] >= MANY):
            pytest.skip("the run was over before a worker could be killed")
        time.sleep(0.01)
    assert killed, "no stage worker seen within 60 s"
    proc.wait(timeout=120)
    out, err = outputs(tmp_path, 0)
    assert proc.returncode == 0, out + err
    assert "a stage worker died: a new pool takes the" in err
    assert "Traceback" not in out + err
    run = db.execute("SELECT * FROM reprocess_runs").fetchone()
    db.commit()
    assert run["status"] == "finished"
    assert {k: n for k, n in run["counters"].items() if k != "reposts"} == {"unchanged": MANY}
    assert set(versions(db).values()) == {EXTRACTOR_VERSION}


def test_progress_lines_when_not_on_a_terminal(
    env: None,
    db: psycopg.Connection,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """cron and pipes get a plain line now and then: how far, how fast, what happened."""
    pages = [
        (f"https://plain.example/news/{n}", page_html(f"Story {n}", story(n), T0), FETCHED)
        for n in range(6)
    ]
    ingest(capsys, archive_pages(tmp_path / "warc", pages))
    make_old(db)
    monkeypatch.setenv("NEWSBOT_PROGRESS_INTERVAL", "0.000001")  # a line at every batch
    code, out, err = newsbot_in_process(
        capsys, "reprocess", "--workers", "0", "--batch-size", "2", "--progress", "plain"
    )
    assert code == 0, out + err
    lines = [line for line in err.splitlines() if line.startswith("reprocess run 1: ")]
    assert [line.split(" pages")[0] for line in lines] == [
        "reprocess run 1: 2/6",
        "reprocess run 1: 4/6",
        "reprocess run 1: 6/6",
    ], err
    assert re.search(r"/min; unchanged 6$", lines[-1]), lines[-1]


def test_archives_moved_after_the_crawl_are_found_with_warc_dir(
    env: None, db: psycopg.Connection, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Old archives go to another disk: the rows name the old place; --warc-dir says where
    the files are now, and the rows then point there."""
    pages = [
        (f"https://moved.example/news/{n}", page_html(f"Story {n}", story(n), T0), FETCHED)
        for n in range(3)
    ]
    ingest(capsys, archive_pages(tmp_path / "warc", pages))
    (tmp_path / "warc").rename(tmp_path / "cold")

    code, out, _ = newsbot_in_process(capsys, "reprocess", "--workers", "0", "--progress", "off")
    assert code == 0 and ", 3 no raw page " in summary_line(out)
    code, out, err = newsbot_in_process(
        capsys, "reprocess", "--workers", "0", "--progress", "off",
        "--warc-dir", str(tmp_path / "elsewhere"), "--warc-dir", str(tmp_path / "cold"),
    )  # fmt: skip
    assert code == 0, out + err
    assert "0 changed, 3 unchanged, 0 now dropped, 0 failed, 0 no raw page" in summary_line(out)
    files = {row["warc_file"] for row in rows(db).values()}
    assert len(files) == 1 and files.pop().startswith(str(tmp_path / "cold") + "/")
    code, out, _ = newsbot_in_process(capsys, "reprocess", "--workers", "0", "--progress", "off")
    assert code == 0 and ", 3 unchanged, " in summary_line(out)  # no --warc-dir needed now
