"""Bytes → text: `newsbot extract` decodes a page exactly as the crawl does (issue #19).

One function, `newsbot.decoding.decode_html`, serves the spider and `newsbot extract`;
it is held to Scrapy's own `HtmlResponse.text`, and a crawl of a local server is held to
`newsbot extract` of the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from newsbot.cli import main
from newsbot.decoding import decode_html
from tests.faults import hostile_web
from tests.support.cli import newsbot

_FR = (
    "Le café du port était plein dès l'aube, où les pêcheurs déjà réunis parlaient de "
    "la saison, des prix et de la météo. Ça n'a rien d'étonnant, dit le maître des lieux.",
    "À midi, la municipalité a annoncé que le quai serait rénové l'été prochain, après "
    "des années de débats où chacun défendait son idée du littoral et de son avenir.",
    "Les habitants, très attachés à leur façade maritime, ont salué une décision qu'ils "
    "réclamaient depuis longtemps, même si certains craignent des travaux trop longs.",
)
_RU = (
    "Утром в порту было многолюдно: рыбаки обсуждали сезон, цены на рыбу и погоду на "
    "ближайшую неделю, а хозяин кафе говорил, что ничего удивительного в этом нет.",
    "В полдень мэрия объявила, что причал отремонтируют следующим летом, после долгих "
    "споров о том, каким должно быть побережье города и кто за это заплатит.",
    "Жители, привязанные к своей набережной, приветствовали решение, которого ждали "
    "много лет, хотя некоторые опасаются, что работы затянутся надолго.",
)


def _page(title: str, paragraphs: tuple[str, ...], head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head>{head}<title>{title}</title>"
        '<meta property="article:published_time" content="2024-05-02T10:00:00+00:00">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


#: name → (bytes, Content-Type the server sends, the same given to `newsbot extract`)
PAGES: dict[str, tuple[bytes, str, str | None]] = {
    "meta-latin1": (
        _page("Le café du port rénové", _FR, '<meta charset="iso-8859-1">').encode("latin-1"),
        "text/html",
        None,
    ),
    "undeclared-latin1": (
        _page("Un été à la mer, déjà", _FR).encode("latin-1"),
        "text/html",
        None,
    ),
    "undeclared-cp1251": (
        _page("Причал отремонтируют летом", _RU).encode("cp1251"),
        "text/html",
        None,
    ),
    "bom-utf8": (
        ("\ufeff" + _page("Ça déménage au café", _FR)).encode("utf-8"),
        "text/html",
        None,
    ),
    "header-latin1": (
        _page("Façade maritime: décision", _FR).encode("latin-1"),
        "text/html; charset=iso-8859-1",
        "text/html; charset=iso-8859-1",
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_decode_html_equals_scrapys_response_text(name: str) -> None:
    from scrapy.http import HtmlResponse

    body, content_type, _ = PAGES[name]
    response = HtmlResponse("http://site.test/", body=body, headers={"Content-Type": content_type})
    assert decode_html(body, content_type) == (response.encoding, response.text)
    bare = HtmlResponse("http://site.test/", body=body)
    assert decode_html(body) == (bare.encoding, bare.text)


def test_decode_html_follows_the_declarations_in_scrapys_order() -> None:
    latin = "<html><title>Café</title></html>".encode("latin-1")
    assert decode_html(latin, "text/html; charset=iso-8859-1")[1].endswith("Café</title></html>")
    # the header wins over the page's own <meta>; a byte-order mark wins over both
    meta_utf8 = '<meta charset="utf-8"><title>Café</title>'.encode("latin-1")
    assert decode_html(meta_utf8, "text/html; charset=windows-1252")[0] == "cp1252"
    bom = "\ufeff<title>Café</title>".encode()
    assert decode_html(bom, "text/html; charset=iso-8859-1") == ("utf-8", "<title>Café</title>")


@pytest.fixture
def site() -> Iterator[str]:
    """A listing page linking every page of PAGES, each served with its bytes and header."""
    listing = "".join(f'<a href="/news/{n}.html">{n}</a> ' for n in sorted(PAGES)).encode()
    routes = {"/news/": hostile_web.body(listing, content_type="text/html; charset=utf-8")}
    for name, (page, content_type, _given) in PAGES.items():
        routes[f"/news/{name}.html"] = hostile_web.body(page, content_type=content_type)
    with hostile_web.serve(routes) as server:
        yield server.base


@pytest.mark.slow
def test_extract_gives_the_crawls_title_and_body_for_the_same_bytes(
    db: psycopg.Connection,
    database_url: str,
    site: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "port"\nstart_urls = ["{site}/news/"]\n'
        'article_pattern = "/news/[a-z0-9-]+\\\\.html$"\nmax_depth = 0\n',
        encoding="utf-8",
    )
    crawl = newsbot("crawl", "--sources", str(sources), "--json", database_url=database_url)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    stored = {
        r["url"].rsplit("/", 1)[1].removesuffix(".html"): r
        for r in db.execute("SELECT url, title, body FROM articles").fetchall()
    }
    assert sorted(stored) == sorted(PAGES)
    for name, (body, _served, given) in PAGES.items():
        page = tmp_path / f"{name}.html"
        page.write_bytes(body)
        args = ["extract", "--url", f"{site}/news/{name}.html", str(page)]
        if given:
            args += ["--content-type", given]
        assert main(args) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["title"] == stored[name]["title"], name
        assert shown["body"] == stored[name]["body"], name
    assert stored["meta-latin1"]["title"] == "Le café du port rénové"
    assert stored["header-latin1"]["title"] == "Façade maritime: décision"
    assert stored["bom-utf8"]["title"] == "Ça déménage au café"
    assert stored["undeclared-cp1251"]["title"] == "Причал отремонтируют летом"
