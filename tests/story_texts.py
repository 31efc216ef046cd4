"""Deterministic article texts for repost tests: distinct stories, and copies made from them."""

from __future__ import annotations

import random

_SUBJECTS = (
    "the ministry",
    "local officials",
    "the regional council",
    "port workers",
    "the court",
    "farmers in the south",
    "the central bank",
    "emergency services",
    "the mayor",
    "residents",
    "the federation",
    "union leaders",
    "the energy regulator",
    "border guards",
    "teachers",
)
_VERBS = (
    "said on Tuesday that",
    "warned that",
    "confirmed that",
    "denied reports that",
    "announced that",
    "argued that",
    "told reporters that",
    "insisted that",
    "estimated that",
)
_OBJECTS = (
    "the new rules",
    "the grain shipments",
    "prices for heating",
    "the repair works",
    "the evacuation plan",
    "the tariff increase",
    "the election timetable",
    "the harvest",
    "the bridge reconstruction",
    "the water supply",
    "the school year",
    "the night curfew",
)
_ENDINGS = (
    "would take effect within weeks",
    "had been delayed again",
    "could cost millions",
    "were discussed behind closed doors",
    "had surprised most observers",
    "would be reviewed in the autumn",
    "depended on support from abroad",
    "had drawn protests in several towns",
    "were still being negotiated",
)


def story(seed: int, paragraphs: int = 8, sentences: int = 4) -> list[str]:
    """A story as paragraphs; one seed, one story."""
    rng = random.Random(seed)
    out = []
    for p in range(paragraphs):
        parts = []
        for _ in range(sentences):
            number = rng.randint(2, 9000)
            parts.append(
                f"{rng.choice(_SUBJECTS).capitalize()} {rng.choice(_VERBS)} "
                f"{rng.choice(_OBJECTS)} {rng.choice(_ENDINGS)}, "
                f"with {number} {rng.choice(('people', 'tonnes', 'homes', 'flights'))} "
                f"affected in district {rng.randint(1, 99)} of sector {seed}-{p}."
            )
        out.append(" ".join(parts))
    return out


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)
