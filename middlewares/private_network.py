"""Keep a public page from steering the crawler into private networks (SSRF).

A feed entry, a link or a redirect can point anywhere, including 127.0.0.1, a
10.x intranet host or the cloud metadata address 169.254.169.254. Requests to
private, loopback, link-local and otherwise non-public addresses are refused
unless their host is one the sources file itself names (so a source on an
intranet host or on 127.0.0.1 works as configured). Names are resolved off the
reactor thread; the check runs for redirects too, since they pass through the
downloader middlewares again.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from newsbot import settings as defaults
from newsbot import stats as stat_keys


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


logger = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def resolve(host: str) -> tuple[str, ...]:
    """The addresses a host name resolves to (cached; empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return ()
    return tuple(sorted({info[4][0] for info in infos}))


class PrivateNetworkMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool(
            "NEWSBOT_BLOCK_PRIVATE_NETWORKS", defaults.NEWSBOT_BLOCK_PRIVATE_NETWORKS
        ):
            raise NotConfigured
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        host = (urlsplit(request.url).hostname or "").lower()
        allowed = getattr(getattr(spider, "source", None), "hosts", frozenset())
        if not host or host in allowed:
            return None
        try:
            addresses: tuple[str, ...] = (str(ipaddress.ip_address(host)),)
        except ValueError:
            addresses = await maybe_deferred_to_future(deferToThread(resolve, host))
        if addresses and not all(is_public(a) for a in addresses):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(stat_keys.REFUSED_PRIVATE_ADDRESS)
            logger.warning("refused %s: %s is a private or local address", request.url, host)
            raise IgnoreRequest(
                f"refused {request.url}: {host} is a private or local address that the "
                "sources file does not name"
            )
        return None
