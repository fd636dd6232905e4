"""Showing an absurdly long answer: Space until the app is idle, against an ordinary answer in the same run.

Cards: one of the bundled deck's longest answers (the baseline), then answers of 1,000 and 10,000
bullets. Each is shown by the review screen as it is now (the first page of a paged view for the
long ones) and, for 1,000 bullets, unpaged in one piece (the `unpaged` row; 10,000 that way is
skipped unless --before-10k). Textual's Markdown widget, which the review screen used before
CardText, took 29.9 s for 1,000 bullets and over 30 s for 10,000.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from quizapp.content import load_deck  # noqa: E402
from quizapp.paths import bundled_content_dir  # noqa: E402
from quizapp.store import Store  # noqa: E402
from quizapp.sync import sync_path  # noqa: E402
from quizapp.tui.widgets.paged_markdown import is_long  # noqa: E402


def deck(folder: Path, sizes: list[int]) -> list[str]:
    longest = max(load_deck([bundled_content_dir()]).cards, key=lambda c: len(c.answer))
    parts = [f"## {longest.question}\n\n```meta\nid: baseline\n```\n\n### Answer\n\n{longest.answer}\n"]
    for n in sizes:
        bullets = "\n".join(f"- point {i}: `x[{i}]` is *not* the same as **x[{i + 1}]**" for i in range(n))
        parts.append(f"## A list of {n}\n\n```meta\nid: list-{n}\n```\n\n### Answer\n\nThe core.\n\n{bullets}\n")
    (folder / "long.md").write_text("\n".join(parts), encoding="utf-8")
    return ["baseline"] + [f"list-{n}" for n in sizes]


async def reveal_times(db: Path, folder: Path, ids: list[str], old_widget: bool) -> dict[str, float]:
    """Seconds from Space to idle for each card, in deck order (each is rated Easy after)."""
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens import review

    review.is_long = (lambda source: False) if old_widget else is_long  # unpaged: always one CardText
    store = Store(db)
    app = QuizApp(store, sync=sync_path(store, folder), start_now=True)
    times = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for card_id in ids:
            assert app.screen.card["id"] == card_id, app.screen.card["id"]
            start = time.perf_counter()
            await pilot.press("space")
            await pilot.pause()
            times[card_id] = time.perf_counter() - start
            await pilot.press("4")
            await pilot.pause()
    store.close()
    return times


def run(ids_sizes: list[int], old_widget: bool, repeats: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "deck"
            folder.mkdir()
            ids = deck(folder, ids_sizes)
            for card_id, t in asyncio.run(reveal_times(Path(tmp) / "q.db", folder, ids, old_widget)).items():
                samples.setdefault(card_id, []).append(t)
    return {k: statistics.median(v) for k, v in samples.items()}


def main() -> None:
    repeats = 3
    now = run([1000, 10000], old_widget=False, repeats=repeats)
    before = run([1000, 10000] if "--before-10k" in sys.argv else [1000], old_widget=True, repeats=1)
    base = now["baseline"]
    print(f"ordinary answer (baseline)         {base * 1000:7.0f} ms")
    for n in (1000, 10000):
        print(f"{n:>6} bullets, paged (now)        {now[f'list-{n}'] * 1000:7.0f} ms  "
              f"{now[f'list-{n}'] / base:5.1f}x the baseline")
    for n in (1000, 10000):
        if f"list-{n}" in before:
            print(f"{n:>6} bullets, unpaged            {before[f'list-{n}'] * 1000:7.0f} ms  "
                  f"{before[f'list-{n}'] / before['baseline']:5.1f}x the baseline (one CardText)")


if __name__ == "__main__":
    main()
