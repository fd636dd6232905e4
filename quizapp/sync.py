"""Content -> store: load a deck folder and bring the database in line with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quizapp.content import Deck, load_deck
from quizapp.paths import BUNDLED_ORIGIN, bundled_content_dir
from quizapp.store import Store, SyncSummary
from quizapp.timeutil import to_iso, utcnow


@dataclass
class SyncResult:
    deck: Deck
    summary: SyncSummary
    origin: str


def origin_of(path: Path) -> str:
    """A stable name for a deck's source, so the bundled deck keeps its cards across installs."""
    resolved = path.resolve()
    return BUNDLED_ORIGIN if resolved == bundled_content_dir().resolve() else str(resolved)


def known_demo_names() -> set[str]:
    from quizapp.demo.registry import available_demos

    return set(available_demos())


def sync_path(store: Store, path: Path) -> SyncResult:
    """Parse `path` and sync it. With parse errors nothing is retired: a broken file hides no history."""
    deck = load_deck([path], known_demos=known_demo_names())
    origin = origin_of(path)
    cards = deck.cards
    summary = store.sync(cards, origin, to_iso(utcnow()), retire=not deck.errors)
    return SyncResult(deck, summary, origin)
