"""Repost detection in PostgreSQL: near-duplicates, excerpts, extended reposts, negatives."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from newsbot.config import Source
from newsbot.items import Article, PageDate
from newsbot.reposts import fingerprint as dedup
from newsbot.reposts import locking, similarity
from newsbot.storage import connect, stories
from newsbot.storage.articles import ensure_sources, save_article, save_batch
from tests.story_texts import body, story

T0 = datetime(2022, 7, 31, 16, 40, tzinfo=UTC)
SOURCES = ("wire", "blog", "aggregator", "daily", "other")


def make(
    url: str, text: str, *, source: str = "wire", hours: float = 0, credited: str | None = None
) -> Article:
    article = Article(url=url, source=source, html="", fetched_at=datetime(2024, 1, 1, tzinfo=UTC))
    article.title = "A story"
    article.body = text
    article.published = PageDate(T0 + timedelta(hours=hours), "minute", "jsonld")
    article.content_hash = dedup.content_hash(text)
    article.credited_source = credited
    return article


@pytest.fixture
def store(db: psycopg.Connection):
    ensure_sources(db, [Source(name, feeds=(f"https://{name}.example/rss",)) for name in SOURCES])

    def save(*articles: Article) -> None:
        results = save_batch(db, list(articles))
        assert all(r.outcome != "failed" for r in results), results

    return save


def links(db: psycopg.Connection) -> dict[str, str | None]:
    rows = db.execute(
        """SELECT a.url, o.url AS original FROM articles a
           LEFT JOIN articles o ON o.id = a.duplicate_of"""
    ).fetchall()
    return {r["url"]: r["original"] for r in rows}


def test_tweaked_repost_with_credit_and_dropped_paragraph(db, store) -> None:
    original = story(1)
    repost = original[:3] + original[4:] + ["(C)WIRE 2022"]
    store(
        make("https://wire.example/1", body(original)),
        make("https://blog.example/1", body(repost), source="blog", hours=3, credited="WIRE"),
    )
    assert links(db)["https://blog.example/1"] == "https://wire.example/1"
    row = db.execute(
        "SELECT dedup_method, similarity FROM articles WHERE source = 'blog'"
    ).fetchone()
    assert row["dedup_method"] == "near" and row["similarity"] > 0.85


def test_excerpt_and_extended_repost_belong_to_the_story(db, store) -> None:
    original = story(2)
    excerpt = original[:2] + ["Read more at wire.example"]
    extended = original + story(902, paragraphs=12)  # commentary longer than the story
    store(
        make("https://wire.example/2", body(original)),
        make("https://aggregator.example/2", body(excerpt), source="aggregator", hours=1),
        make("https://daily.example/2", body(extended), source="daily", hours=2),
    )
    found = links(db)
    assert found["https://aggregator.example/2"] == "https://wire.example/2"
    assert found["https://daily.example/2"] == "https://wire.example/2"


def test_earlier_copy_found_later_takes_over_without_chains(db, store) -> None:
    original = story(3)
    store(
        make("https://blog.example/3", body(original[:-1]), source="blog", hours=5),
        make("https://daily.example/3", body(original), source="daily", hours=9),
    )
    assert links(db)["https://daily.example/3"] == "https://blog.example/3"
    store(make("https://wire.example/3", body(original)))
    found = links(db)
    assert found["https://blog.example/3"] == "https://wire.example/3"
    assert found["https://daily.example/3"] == "https://wire.example/3"
    assert found["https://wire.example/3"] is None


def test_tie_goes_to_the_credited_copy(db, store) -> None:
    text = body(story(4))
    store(make("https://blog.example/4", text + "\n\n(C)WIRE 2022", source="blog", credited="WIRE"))
    store(make("https://wire.example/4", text))
    found = links(db)
    assert found["https://blog.example/4"] == "https://wire.example/4"


def test_follow_up_quoting_a_third_is_not_a_repost(db, store) -> None:
    original = story(5, paragraphs=9)
    follow_up = story(905, paragraphs=6) + original[:3]
    store(
        make("https://wire.example/5", body(original)),
        make("https://daily.example/5", body(follow_up), source="daily", hours=24),
    )
    assert links(db)["https://daily.example/5"] is None


def test_texts_that_cannot_reach_containment_are_not_scored(db, store) -> None:
    """Sharing a quoted third is no reason to score a pair: the candidate search bounds
    the overlap and leaves such texts out, while a real repost stays in."""
    original = story(7, paragraphs=9)
    store(
        make("https://wire.example/7", body(original)),
        make("https://blog.example/7", body(original[1:]), source="blog", hours=2),
        make("https://daily.example/7", body(story(907, paragraphs=6) + original[:3]), hours=5),
    )
    ids = {r["url"]: r["id"] for r in db.execute("SELECT id, url FROM articles")}
    wire = ids["https://wire.example/7"]
    shared = db.execute(
        """SELECT count(*) AS n FROM article_anchors a JOIN article_anchors b USING (hash)
           WHERE a.article_id = %s AND b.article_id = %s""",
        (ids["https://daily.example/7"], wire),
    ).fetchone()["n"]
    assert shared >= similarity.MIN_SHARED  # the follow-up shares phrasing with the original
    rows = stories._candidates(db, wire, stories.stored_anchors(db, wire), None)
    assert [i for i, row in rows.items() if row["found"]] == [ids["https://blog.example/7"]]


def test_same_event_sharing_a_quote_and_about_us_is_not_a_repost(db, store) -> None:
    quote = story(999, paragraphs=1)[0]
    about = (
        "About Acme Grain: Acme Grain is a trading house founded in 1994 with offices in "
        "Odesa, Istanbul and Geneva, handling cereals and oilseeds for buyers worldwide."
    )
    a = story(6, paragraphs=6)
    b = story(906, paragraphs=6)
    store(
        make("https://wire.example/6", body(a[:3] + [quote] + a[3:] + [about])),
        make(
            "https://daily.example/6",
            body(b[:2] + [quote] + b[2:] + [about]),
            source="daily",
            hours=1,
        ),
    )
    assert links(db)["https://daily.example/6"] is None


def test_briefs_sharing_a_long_sign_off_are_not_reposts(db, store) -> None:
    sign_off = body(story(777, paragraphs=2, sentences=3))
    briefs = [
        make(
            f"https://wire.example/brief-{i}",
            body(story(600 + i, paragraphs=1, sentences=3)) + "\n\n" + sign_off,
            hours=i,
        )
        for i in range(4)
    ]
    store(*briefs)
    assert all(v is None for v in links(db).values())


def test_updated_text_is_not_a_repost_of_itself(db, store) -> None:
    text = story(8)
    store(make("https://wire.example/8", body(text)))
    store(make("https://wire.example/8", body(text[:-1] + ["A correction was added."])))
    assert links(db) == {"https://wire.example/8": None}
    row = db.execute("SELECT count(*) AS n, max(modified_at) AS modified FROM articles").fetchone()
    assert row == {"n": 1, "modified": datetime(2024, 1, 1, tzinfo=UTC)}  # the re-crawl


def test_original_rewritten_releases_its_copies(db, store) -> None:
    text = story(9)
    store(
        make("https://wire.example/9", body(text)),
        make("https://blog.example/9", body(text), source="blog", hours=1),
        make("https://daily.example/9", body(text), source="daily", hours=2),
    )
    store(make("https://wire.example/9", body(story(909))))  # replaced by another story
    found = links(db)
    assert found["https://wire.example/9"] is None
    assert found["https://daily.example/9"] == "https://blog.example/9"


def test_views_for_analysts(db, store) -> None:
    text = story(10)
    store(
        make("https://wire.example/10", body(text)),
        make("https://blog.example/10", body(text[1:]), source="blog", hours=1),
    )
    row = db.execute("SELECT copies, reposts, sites FROM stories").fetchone()
    assert row == {"copies": 2, "reposts": 1, "sites": ["blog", "wire"]}
    repost = db.execute("SELECT original_url, similarity, dedup_method FROM reposts").fetchone()
    assert repost["original_url"] == "https://wire.example/10" and repost["dedup_method"] == "near"


def _corpus() -> list[Article]:
    articles = []
    for s in range(12):
        text = story(100 + s)
        articles.append(make(f"https://wire.example/c{s}", body(text), hours=s))
        articles.append(
            make(
                f"https://blog.example/c{s}",
                body(text[1:] + ["(C)WIRE 2022"]),
                source="blog",
                hours=s + 2,
                credited="WIRE",
            )
        )
        articles.append(
            make(
                f"https://aggregator.example/c{s}", body(text[:2]), source="aggregator", hours=s + 1
            )
        )
        articles.append(
            make(f"https://daily.example/c{s}", body(story(300 + s)), source="daily", hours=s)
        )
    return articles


def test_two_writers_at_once_link_as_one_writer_would(db, store, database_url) -> None:
    corpus = _corpus()
    store(*corpus)
    expected = links(db)
    for attempt in range(3):
        db.execute("TRUNCATE articles RESTART IDENTITY CASCADE")
        db.commit()
        rng = random.Random(attempt)
        halves = [corpus[:], corpus[:]]
        for half in halves:
            rng.shuffle(half)
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def writer(
            items: list[Article], barrier: threading.Barrier = barrier, errors: list = errors
        ) -> None:
            try:
                with connect(database_url) as conn:
                    barrier.wait()
                    save_batch(conn, items)
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(h,)) for h in halves]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors
        assert links(db) == expected


def test_writers_wait_for_copies_but_not_for_texts_sharing_a_common_phrase(
    db, store, database_url
) -> None:
    """Story locks: a writer storing a copy of an uncommitted text waits for it; a writer
    of an unrelated text that shares a sign-off every brief carries does not."""
    sign_off = body(story(778, paragraphs=2, sentences=3))
    store(*(make(f"https://wire.example/s{i}", body(story(500 + i)) + sign_off) for i in range(3)))
    first = make("https://wire.example/s3", body(story(503)) + sign_off, hours=1)
    unrelated = make("https://daily.example/s4", body(story(504)) + sign_off, source="daily")
    copy = make("https://blog.example/s3", body(story(503)[1:]) + sign_off, source="blog", hours=3)
    with connect(database_url) as holder, connect(database_url) as other:
        holder.execute("BEGIN")
        save_article(holder, first)  # uncommitted: its story locks are held
        other.execute("SET lock_timeout = '500ms'")
        with other.transaction():
            assert save_article(other, unrelated).outcome == "new"
        with pytest.raises(psycopg.errors.LockNotAvailable), other.transaction():
            save_article(other, copy)
        holder.commit()
    store(copy)
    assert links(db)["https://blog.example/s3"] == "https://wire.example/s3"


def test_follow_up_containing_an_excerpt_does_not_join_through_it(db, store) -> None:
    original = story(11, paragraphs=9)
    excerpt = [*original[:2], "Read more at wire.example"]
    follow_up = story(911, paragraphs=6) + original[:3]
    # the excerpt and the follow-up arrive before the original
    store(make("https://aggregator.example/11", body(excerpt), source="aggregator", hours=1))
    store(make("https://daily.example/11", body(follow_up), source="daily", hours=30))
    store(make("https://wire.example/11", body(original)))
    found = links(db)
    assert found["https://aggregator.example/11"] == "https://wire.example/11"
    assert found["https://daily.example/11"] is None


def test_date_only_copy_does_not_beat_a_timed_copy_of_the_same_day(db, store) -> None:
    text = body(story(12))
    blog = make("https://blog.example/12", text, source="blog", hours=3)
    blog.published = PageDate(T0.replace(hour=0, minute=0), "day", "byline")
    store(blog, make("https://wire.example/12", text))
    assert links(db)["https://blog.example/12"] == "https://wire.example/12"


def test_lock_plans_of_any_two_matching_texts_conflict() -> None:
    """The guarantee behind the story locks, over random anchor sets and phrase counts:
    whenever two texts would be judged copies, some key is exclusive in one plan and
    held in the other."""
    rng = random.Random(5)
    judged_copies = 0
    for _ in range(3000):
        pool = [rng.getrandbits(63) for _ in range(rng.randint(3, 120))]
        shorter = rng.sample(pool, rng.randint(3, len(pool)))
        keep = rng.randint(0, len(shorter))
        longer = shorter[:keep] + [rng.getrandbits(63) for _ in range(rng.randint(0, 80))]
        shared = len(set(shorter) & set(longer))
        match = similarity.Match(shared, len(set(shorter)), len(set(longer)))
        phrases = [locking.PhraseCounts(), locking.PhraseCounts()]
        for counts in phrases:  # each writer's own idea of which phrases are common
            for h in rng.sample(pool, len(pool) // 2):
                counts.counts[h] = rng.randint(1, 50)
        plans = [
            dict(zip(*locking.lock_plan(text, None, counts), strict=True))
            for text, counts in zip((shorter, longer), phrases, strict=True)
        ]
        conflict = any(plans[0][k] or plans[1][k] for k in plans[0].keys() & plans[1].keys())
        if match.same_story():
            assert conflict, (len(shorter), len(longer), shared)
            judged_copies += 1
    assert judged_copies, "no pair was judged copies: the guarantee was never checked"


def test_links_do_not_depend_on_the_order_copies_are_stored_in(db, store) -> None:
    """Workers store copies in any order: the evidence (time, then credit) and then the
    URL decide the original, never which copy was stored first (first_seen_at, id)."""
    text = story(40)
    copies = [
        # a tie on time and no credit: the smallest URL wins, whoever came first
        make("https://daily.example/40", body(text), source="daily", hours=1),
        make("https://aggregator.example/40", body(text), source="aggregator", hours=1),
        # a later copy crediting nobody, and an excerpt
        make("https://blog.example/40", body(text[1:]), source="blog", hours=4),
        make("https://other.example/40", body(text[:2]), source="other", hours=6),
        # a second story: the earliest copy turns up last in some orders
        make("https://wire.example/41", body(story(41)), hours=0),
        make("https://blog.example/41", body(story(41)[:-1]), source="blog", hours=2),
        make("https://daily.example/41", body(story(41)), source="daily", hours=3),
    ]
    seen = []
    orders = [list(range(len(copies))), list(reversed(range(len(copies))))]
    rng = random.Random(5)
    for _ in range(4):
        order = list(range(len(copies)))
        rng.shuffle(order)
        orders.append(order)
    for order in orders:
        db.execute("TRUNCATE articles RESTART IDENTITY CASCADE")
        for i in order:  # one article per transaction, as separate workers store them
            store(copies[i])
        seen.append(links(db))
    assert all(found == seen[0] for found in seen), seen
    found = seen[0]
    assert found["https://aggregator.example/40"] is None
    assert found["https://daily.example/40"] == "https://aggregator.example/40"
    assert found["https://blog.example/40"] == "https://aggregator.example/40"
    assert found["https://other.example/40"] == "https://aggregator.example/40"
    assert found["https://blog.example/41"] == "https://wire.example/41"
    assert found["https://daily.example/41"] == "https://wire.example/41"
