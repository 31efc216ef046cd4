-- Near-duplicate detection across runs and processes: sampled shingle hashes per article.

CREATE TABLE article_anchors (
    hash        bigint NOT NULL,
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (hash, article_id)
);
CREATE INDEX article_anchors_article_idx ON article_anchors (article_id);

ALTER TABLE articles ADD COLUMN anchor_count integer;
-- how this copy joined its story: 'exact' (same normalised body) or 'near' (containment)
ALTER TABLE articles ADD COLUMN dedup_method text;
-- containment score (0..1] of the match that joined this copy to its story
ALTER TABLE articles ADD COLUMN similarity real;

CREATE OR REPLACE VIEW reposts AS
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
       o.published_at AS original_published_at,
       r.similarity,
       r.dedup_method
FROM articles r
JOIN articles o ON o.id = r.duplicate_of;

-- One row per story: its original and every place it appeared.
CREATE VIEW stories AS
SELECT o.id                                          AS original_id,
       o.title,
       o.url                                         AS original_url,
       o.source                                      AS original_source,
       o.published_at                                AS first_published_at,
       count(m.id)                                   AS copies,
       count(m.id) - 1                               AS reposts,
       array_agg(DISTINCT m.source ORDER BY m.source) AS sites,
       min(m.first_seen_at)                          AS first_seen_at,
       max(m.fetched_at)                             AS last_seen_at
FROM articles o
JOIN articles m ON m.id = o.id OR m.duplicate_of = o.id
WHERE o.duplicate_of IS NULL
GROUP BY o.id;
