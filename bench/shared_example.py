"""Check: the real repost in ../shared/examples, crawled next to its original, is linked to it.

The example is what a naive scraper stored from a WordPress blog that reposted an
UNIAN article: title, standfirst, the photo caption twice, the article, a credit
line, a reader comment, "Liked by 1 person" and the whole comment form. This
script rebuilds two pages from it — the agency's original (standfirst, caption
once, no credit line, published first) and the blog's repost in WordPress/Jetpack
markup (everything the naive scraper saw, published the next morning) — serves
them on 127.0.0.1, runs `newsbot crawl` over both into a scratch database and
prints what was stored.

    .venv/bin/python bench/shared_example.py [EXAMPLE.txt] [--database-url URL]
"""

from __future__ import annotations

import argparse
import html
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsbot.demo.webserver import serve_sites  # noqa: E402
from newsbot.storage import resolve_database_url  # noqa: E402
from newsbot.storage.measures import articles_with_links  # noqa: E402
from tests.support.database import scratch_database  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "examples" / "000_9cb886f8f8f97ad2.txt"


def split_example(text: str) -> dict:
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    title, lead, captions = blocks[0], blocks[1], blocks[2].splitlines()
    credit_at = next(i for i, b in enumerate(blocks) if b.startswith("(C)"))
    return {
        "title": title,
        "lead": lead,
        "caption": captions[0],
        "paragraphs": blocks[3:credit_at],
        "credit": blocks[credit_at],
        "after": blocks[credit_at + 1 :],
    }


def original_page(parts: dict) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in parts["paragraphs"])
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(parts["title"])} | UNIAN</title>
<meta property="og:site_name" content="UNIAN">
<meta property="article:published_time" content="2022-07-31T20:05:00+03:00">
<link rel="canonical" href="{{{{agency}}}}/world/kosovo-clashes-11921111.html"></head>
<body><header><nav><a href="/">News</a> <a href="/world/">World</a></nav></header>
<article><h1>{html.escape(parts["title"])}</h1>
<p class="article__lead">{html.escape(parts["lead"])}</p>
<figure><img src="/photo.jpg"><figcaption>{html.escape(parts["caption"])}</figcaption></figure>
{paragraphs}</article>
<div class="cookie-banner">We use cookies. <button>OK</button></div></body></html>"""


def repost_page(parts: dict) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in parts["paragraphs"])
    comment = html.escape(parts["after"][0]) if parts["after"] else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(parts["title"])} &#8211; Balkan Notes</title>
<meta property="article:published_time" content="2022-08-01T06:12:00+00:00"></head>
<body class="single"><div id="page" class="site">
<header id="masthead"><h1>Balkan Notes</h1></header>
<article class="post-77 post type-post"><header class="entry-header">
<h1 class="entry-title">{html.escape(parts["title"])}</h1>
<div class="entry-meta">Posted on <time class="entry-date published"
 datetime="2022-08-01T08:12:00+02:00">August 1, 2022</time> by admin</div></header>
<div class="entry-content"><p>{html.escape(parts["lead"])}</p>
<figure class="wp-caption"><img src="/p.jpg"><figcaption class="wp-caption-text">
{html.escape(parts["caption"])}</figcaption></figure><p>{html.escape(parts["caption"])}</p>
{body}<p>{html.escape(parts["credit"])}</p>
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3>
<ul><li><a href="?share=twitter">Twitter</a></li>
<li><a href="?share=facebook">Facebook</a></li></ul></div>
<div class="sharedaddy sd-block sd-like jetpack-likes-widget-wrapper"><h3>Like this:</h3>
<span>Loading...</span></div></div></article>
<div id="comments" class="comments-area"><ol class="comment-list"><li class="comment">
<div class="comment-content"><p>{comment}</p></div><p>Liked by 1 person</p></li></ol>
<div id="respond" class="comment-respond"><h3 id="reply-title">Leave a Reply</h3>
<p>Fill in your details below or click an icon to log in:</p>
<p>You are commenting using your WordPress.com account. ( Log Out / Change )</p>
<p>Connecting to %s</p><p class="akismet_comment_form_privacy_notice">This site uses Akismet
to reduce spam. Learn how your comment data is processed.</p></div></div></div></body></html>"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("example", nargs="?", default=str(DEFAULT))
    parser.add_argument("--database-url", help="server to create a scratch database on")
    args = parser.parse_args()
    parts = split_example(Path(args.example).read_text(encoding="utf-8"))

    server = args.database_url or resolve_database_url(announce=False)
    with scratch_database(server, "newsbot_example") as url:
        with tempfile.TemporaryDirectory() as tmp:
            agency, blog = Path(tmp, "agency"), Path(tmp, "blog")
            (agency / "world").mkdir(parents=True)
            (blog / "2022/08/01/shots-and-siren").mkdir(parents=True)
            (agency / "world/kosovo-clashes-11921111.html").write_text(original_page(parts))
            (blog / "2022/08/01/shots-and-siren/index.html").write_text(repost_page(parts))
            for root, path in (
                (agency, "/world/kosovo-clashes-11921111.html"),
                (blog, "/2022/08/01/shots-and-siren/"),
            ):
                name_ = root.name
                (root / "rss.xml").write_text(
                    '<?xml version="1.0"?><rss version="2.0"><channel><item>'
                    f"<link>{{{{{name_}}}}}{path}</link></item></channel></rss>"
                )
            with serve_sites({"agency": agency, "blog": blog}) as bases:
                sources = Path(tmp, "sources.toml")
                sources.write_text(
                    f'[[sources]]\nname = "unian"\nfeeds = ["{bases["agency"]}/rss.xml"]\n'
                    'timezone = "Europe/Kyiv"\n\n'
                    f'[[sources]]\nname = "blog"\nfeeds = ["{bases["blog"]}/rss.xml"]\n'
                )
                env = {**os.environ, "NEWSBOT_DATABASE_URL": url}
                result = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "newsbot",
                        "crawl",
                        "--sources",
                        str(sources),
                        "--log-level",
                        "WARNING",
                        "-s",
                        "DOWNLOAD_DELAY=0",
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                print(result.stderr.strip())
        with psycopg.connect(url) as conn:
            rows = articles_with_links(conn)
        for row in rows:
            print(
                f"#{row['id']} {row['source']:6} published {row['published_at']}  "
                f"duplicate_of={row['duplicate_of']} method={row['dedup_method']} "
                f"similarity={row['similarity']} credited={row['credited_source']}"
            )
            print(f"    title: {row['title']}")
        repost = next((r for r in rows if r["source"] == "blog"), None)
        original = next((r for r in rows if r["source"] == "unian"), None)
        leaked = [
            p
            for p in (
                "Liked by",
                "Leave a Reply",
                "Akismet",
                "commenting using",
                "Kosovo was part of the heart",
            )
            if repost and p in repost["body"]
        ]
        ok = bool(repost and original and repost["duplicate_of"] == original["id"] and not leaked)
        print(
            f"shared example stored as a repost of its original: {'yes' if ok else 'NO'}"
            + (f" (boilerplate left: {leaked})" if leaked else "")
        )
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
