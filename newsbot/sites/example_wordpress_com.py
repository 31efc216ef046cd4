"""Blogs hosted on wordpress.com: the theme puts Jetpack blocks inside .entry-content.

Generic extraction already removes them; this module shows the form a site module
takes and keeps a hosted-WordPress quirk in one place.
"""

from newsbot.sites.base import SiteOverrides

OVERRIDES = SiteOverrides(
    hosts=("wordpress.com",),
    body=("div.entry-content",),
    drop=(
        "div.sharedaddy",
        "div#jp-relatedposts",
        "div.wpcnt",
        "div.jp-post-flair",
    ),
    title="h1.entry-title",
)
