"""The sources file contract: valid files load, every mistake names file, source and key."""

from pathlib import Path

import pytest

from newsbot.config import load_sources, select_sources
from newsbot.errors import ConfigError

GOOD = """
[[sources]]
name = "unian"
feeds = ["https://www.unian.net/rss/news"]
sitemaps = ["https://www.unian.net/sitemap.xml"]
start_urls = ["https://www.unian.net/news/"]
article_pattern = "/news/\\\\d+"
follow_pattern = "/news/page/\\\\d+"
max_depth = 3
timezone = "Europe/Kyiv"
language = "uk"
render_js = false

[[sources]]
name = "blog"
feeds = ["https://example.com/feed/"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_loads_every_key(tmp_path: Path) -> None:
    unian, blog = load_sources(write(tmp_path, GOOD))
    assert unian.name == "unian"
    assert unian.feeds == ("https://www.unian.net/rss/news",)
    assert unian.max_depth == 3
    assert unian.timezone == "Europe/Kyiv"
    assert unian.language == "uk"
    assert unian.matches_article("https://www.unian.net/news/12345-x.html") is True
    assert unian.matches_article("https://www.unian.net/tag/x") is False
    assert unian.matches_follow("https://www.unian.net/news/page/2") is True
    assert unian.hosts == {"www.unian.net"}
    assert blog.max_depth == 2 and blog.matches_article("https://example.com/x") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[sources]]\nname = "a"\nfeeds = ["https://a.com/rss"]\nfeed = ["x"]\n', "key 'feed'"),
        ('[[sources]]\nname = "a"\nfeeds = ["ftp://a.com/rss"]\n', "not an absolute http(s) URL"),
        (
            '[[sources]]\nname = "a"\nfeeds = ["https://a.com/"]\narticle_pattern = "("\n',
            "key 'article_pattern'",
        ),
        (
            '[[sources]]\nname = "a"\nfeeds = ["https://a.com/"]\ntimezone = "Mars/Base"\n',
            "unknown time zone",
        ),
        (
            '[[sources]]\nname = "a"\nfeeds = ["https://a.com/"]\nmax_depth = -1\n',
            "key 'max_depth'",
        ),
        (
            '[[sources]]\nname = "a"\nfeeds = ["https://a.com/"]\nrender_js = "yes"\n',
            "key 'render_js'",
        ),
        ('[[sources]]\nname = "a"\n', "needs at least one of feeds"),
        ('[[sources]]\nfeeds = ["https://a.com/"]\n', "key 'name'"),
        (
            '[[sources]]\nname = "a"\nfeeds = ["https://a.com/"]\n[[sources]]\nname = "a"\nfeeds = ["https://b.com/"]\n',
            "names must be unique",
        ),
        ("[[sources]\nname=", "not valid TOML"),
        ("title = 'x'\n", "unknown top-level key"),
        ("", "no [[sources]] tables"),
    ],
)
def test_bad_files_name_what_to_fix(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message


def test_error_names_the_source(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\nname = "kyiv"\nfeeds = ["https://a.com/"]\nlanguage = 5\n')
    with pytest.raises(ConfigError, match=r"source 'kyiv', key 'language'"):
        load_sources(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_sources(tmp_path / "nope.toml")


def test_select_unknown_name(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    sources = load_sources(path)
    assert [s.name for s in select_sources(sources, [], path)] == ["unian", "blog"]
    assert [s.name for s in select_sources(sources, ["blog"], path)] == ["blog"]
    with pytest.raises(ConfigError, match="no source named 'bbc'"):
        select_sources(sources, ["bbc"], path)


def test_example_sources_file_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent
    sources = load_sources(root / "sources.example.toml")
    assert len(sources) >= 3


def test_extract_overrides_are_declared_data(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[sources]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n'
        '[sources.extract]\nbody = "div.story-body"\ndrop = [".promo", "aside.related"]\n'
        'title = "h1.headline"\nauthors = ".byline a"\n',
    )
    (source,) = load_sources(path)
    assert source.extract is not None
    assert source.extract.body == ("div.story-body",)
    assert source.extract.drop == (".promo", "aside.related")
    assert source.extract.title == "h1.headline"
    assert source.to_dict()["extract"]["drop"] == [".promo", "aside.related"]


@pytest.mark.parametrize(
    ("extract", "expected"),
    [
        ('body = "div[[["', "key 'extract.body': invalid CSS selector"),
        ('bodyy = "div"', "key 'extract.bodyy': unknown key"),
        ("drop = 5", "key 'extract.drop'"),
    ],
)
def test_bad_extract_overrides(tmp_path: Path, extract: str, expected: str) -> None:
    path = write(
        tmp_path,
        f'[[sources]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n[sources.extract]\n{extract}\n',
    )
    with pytest.raises(ConfigError, match=expected.replace("[", r"\[")):
        load_sources(path)


def test_site_modules_apply_by_host() -> None:
    from newsbot import sites
    from newsbot.sites.base import SiteOverrides

    hosted = sites.for_url("https://someblog.wordpress.com/2022/08/01/post/")
    assert hosted is not None and "div.sharedaddy" in hosted.drop
    assert sites.for_url("https://example.org/x") is None
    declared = SiteOverrides(title="h2.title")
    merged = sites.for_url("https://someblog.wordpress.com/x", declared)
    assert merged.title == "h2.title" and merged.body == ("div.entry-content",)


def test_crawl_limits_and_politeness_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[sources]]\nname = "a"\nfeeds = ["https://a.example/rss"]\nrefresh_days = 7\n'
        "max_age_days = 2.5\nmax_pages = 500\nmax_duration = 600\ndownload_delay = 1.5\n"
        "concurrency = 2\n",
    )
    (source,) = load_sources(path)
    assert (source.refresh_days, source.max_age_days, source.max_pages) == (7, 2.5, 500)
    assert (source.max_duration, source.download_delay, source.concurrency) == (600, 1.5, 2)
    for bad in ("max_pages = 1.5", "concurrency = 0", "refresh_days = -1", 'max_duration = "1h"'):
        path = write(
            tmp_path, f'[[sources]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n{bad}\n'
        )
        with pytest.raises(ConfigError, match=f"key '{bad.split()[0]}'"):
            load_sources(path)


def test_archive_key_is_a_directory_beside_the_sources_file_unless_absolute(
    tmp_path: Path,
) -> None:
    feeds = 'feeds = ["https://a.example/rss"]'
    path = write(
        tmp_path,
        f'[[sources]]\nname = "a"\n{feeds}\narchive = "warc/a"\n'
        f'[[sources]]\nname = "b"\n{feeds}\narchive = "/srv/warc"\n'
        f'[[sources]]\nname = "c"\n{feeds}\n',
    )
    a, b, c = load_sources(path)
    assert a.archive == str(tmp_path.resolve() / "warc" / "a")
    assert b.archive == "/srv/warc"
    assert c.archive is None
    assert a.to_dict()["archive"] == a.archive and c.to_dict()["archive"] is None
    for bad in ('archive = ""', "archive = 1", 'archive = "  "', "archive = true"):
        path = write(tmp_path, f'[[sources]]\nname = "a"\n{feeds}\n{bad}\n')
        with pytest.raises(ConfigError, match="key 'archive': must be a directory path"):
            load_sources(path)
