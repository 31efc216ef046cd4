-- Incremental crawling: what discovery said when a page was fetched, and HTTP validators of
-- feeds and sitemaps for conditional requests.

-- the lastmod (sitemap) or updated (feed) value seen when the article was last fetched
ALTER TABLE articles ADD COLUMN discovery_lastmod text;

CREATE TABLE fetch_validators (
    url            text PRIMARY KEY,
    source         text NOT NULL REFERENCES sources (name) ON UPDATE CASCADE ON DELETE CASCADE,
    etag           text,
    last_modified  text,
    fetched_at     timestamptz NOT NULL DEFAULT now()
);
