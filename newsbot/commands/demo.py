"""`newsbot demo`: serve the bundled sample news web, crawl it, show the result."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo", help="serve the bundled sample news web, crawl it, show the result"
    )
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsbot.demo.run import run_demo

    return run_demo()
