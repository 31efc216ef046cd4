-- newsbot schema, version 1. A contract with analysts: extend, never rename or drop.

CREATE TABLE sources (
    name        text PRIMARY KEY,
    config      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crawl_runs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    status         text NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
    sources        text[] NOT NULL DEFAULT '{}',
    finish_reason  text,
    counters       jsonb NOT NULL DEFAULT '{}'::jsonb,
    host           text,
    pid            integer,
    command        text
);

CREATE TABLE articles (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url                  text NOT NULL UNIQUE,
    canonical_url        text,
    source               text NOT NULL REFERENCES sources (name) ON UPDATE CASCADE,
    title                text,
    authors              text[] NOT NULL DEFAULT '{}',
    body                 text,
    lead                 text,
    language             text,
    published_at         timestamptz,
    published_precision  text CHECK (published_precision IN ('day', 'minute', 'second')),
    modified_at          timestamptz,
    modified_precision   text CHECK (modified_precision IN ('day', 'minute', 'second')),
    date_evidence        text,
    fetched_at           timestamptz NOT NULL,
    content_hash         text,
    duplicate_of         bigint REFERENCES articles (id) ON DELETE SET NULL,
    credited_source      text,
    site_name            text,
    section              text,
    tags                 text[] NOT NULL DEFAULT '{}',
    image_url            text,
    first_seen_at        timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    first_run_id         bigint REFERENCES crawl_runs (id) ON DELETE SET NULL,
    last_run_id          bigint REFERENCES crawl_runs (id) ON DELETE SET NULL,
    CHECK (duplicate_of IS NULL OR duplicate_of <> id)
);

CREATE INDEX articles_content_hash_idx ON articles (content_hash);
CREATE INDEX articles_canonical_url_idx ON articles (canonical_url);
CREATE INDEX articles_source_published_idx ON articles (source, published_at DESC);
CREATE INDEX articles_published_idx ON articles (published_at DESC);
CREATE INDEX articles_duplicate_of_idx ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Reader comments found on article pages: never part of `articles.body`.
CREATE TABLE article_comments (
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    body        text NOT NULL,
    PRIMARY KEY (article_id, position)
);

-- One row per story: originals only, with how many reposts each has.
CREATE VIEW unique_articles AS
SELECT a.*,
       (SELECT count(*) FROM articles r WHERE r.duplicate_of = a.id) AS repost_count
FROM articles a
WHERE a.duplicate_of IS NULL;

-- Every repost next to its original.
CREATE VIEW reposts AS
SELECT r.id,
       r.url,
       r.source,
       r.title,
       r.published_at,
       r.credited_source,
       o.id           AS original_id,
       o.url          AS original_url,
       o.source       AS original_source,
       o.title        AS original_title,
       o.published_at AS original_published_at
FROM articles r
JOIN articles o ON o.id = r.duplicate_of;
