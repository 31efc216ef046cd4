"""The two measurement runs of bench/dedup.py: quality.py (the gold repost set through
save_batch, scored) and cost.py (save_batch timed at growing table sizes); database.py
makes and drops their scratch database."""

from __future__ import annotations

import sys
import time


def log(message: str) -> None:
    """Progress goes to stderr so stdout stays the report."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
