"""A process and everything below it, read from /proc (Linux).

A crawl's stage workers are started by a fork server, so they are not the crawler's
children in rusage's sense: the benches measure the whole tree from here instead.
"""

from __future__ import annotations

import os


def process_table() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds so far) of every process on the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            table[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
    return table


def tree(root: int, table: dict[int, tuple[int, float]]) -> set[int]:
    """`root` and its descendants in `table`."""
    found, grew = {root}, True
    while grew:
        extra = {pid for pid, (ppid, _) in table.items() if ppid in found and pid not in found}
        found |= extra
        grew = bool(extra)
    return found
