"""Content -> store: load a deck folder and bring the database in line with it."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from quizapp.content import Deck, load_deck
from quizapp.content.parser import deck_files
from quizapp.paths import BUNDLED_ORIGIN, bundled_content_dir
from quizapp.store import Store, SyncSummary
from quizapp.store.review_log import Progress
from quizapp.timeutil import to_iso, utcnow


@dataclass
class SyncResult:
    deck: Deck
    summary: SyncSummary
    origin: str
    unchanged_files: bool = False  # the files were not even parsed: same names, sizes and times as last time
    root: Path | None = None  # the deck folder (or file) as given: the app watches it for edits


def origin_of(path: Path) -> str:
    """A stable name for a deck's source, so the bundled deck keeps its cards across installs."""
    resolved = path.resolve()
    return BUNDLED_ORIGIN if resolved == bundled_content_dir().resolve() else str(resolved)


class DemoNames:
    """The names of the demos that exist, read only when a card names a demo: reading them parses every
    demo's source (~40 ms), more than parsing a 1,000-card deck without demos."""

    def __init__(self) -> None:
        self._names: frozenset[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._names is None:
            from quizapp.demo.registry import available_demos

            self._names = frozenset(available_demos())
        return name in self._names


def known_demo_names() -> DemoNames:
    return DemoNames()


def _stamp(files: list[Path]) -> str | None:
    """Names, sizes and modification times of the deck's files: cheap to read, changes with any edit."""
    try:
        text = "|".join(f"{f}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)
    except OSError:
        return None
    return f"{len(files)}:{zlib.crc32(text.encode()):08x}:{zlib.adler32(text.encode()):08x}"


def sync_path(store: Store, path: Path, progress: Progress | None = None) -> SyncResult:
    """Parse `path` and sync it. With parse errors nothing is retired: a broken file hides no history.

    A deck whose files are exactly as at the last clean sync is not parsed again (start-up speed).
    The path is resolved first: the same folder named relatively or absolutely is one deck, with
    one origin and the same card sources. A card whose id belongs to another deck's card is not
    imported: it is reported as an error naming both places.
    """
    path = path.resolve()
    origin = origin_of(path)
    files, problems = deck_files([path])
    stamp = None if problems else _stamp(files)
    key = f"files:{origin}"
    if stamp is not None and store.setting(key) == stamp:
        return SyncResult(Deck(files=files), SyncSummary(), origin, unchanged_files=True, root=path)
    if progress is not None:
        progress("reading deck files", 0, len(files))
    deck = load_deck([path], known_demos=known_demo_names())
    if progress is not None:
        progress("reading deck files", len(files), len(files))
    clean = stamp is not None and not deck.errors
    summary = store.sync(deck.cards, origin, to_iso(utcnow()), retire=not deck.errors,
                         stamp=(key, stamp) if clean else None, progress=progress)
    if summary.conflicts:
        deck.problems.extend(summary.conflicts)
    return SyncResult(deck, summary, origin, root=path)
