"""render_js: a page whose article text is inserted by JavaScript, crawled through Chromium."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from newsbot.demo.webserver import serve_sites
from newsbot.run.browser import find_browser
from tests.test_crawl import newsbot

pytestmark = [
    pytest.mark.slow,  # a browser crawl: `make test`, not `make test-fast`
    pytest.mark.skipif(
        find_browser() is None,
        reason="no Chromium/Chrome found (apt-get install chromium, or set NEWSBOT_BROWSER)",
    ),
]

PARAGRAPHS = [
    "The city council voted on Monday to rebuild the old tram depot as a public library, "
    "ending a decade of argument over the fate of the site.",
    "Construction is expected to start next spring and to take two years, the council said, "
    "with the cost shared between the city and a European fund.",
    "Residents who had campaigned for the library said the decision proved that persistence "
    "pays off, while critics warned that the budget was unrealistic.",
]

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Tram depot to become a library | Script Times</title>
<meta property="article:published_time" content="2022-09-05T10:00:00+02:00"></head>
<body><header><nav><a href="/">Home</a></nav></header>
<article><h1>Tram depot to become a library</h1><div id="story">Loading…</div></article>
<img src="/big-photo.jpg">
<script>
  const paragraphs = %s;
  const story = document.getElementById("story");
  story.textContent = "";
  for (const text of paragraphs) {
    const p = document.createElement("p");
    p.textContent = text;
    story.appendChild(p);
  }
</script></body></html>"""


def test_javascript_article_text_is_rendered_and_stored(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    import json

    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    (site / "news" / "tram-depot-library-4821.html").write_text(PAGE % json.dumps(PARAGRAPHS))
    (site / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><item>'
        "<link>{{js}}/news/tram-depot-library-4821.html</link></item></channel></rss>"
    )
    with serve_sites({"js": site}) as bases:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "js"\nfeeds = ["{bases["js"]}/rss.xml"]\nrender_js = true\n'
        )
        result = newsbot("crawl", "--sources", str(sources), database_url=database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    row = db.execute("SELECT title, body FROM articles").fetchone()
    assert row["title"] == "Tram depot to become a library"
    assert row["body"].split("\n\n") == PARAGRAPHS
