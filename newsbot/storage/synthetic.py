"""Synthetic articles generated inside PostgreSQL, for benches that need millions of rows.

Rows are computed by INSERT ... SELECT over generate_series, shaped like real ones
(sizes, shares of reposts, anchors shared by reposts and sign-offs), because sending a
million articles from Python would take longer than the measurement itself. Two
shapes: the repost-detection bench's background (bench/dedup.py, helper schema
`bench`) and the export bench's articles (bench/export.py, table `bench_paragraphs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import psycopg

# --------------------------------------------------------------------------- dedup background

_DEDUP_LOAD_SQL = """
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE IF NOT EXISTS bench.sites (idx int PRIMARY KEY, name text, host text,
    site_name text, credit text, language text, agency bool);
CREATE TABLE IF NOT EXISTS bench.bodies (n int PRIMARY KEY, title text, body text, lead text,
    language text);
CREATE TABLE IF NOT EXISTS bench.sign_off (src int, hash bigint);
CREATE TABLE IF NOT EXISTS bench.plan (id bigint PRIMARY KEY, story bigint, kind int, a int,
    src int, story_src int, sign_off int, published_at timestamptz);
-- anchors of background article i: its story's sampled hashes, less what its kind changes
--   kind 0 original, 1 light edit (1 in 10 dropped, 3 new), 2 verbatim,
--   3 excerpt (first third), 4 extended (the story plus as much commentary)
CREATE OR REPLACE FUNCTION bench.anchor_set(i bigint, story bigint, kind int, a int, so int)
RETURNS SETOF bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT hashint8extended(story, j) & (-8)::bigint
    FROM generate_series(1, CASE kind WHEN 3 THEN a / 3 + 1 ELSE a END) j
    WHERE kind <> 1 OR hashint8extended(i, j) % 10 <> 0
    UNION ALL
    SELECT hashint8extended(-i, j) & (-8)::bigint
    FROM generate_series(1, CASE kind WHEN 1 THEN 3 WHEN 4 THEN a + 10 ELSE 0 END) j
    UNION ALL
    SELECT hash FROM bench.sign_off WHERE src = so AND kind <> 3
$$;
"""

_DEDUP_PLAN_SQL = """
INSERT INTO bench.plan
SELECT i, g.story,
    CASE WHEN NOT g.is_copy THEN 0
         ELSE (ARRAY[1, 1, 1, 1, 1, 2, 2, 3, 3, 4])[1 + abs(hashint8extended(i, 103)) %% 10]
    END,
    CASE WHEN abs(hashint8extended(g.story, 101)) %% 100 < 15
         THEN 5 + abs(hashint8extended(g.story, 105)) %% 8
         ELSE 40 + abs(hashint8extended(g.story, 105)) %% 81 END,
    CASE WHEN g.is_copy
         THEN (%(copy_sites)s::int[])[1 + abs(hashint8extended(i, 106)) %% %(n_copy)s]
         ELSE g.story_src END,
    g.story_src,
    CASE WHEN abs(hashint8extended(g.story, 104)) %% 100 < 40
              AND g.story_src = ANY(%(agencies)s::int[]) THEN g.story_src ELSE -1 END,
    timestamptz '2022-06-01 00:00+00' + g.story * interval '55 seconds'
        + CASE WHEN g.is_copy
               THEN (1 + abs(hashint8extended(i, 107)) %% 48) * interval '1 hour'
               ELSE interval '0' END
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) i
CROSS JOIN LATERAL (
    SELECT (i %% 4 > 0 AND abs(hashint8extended(i, 102)) %% 100 < 27) AS is_copy
) c
CROSS JOIN LATERAL (
    SELECT c.is_copy, r.root AS story,
        (%(orig_sites)s::int[])[1 + abs(hashint8extended(r.root, 108)) %% %(n_orig)s] AS story_src
    FROM (SELECT CASE WHEN c.is_copy THEN i - i %% 4 ELSE i END AS root) r
) g
"""

_DEDUP_ARTICLES_SQL = """
INSERT INTO articles (id, url, canonical_url, source, title, body, lead, language,
    published_at, published_precision, date_evidence, fetched_at, content_hash, duplicate_of,
    credited_source, site_name, section, anchor_count, dedup_method, similarity)
