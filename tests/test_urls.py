import pytest

from newsbot.urls import looks_like_article, normalize_url, same_site, usable_canonical


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM:80/a/b", "http://example.com/a/b"),
        ("https://example.com:443/a?b=2&a=1#top", "https://example.com/a?a=1&b=2"),
        (
            "https://example.com/news/x.html?utm_source=rss&utm_medium=feed",
            "https://example.com/news/x.html",
        ),
        ("https://example.com/x?fbclid=abc&id=7&gclid=z", "https://example.com/x?id=7"),
        ("http://127.0.0.1:8080/2022/08/01/slug/", "http://127.0.0.1:8080/2022/08/01/slug/"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


def test_variants_of_one_page_normalise_alike() -> None:
    variants = [
        "https://Example.com/news/1?utm_campaign=x",
        "https://example.com/news/1#comments",
        "https://example.com:443/news/1?mc_cid=1&utm_source=tw",
    ]
    assert len({normalize_url(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.com/2022/07/31/kosovo-clashes/", True),
        ("https://x.com/news/1234567", True),
        ("https://x.com/world/shots-and-siren-at-the-border-of-kosovo", True),
        ("https://x.com/tag/kosovo/", False),
        ("https://x.com/", False),
        ("https://x.com/about", False),
        ("https://x.com/2022/07/31/photo.jpg", False),
        ("https://x.com/page/2/", False),
    ],
)
def test_article_heuristics(url: str, expected: bool) -> None:
    assert looks_like_article(url) is expected


def test_same_site() -> None:
    hosts = frozenset({"www.unian.net"})
    assert same_site("https://unian.net/x", hosts)
    assert same_site("https://rus.unian.net/x", hosts)
    assert not same_site("https://evil.net/x", hosts)
    assert not same_site("https://notunian.net/x", hosts)


def test_usable_canonical_ignores_site_roots() -> None:
    assert usable_canonical("https://a.com/x?amp=1", "https://a.com/x") == "https://a.com/x"
    assert usable_canonical("https://a.com/x", "https://a.com/") is None
    assert usable_canonical("https://a.com/x", "https://a.com/x") is None
    assert usable_canonical("https://a.com/x", None) is None
