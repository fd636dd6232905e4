"""Edits made while the app runs: find the deck files that changed and re-sync only those.

The watcher compares each file's size and modification time with the last look (a
few `stat` calls; the app polls on a timer). A changed file is parsed on its own;
the other files' cards are taken from the database as they were synced, so nothing
that did not change is parsed again. A file with errors changes nothing: its cards
stay as they were and the problems are reported with path:line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from quizapp.content.model import Card, Problem
from quizapp.content.parser import deck_files, parse_text, read_text
from quizapp.paths import BUNDLED_ORIGIN, bundled_content_dir
from quizapp.store import Store, SyncSummary
from quizapp.store.browse import Browse
from quizapp.sync import known_demo_names, origin_of
from quizapp.timeutil import to_iso, utcnow


class DeckWatcher:
    """Remembers the names, sizes and times of a deck's files; `poll` says which changed since."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen = self._look()

    def _look(self) -> dict[Path, tuple[int, int]]:
        files, _ = deck_files([self.root])
        out = {}
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                continue  # vanished between listing and looking: the next poll sees it gone
            out[path] = (stat.st_size, stat.st_mtime_ns)
        return out

    def poll(self) -> list[Path]:
        """Files added, changed or removed since the last poll (in a stable order)."""
        now = self._look()
        changed = [p for p, stamp in now.items() if self.seen.get(p) != stamp]
        changed += [p for p in self.seen if p not in now]
        self.seen = now
        return sorted(changed)


@dataclass
class FileChange:
    """What re-syncing one file did: cards added, updated, removed; or the errors that stopped it."""

    path: Path
    added: int = 0
    updated: int = 0
    removed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def note(self) -> str:
        """'1 card updated in 03-optimization.md'; or the first error, as path:line: message."""
        if self.errors:
            first = self.errors[0]
            more = f" (+{len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
            return f"{first.path}:{first.line}: {first.message}{more}; nothing from it was synced"
        parts = [f"{n} card{'s' * (n != 1)} {what}" for n, what in
                 ((self.added, "added"), (self.updated, "updated"), (self.removed, "removed")) if n]
        return f"{', '.join(parts) or 'no card changed'} in {self.path.name}"


@dataclass
class Resync:
    files: list[FileChange]
    summary: SyncSummary
    changed_ids: set[str]  # cards added, updated or removed

    @property
    def errors(self) -> list[Problem]:
        return [p for change in self.files for p in change.errors]


def root_of(origin: str) -> Path | None:
    """The deck folder a stored origin names (the inverse of sync.origin_of)."""
    if origin == BUNDLED_ORIGIN:
        return bundled_content_dir()
    return Path(origin) if origin else None


def _stored_card(row: dict) -> Card:
    path, _, line = (row["source"] or ":0").rpartition(":")
    return Card(id=row["id"], question=row["question"], answer=row["answer"], topic=row["topic"],
                tags=tuple(row["tags"]), seeds=tuple(row["seeds"]), demo=row["demo"],
                key_points=tuple(row["key_points"]), follow_ups=tuple(row["follow_ups"]), path=path,
                line=int(line) if line.isdigit() else 0)


def _key(path: str | Path) -> Path:
    return Path(path).resolve()


def resync_files(store: Store, root: Path, changed: Iterable[Path]) -> Resync:
    """Re-parse the changed files of the deck at `root` and bring the database in line (one sync)."""
    origin = origin_of(root)
    files, _ = deck_files([root])
    by_file: dict[Path, list[Card]] = {}
    for row in Browse(store).cards_of(origin):
        card = _stored_card(row)
        by_file.setdefault(_key(card.path), []).append(card)
    current = {_key(f): f for f in files}
    demos = known_demo_names()
    changes: list[FileChange] = []
    changed_ids: set[str] = set()
    for path in changed:
        key = _key(path)
        old = by_file.get(key, [])
        change = FileChange(Path(path))
        changes.append(change)
        if key not in current:  # deleted (or renamed away): its cards are retired, history kept
            change.removed = len(old)
            changed_ids.update(c.id for c in old)
            by_file[key] = []
            continue
        text, problems = read_text(current[key])
        cards: list[Card] = []
        if text is not None:
            cards, more = parse_text(text, str(current[key]))
            problems += more
        owners = {c.id: c for other, cs in by_file.items() if other != key for c in cs}
        for card in cards:
            first = owners.get(card.id)
            if first is not None:
                problems.append(Problem(card.path, card.line,
                                        f"duplicate card id {card.id!r} (first used at {first.path}:{first.line})"))
            if card.demo and card.demo not in demos:
                problems.append(Problem(card.path, card.line, f"demo {card.demo!r} does not exist in demos/ (yet)",
                                        "warning"))
        change.problems = problems
        if change.errors:
            continue  # nothing from a broken file: its cards stay as last synced
        before = {c.id: c.content_hash() for c in old}
        after = {c.id: c.content_hash() for c in cards}
        change.added = sum(cid not in before for cid in after)
        change.updated = sum(cid in before and before[cid] != h for cid, h in after.items())
        change.removed = sum(cid not in after for cid in before)
        changed_ids.update(cid for cid in after if before.get(cid) != after[cid])
        changed_ids.update(cid for cid in before if cid not in after)
        by_file[key] = cards
    deck = [card for path in files for card in by_file.get(_key(path), [])]
    summary = store.sync(deck, origin, to_iso(utcnow()), retire=True)
    return Resync(changes, summary, changed_ids)