OVERRIDING SYSTEM VALUE
SELECT p.id,
    'https://' || s.host || '/' || to_char(p.published_at, 'YYYY/MM/DD') || '/story-' || p.id,
    'https://' || s.host || '/' || to_char(p.published_at, 'YYYY/MM/DD') || '/story-' || p.id,
    s.name, b.title, b.body, b.lead, b.language, p.published_at, 'minute', 'jsonld',
    p.published_at + interval '2 hours',
    CASE WHEN p.kind IN (0, 2) THEN md5(p.story::text) || md5((-p.story)::text)
         ELSE md5(p.id::text) || md5((p.id + 7)::text) END,
    CASE WHEN p.kind > 0 THEN p.story END,
    CASE WHEN p.kind IN (1, 4) THEN so.credit END,
    s.site_name, 'news',
    (SELECT count(*) FROM bench.anchor_set(p.id, p.story, p.kind, p.a, p.sign_off)),
    CASE p.kind WHEN 0 THEN NULL WHEN 2 THEN 'exact' ELSE 'near' END,
    CASE p.kind WHEN 0 THEN NULL WHEN 2 THEN 1.0 WHEN 1 THEN 0.93 ELSE 1.0 END
FROM bench.plan p
JOIN bench.sites s ON s.idx = p.src
JOIN bench.sites so ON so.idx = p.story_src
JOIN bench.bodies b ON b.n = p.story %% %(n_bodies)s
"""

_DEDUP_ANCHORS_SQL = """
INSERT INTO article_anchors (hash, article_id)
SELECT h, p.id FROM bench.plan p,
    LATERAL bench.anchor_set(p.id, p.story, p.kind, p.a, p.sign_off) h
WHERE p.id %% 2 = %(part)s
"""


def create_dedup_helpers(conn: psycopg.Connection) -> None:
    """(Re)create the empty `bench` schema: sites, a pool of bodies, agency sign-off
    anchors, the plan of background rows and the function that derives a row's anchors."""
    conn.execute("DROP SCHEMA IF EXISTS bench CASCADE")
    conn.commit()
    conn.execute(_DEDUP_LOAD_SQL)


def insert_dedup_helpers(
    conn: psycopg.Connection,
    sites: Iterable[tuple[int, str, str, str, str, str, bool]],
    bodies: Iterable[tuple[int, str, str, str, str]],
    sign_off: Iterable[tuple[int, int]],
) -> None:
    """Fill the helper tables (committed): sites (idx, name, host, site_name, credit,
    language, is agency), bodies (n, title, body, lead, language), sign-off (site idx,
    anchor hash)."""
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO bench.sites VALUES (%s, %s, %s, %s, %s, %s, %s)", sites)
        cur.executemany("INSERT INTO bench.bodies VALUES (%s, %s, %s, %s, %s)", bodies)
        cur.executemany("INSERT INTO bench.sign_off VALUES (%s, %s)", sign_off)
    conn.commit()


def plan_dedup_background(
    conn: psycopg.Connection,
    lo: int,
    hi: int,
    orig_sites: Sequence[int],
    copy_sites: Sequence[int],
    agencies: Sequence[int],
) -> None:
    """Plan background rows with ids lo..hi-1 (committed): story, kind, anchor count,
    site and publication time of each; 1 in 5 rows a copy of its block's original."""
    conn.execute("TRUNCATE bench.plan")
    conn.execute(
        _DEDUP_PLAN_SQL,
        {
            "lo": lo,
            "hi": hi,
            "orig_sites": list(orig_sites),
            "n_orig": len(orig_sites),
            "copy_sites": list(copy_sites),
            "n_copy": len(copy_sites),
            "agencies": list(agencies),
        },
    )
    conn.execute("ANALYZE bench.plan")
    conn.commit()


def insert_planned_articles(conn: psycopg.Connection, n_bodies: int) -> None:
    """Insert the planned rows into `articles` (not committed); bodies from the pool of
    `n_bodies`."""
    conn.execute(_DEDUP_ARTICLES_SQL, {"n_bodies": n_bodies})


def insert_planned_anchors(conn: psycopg.Connection, part: int) -> None:
    """Insert the anchors of the planned rows whose id % 2 == `part` (not committed), so
    two sessions can load them side by side."""
    conn.execute(_DEDUP_ANCHORS_SQL, {"part": part})


# --------------------------------------------------------------------------- export articles

