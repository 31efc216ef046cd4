"""End a helper process when its parent ends, even by SIGKILL (Linux).

Imported by the extraction workers and preloaded by their fork server: without it,
a crawler killed with SIGKILL would leave them behind, holding its pipes and memory.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def ignore_stop_signals() -> None:
    """Ignore SIGINT and SIGTERM: a helper process is stopped by its parent, not by the
    terminal's Ctrl-C or a `kill` sent to the whole process group (which would break the
    pool under the parent while it finishes the pages in flight)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent is already gone
        os._exit(1)


die_with_parent()
