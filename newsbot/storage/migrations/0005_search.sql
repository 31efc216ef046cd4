-- Full-text search over articles, and a view of volume over time (issue 7).

-- The text search configuration for an article's language (ISO 639-1, optionally with a
-- region: 'en', 'en-GB', 'pt_BR'); 'simple' (no stemming, no stop words) for languages
-- PostgreSQL has no configuration for, such as Ukrainian, and for NULL. Every configuration
-- named here ships with PostgreSQL 15 and later. IMMUTABLE so that a stored generated column
-- can use it: changing the mapping needs a new migration that also recomputes the column.
CREATE FUNCTION newsbot_text_search_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE lower(split_part(replace(coalesce(language, ''), '_', '-'), '-', 1))
    WHEN 'ar' THEN 'pg_catalog.arabic'::regconfig
    WHEN 'hy' THEN 'pg_catalog.armenian'::regconfig
    WHEN 'eu' THEN 'pg_catalog.basque'::regconfig
    WHEN 'ca' THEN 'pg_catalog.catalan'::regconfig
    WHEN 'da' THEN 'pg_catalog.danish'::regconfig
    WHEN 'nl' THEN 'pg_catalog.dutch'::regconfig
    WHEN 'en' THEN 'pg_catalog.english'::regconfig
    WHEN 'fi' THEN 'pg_catalog.finnish'::regconfig
    WHEN 'fr' THEN 'pg_catalog.french'::regconfig
    WHEN 'de' THEN 'pg_catalog.german'::regconfig
    WHEN 'el' THEN 'pg_catalog.greek'::regconfig
    WHEN 'hi' THEN 'pg_catalog.hindi'::regconfig
    WHEN 'hu' THEN 'pg_catalog.hungarian'::regconfig
    WHEN 'id' THEN 'pg_catalog.indonesian'::regconfig
    WHEN 'ga' THEN 'pg_catalog.irish'::regconfig
    WHEN 'it' THEN 'pg_catalog.italian'::regconfig
    WHEN 'lt' THEN 'pg_catalog.lithuanian'::regconfig
    WHEN 'ne' THEN 'pg_catalog.nepali'::regconfig
    WHEN 'no' THEN 'pg_catalog.norwegian'::regconfig
    WHEN 'nb' THEN 'pg_catalog.norwegian'::regconfig
    WHEN 'nn' THEN 'pg_catalog.norwegian'::regconfig
    WHEN 'pt' THEN 'pg_catalog.portuguese'::regconfig
    WHEN 'ro' THEN 'pg_catalog.romanian'::regconfig
    WHEN 'ru' THEN 'pg_catalog.russian'::regconfig
    WHEN 'sr' THEN 'pg_catalog.serbian'::regconfig
    WHEN 'es' THEN 'pg_catalog.spanish'::regconfig
    WHEN 'sv' THEN 'pg_catalog.swedish'::regconfig
    WHEN 'ta' THEN 'pg_catalog.tamil'::regconfig
    WHEN 'tr' THEN 'pg_catalog.turkish'::regconfig
    WHEN 'yi' THEN 'pg_catalog.yiddish'::regconfig
    ELSE 'pg_catalog.simple'::regconfig
END;

-- Title (weight A), lead (B) and body (C), parsed with the article's language. Kept up to date
-- by PostgreSQL itself: recomputed whenever one of those columns (or language) changes.
-- The body is capped at 1 MB of text so that a pathological page cannot exceed the tsvector
-- size limit and make its row unstorable.
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(newsbot_text_search_config(language), coalesce(title, '')), 'A')
    || setweight(to_tsvector(newsbot_text_search_config(language), coalesce(lead, '')), 'B')
    || setweight(
        to_tsvector(newsbot_text_search_config(language), left(coalesce(body, ''), 1000000)),
        'C'
    )
) STORED;

CREATE INDEX articles_search_idx ON articles USING gin (search_vector);

-- OR of tsqueries, to combine one query parsed with several configurations.
CREATE AGGREGATE newsbot_tsquery_or(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);

-- A websearch-syntax query parsed with every configuration articles can be stored with,
-- OR-ed together: one constant tsquery, so `search_vector @@ newsbot_search_query(q)` can use
-- the GIN index whatever the articles' languages. It over-matches a little (a stem from one
-- language can hit a word of another); newsbot_article_query() is the exact per-row test.
-- Articles without a configuration of their own use 'simple', which is part of the OR.
CREATE FUNCTION newsbot_search_query(query text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (
    SELECT newsbot_tsquery_or(parsed)
    FROM (
        SELECT DISTINCT websearch_to_tsquery(newsbot_text_search_config(code), query) AS parsed
        FROM unnest(ARRAY['ar', 'hy', 'eu', 'ca', 'da', 'nl', 'en', 'fi', 'fr', 'de', 'el',
                          'hi', 'hu', 'id', 'ga', 'it', 'lt', 'ne', 'no', 'pt', 'ro', 'ru',
                          'sr', 'es', 'sv', 'ta', 'tr', 'yi', '']) AS code
    ) AS per_config
);

-- The query as it applies to one article: parsed with the article's own configuration, the
-- one its search_vector was built with, so "running" finds "runs" in English, "Häuser" finds
-- "Haus" in German, and words of other languages (names, Cyrillic in an English article)
-- match as they are, since the stemmers leave words they do not know unchanged. Not OR-ed
-- with a 'simple' parse: a 'simple' query tested against a stemmed vector adds no matches a
-- stemmed query misses, and it breaks exclusions ("border -football" would still match an
-- English article about football, whose vector holds 'footbal', not 'football').
CREATE FUNCTION newsbot_article_query(query text, language text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN websearch_to_tsquery(newsbot_text_search_config(language), query);

-- Volume over time: articles per source and UTC day of publication (the day the page was
-- first seen when it gives no trustworthy date), originals and reposts apart.
CREATE VIEW articles_per_source_day AS
SELECT source,
       (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::date AS day,
       count(*)                                          AS articles,
       count(*) FILTER (WHERE duplicate_of IS NULL)      AS originals,
       count(*) FILTER (WHERE duplicate_of IS NOT NULL)  AS reposts
FROM articles
GROUP BY 1, 2;
