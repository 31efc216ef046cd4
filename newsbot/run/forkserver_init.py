"""Preloaded by the stage pool's fork server (newsbot.run.stage_pool), and only there.

The fork server ends with the crawler (newsbot.run.deathsig) and ignores SIGINT and
SIGTERM, as do the workers it forks (they inherit it before their first instruction): a
Ctrl-C or a `kill` to the crawler's process group must not reach them; the crawler stops
them itself once the pages in flight are through. Never import this module elsewhere.
"""

from newsbot.run.deathsig import die_with_parent, ignore_stop_signals

die_with_parent()
ignore_stop_signals()
