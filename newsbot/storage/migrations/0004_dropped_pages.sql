-- Pages fetched as articles but dropped (not an article, no body…): re-crawls skip them too.
CREATE TABLE dropped_pages (
    url         text PRIMARY KEY,
    source      text NOT NULL REFERENCES sources (name) ON UPDATE CASCADE ON DELETE CASCADE,
    reason      text NOT NULL,
    discovery_lastmod text,
    dropped_at  timestamptz NOT NULL DEFAULT now()
);