_EXPORT_FILL = """
INSERT INTO articles (id, url, canonical_url, source, title, authors, body, lead, language,
    published_at, published_precision, modified_at, modified_precision, date_evidence,
    fetched_at, content_hash, duplicate_of, credited_source, site_name, section, tags,
    image_url, dedup_method, similarity, first_seen_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT i,
       'https://' || src || '.example/news/' || i,
       CASE WHEN i % 3 = 0 THEN 'https://' || src || '.example/news/' || i END,
       src,
       initcap(p[1 + (i * 7) % 2000]::text),
       CASE i % 4 WHEN 0 THEN '{}'::text[] WHEN 1 THEN ARRAY['Olena Kovalenko']
            ELSE ARRAY['Jane Roe', 'John Doe'] END,
       array_to_string(ARRAY[p[1 + (i * 31) % 2000], p[1 + (i * 37 + 1) % 2000],
            p[1 + (i * 41 + 2) % 2000], p[1 + (i * 43 + 3) % 2000],
            p[1 + (i * 47 + 4) % 2000], p[1 + (i * 53 + 5) % 2000],
            p[1 + (i * 59 + 6) % 2000], p[1 + (i * 61 + 7) % 2000],
            p[1 + (i * 67 + 8) % 2000], p[1 + (i * 71 + 9) % 2000]], E'\\n\\n'),
       CASE WHEN i % 2 = 0 THEN p[1 + (i * 13) % 2000] END,
       (ARRAY['en', 'de', 'uk'])[1 + i % 3],
       CASE WHEN i % 50 <> 0 THEN ts END,
       CASE WHEN i % 50 <> 0 THEN (ARRAY['minute', 'second', 'day'])[1 + i % 3] END,
       CASE WHEN i % 7 = 0 THEN ts + interval '3 hours' END,
       CASE WHEN i % 7 = 0 THEN 'second' END,
       CASE WHEN i % 50 <> 0 THEN (ARRAY['jsonld', 'meta', 'time', 'feed'])[1 + i % 4] END,
       ts + interval '20 minutes',
       md5(i::text) || md5((i + 1)::text),
       CASE WHEN i % 5 = 0 THEN i - 1 END,
       CASE WHEN i % 5 = 0 THEN 'WIRE' END,
       initcap(src),
       (ARRAY['World', 'Politics', 'Economy', NULL])[1 + i % 4],
       ARRAY['news', 'tag' || (i % 100)],
       'https://' || src || '.example/img/' || i || '.jpg',
       CASE WHEN i % 5 = 0 THEN (ARRAY['exact', 'near'])[1 + i % 2] END,
       CASE WHEN i % 5 = 0 THEN (0.8 + (i % 20) / 100.0)::real END,
       ts + interval '20 minutes',
       ts + interval '20 minutes'
FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i,
     LATERAL (SELECT (ARRAY['wire', 'blog', 'daily', 'portal'])[1 + i % 4] AS src,
                     timestamptz '2024-01-01 00:00+00' + (i * interval '31 seconds') AS ts) AS x,
     (SELECT array_agg(text ORDER BY id) AS p FROM bench_paragraphs) AS paragraphs
"""

# modulo operators doubled for psycopg; %(start)s and %(stop)s stay parameters
_EXPORT_FILL_SQL = (
    _EXPORT_FILL.replace("%", "%%")
    .replace("%%(start)s", "%(start)s")
    .replace("%%(stop)s", "%(stop)s")
)


def create_paragraph_pool(conn: psycopg.Connection, paragraphs: Iterable[str]) -> None:
    """Create `bench_paragraphs` and copy the paragraphs in (not committed); the export
    fill assembles bodies from them."""
    conn.execute("CREATE TABLE bench_paragraphs (id int PRIMARY KEY, text text NOT NULL)")
    with conn.cursor().copy("COPY bench_paragraphs (id, text) FROM STDIN") as copy:
        for number, text in enumerate(paragraphs):
            copy.write_row((number, text))


def insert_export_articles(conn: psycopg.Connection, start: int, stop: int) -> None:
    """Insert articles with ids start..stop inclusive (not committed); a row whose id is
    0 mod 5 is a repost of id - 1."""
    conn.execute(_EXPORT_FILL_SQL, {"start": start, "stop": stop})


def drop_paragraph_pool(conn: psycopg.Connection) -> None:
    """Drop `bench_paragraphs` once the articles are in."""
    conn.execute("DROP TABLE bench_paragraphs")
