"""`newsbot story ID`: one story, its original and every copy, with the evidence that
joined each copy (exact or near, containment, the source its credit line names)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from newsbot.commands import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from newsbot.storage.stories import StoryMember


def register(commands: argparse._SubParsersAction) -> None:
    story = commands.add_parser(
        "story",
        help="show a story: its original and its copies, with their similarity",
        description="Show the story an article belongs to, given the id of any of its "
        "copies (the original or a repost): each copy's URL, source, published date, "
        "and how it joined the story (exact or near copy, containment, credited source).",
    )
    story.add_argument("id", type=_article_id, metavar="ID", help="an article id (articles.id)")
    story.add_argument("--json", action="store_true", help="print one JSON object")
    story.set_defaults(run=run)


def _article_id(text: str) -> int:
    try:
        value = int(text.lstrip("#"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an article id: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"not an article id: {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from newsbot.storage import connect, resolve_database_url
    from newsbot.storage.stories import story

    with connect(resolve_database_url()) as conn:
        found = story(conn, args.id)
    if found is None:
        print(
            f"newsbot: no article with id {args.id} (ids are shown by `newsbot search` "
            "and `newsbot export`)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.json:
        print(json.dumps(found.as_json(), ensure_ascii=False))
        return EXIT_OK
    original = found.original
    copies = len(found.copies)
    print(
        f"story #{original.id}: {original.title or '(no title)'} — "
        f"{copies} cop{'y' if copies == 1 else 'ies'} besides the original"
    )
    for member in [original, *found.copies]:
        mark = "*" if member.id == found.asked else " "
        role = "original" if member.duplicate_of is None else "copy"
        print(f"{mark} {role:<8} #{member.id}  {_when(member)}  {member.source}  {member.url}")
        print(f"             {_evidence(member)}")
    return EXIT_OK


def _when(member: StoryMember) -> str:
    if member.published_at is None:
        return "undated"
    if member.published_precision == "day":
        return member.published_at.strftime("%Y-%m-%d")
    return member.published_at.strftime("%Y-%m-%d %H:%M")


def _evidence(member: StoryMember) -> str:
    credit = f"credits {member.credited_source}" if member.credited_source else "no credit line"
    if member.duplicate_of is None:
        return f"the earliest published copy; {credit}"
    method = {"exact": "exact copy (same text)", "near": "near copy"}.get(
        member.dedup_method or "", member.dedup_method or "joined"
    )
    score = f", containment {member.similarity:.2f}" if member.similarity is not None else ""
    return f"{method}{score}; {credit}"
