"""Edits made while the app runs: only the changed files are parsed; a broken file changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

from quizapp.srs import GOOD, Scheduler, Session
from quizapp.store import Store
from quizapp.sync import sync_path
from quizapp.watch import DeckWatcher, resync_files

from tests.conftest import SMALL_DECK

OTHER = """\
---
topic: Other
---

## What is a gradient?

```meta
id: gradient
```

### Answer

The vector of partial derivatives.
"""


def touch_later(path: Path, text: str) -> None:
    """Write and move the modification time on, so even a coarse clock sees the change."""
    old = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(old + 2_000_000_000, old + 2_000_000_000))


def test_watcher_reports_changed_added_and_removed_files(deck_dir: Path):
    watcher = DeckWatcher(deck_dir)
    assert watcher.poll() == []
    touch_later(deck_dir / "sample.md", SMALL_DECK + "\n")
    (deck_dir / "other.md").write_text(OTHER, encoding="utf-8")
    (deck_dir / "README.md").write_text("documentation, not cards", encoding="utf-8")
    assert watcher.poll() == [deck_dir / "other.md", deck_dir / "sample.md"]
    assert watcher.poll() == []
    (deck_dir / "other.md").unlink()
    assert watcher.poll() == [deck_dir / "other.md"]


def test_only_the_changed_file_is_parsed_and_history_is_kept(store: Store, deck_dir: Path, clock):
    (deck_dir / "other.md").write_text(OTHER, encoding="utf-8")
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    session.rate(store.card("tensor"), GOOD, 1000)
    # other.md changes on disk but is not reported as changed: it must not be read
    (deck_dir / "other.md").write_text(OTHER.replace("partial derivatives", "UNREAD"), encoding="utf-8")
    touch_later(deck_dir / "sample.md", SMALL_DECK.replace("with a dtype and a device", "of numbers"))
    result = resync_files(store, deck_dir, [deck_dir / "sample.md"])
    assert [c.note() for c in result.files] == ["1 card updated in sample.md"]
    assert result.changed_ids == {"tensor"}
    assert "of numbers" in store.card("tensor")["answer"]
    assert "partial derivatives" in store.card("gradient")["answer"]  # other.md was not re-parsed
    assert len(store.reviews_for("tensor")) == 1 and store.card("tensor")["reps"] == 1
    # a resync of an unchanged file changes nothing
    again = resync_files(store, deck_dir, [deck_dir / "sample.md"])
    assert again.changed_ids == set() and not again.summary.changed


def test_added_and_removed_cards_and_files(store: Store, deck_dir: Path):
    sync_path(store, deck_dir)
    (deck_dir / "other.md").write_text(OTHER, encoding="utf-8")
    result = resync_files(store, deck_dir, [deck_dir / "other.md"])
    assert result.files[0].note() == "1 card added in other.md"
    assert store.card("gradient")["retired"] == 0
    (deck_dir / "other.md").unlink()
    result = resync_files(store, deck_dir, [deck_dir / "other.md"])
    assert result.files[0].note() == "1 card removed in other.md"
    assert store.card("gradient")["retired"] == 1  # retired, not deleted
    assert store.card("tensor")["retired"] == 0


def test_a_broken_file_changes_nothing_and_says_where(store: Store, deck_dir: Path):
    sync_path(store, deck_dir)
    before = store.card("tensor")
    broken = SMALL_DECK.replace("with a dtype and a device", "CHANGED").replace("seed: 29", "seed: [29")
    touch_later(deck_dir / "sample.md", broken)
    result = resync_files(store, deck_dir, [deck_dir / "sample.md"])
    assert result.errors
    note = result.files[0].note()
    assert note.startswith(f"{deck_dir / 'sample.md'}:") and "nothing from it was synced" in note
    line = int(note.split(":")[1])
    assert broken.splitlines()[line - 1] == "seed: [29"
    assert store.card("tensor") == before
    assert store.card_count() == 3


def test_an_id_taken_by_another_file_is_an_error(store: Store, deck_dir: Path):
    (deck_dir / "other.md").write_text(OTHER, encoding="utf-8")
    sync_path(store, deck_dir)
    touch_later(deck_dir / "other.md", OTHER.replace("id: gradient", "id: tensor"))
    result = resync_files(store, deck_dir, [deck_dir / "other.md"])
    assert "duplicate card id 'tensor'" in result.files[0].note()
    assert store.card("tensor")["topic"] == "Sample"
    assert store.card("gradient")["retired"] == 0
