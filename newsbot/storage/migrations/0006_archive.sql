-- Raw pages kept as WARC, versioned extraction, re-extraction and ingest (issue 21).

-- where the page's raw response is archived (WARC file and byte offset of its response
-- record): `newsbot reprocess` reads it back from there without scanning the file
ALTER TABLE articles ADD COLUMN warc_file text;
ALTER TABLE articles ADD COLUMN warc_offset bigint;
-- the extraction code that made the row: package version + rules revision ("0.1.0+rules.1");
-- NULL for rows stored before versions were recorded
ALTER TABLE articles ADD COLUMN extractor_version text;
-- what feeds/sitemaps/listings said about the page (title, dates, authors, via, found_on):
-- evidence the stages use, kept so that re-extraction sees what the crawl saw
ALTER TABLE articles ADD COLUMN discovery_hints jsonb;

CREATE INDEX articles_extractor_version_idx ON articles (extractor_version);

-- `newsbot reprocess` runs: what was asked, how far it got (resumable), what it did
CREATE TABLE reprocess_runs (
    id                bigserial PRIMARY KEY,
    -- the selection: {"source": ..., "since": ..., "older_than_version": ...}
    selection         jsonb NOT NULL,
    extractor_version text NOT NULL,
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    -- 'running', 'interrupted', 'finished'
    status            text NOT NULL DEFAULT 'running',
    -- every selected article with an id up to this one is done (resume after it)
    last_article_id   bigint NOT NULL DEFAULT 0,
    -- changed, unchanged, dropped, failed, missing (no raw page)
    counters          jsonb NOT NULL DEFAULT '{}'
);

-- `newsbot ingest`: per WARC file, how far it was read (resumable) and what it gave
CREATE TABLE ingested_files (
    path          text PRIMARY KEY,
    size          bigint NOT NULL,
    source        text,
    -- the next record to read starts here
    next_offset   bigint NOT NULL DEFAULT 0,
    started_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    -- pages, new, updated, unchanged, dropped, failed, skipped/<kind>
    counters      jsonb NOT NULL DEFAULT '{}'
);
