"""The mock interview in the TUI, driven by Pilot at 80x24 against a real database file."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from rich.console import Console

from textual.widgets import Static, TextArea

from quizapp.cli import main
from quizapp.interview.matcher import match_points
from quizapp.store import Store
from quizapp.store.interviews import InterviewStore
from quizapp.sync import sync_path
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.interview import InterviewScreen
from quizapp.tui.screens.interview_report import InterviewReportScreen
from quizapp.tui.screens.review import ReviewScreen
from quizapp.tui.screens.stats import StatsScreen
from quizapp.tui.screens.summary import SummaryScreen
from quizapp.tui.widgets.prerendered import Prerendered

ANSWERS = {  # what the learner types for each card ("" = answered aloud)
    "zero-init": "The hidden units stay identical units; random initialisation breaks it.",
    "he-init": "variance 2 over fan_in",
    "adam": "",
    "momentum": "velocity accumulates past gradients",
}


def make_app(db_path: Path, deck: Path, **interview) -> QuizApp:
    store = Store(db_path)
    return QuizApp(store, sync=sync_path(store, deck), interview=interview or None)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def rendered(widget: Static, width: int = 76) -> str:
    """A Static's Rich content as the terminal would show it (tables included)."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


def inside(widget, size=(80, 24)) -> bool:
    region = widget.region
    return region.width > 0 and region.height > 0 and region.right <= size[0] and region.bottom <= size[1]


async def test_a_whole_interview_typed_checked_rated_and_reported(db_path: Path, interview_deck: Path):
    app = make_app(db_path, interview_deck, questions=4, seed=7)
    ratings: dict[str, int] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        for number in range(1, 5):
            card = screen.session.card
            assert f"Question {number} of 4" in text_of(screen, "#iv-progress")
            assert "left" in text_of(screen, "#iv-clock")  # the countdown is on screen
            area = screen.query_one("#iv-answer", TextArea)
            assert app.focused is area and inside(area) and area.region.height >= 8
            await pilot.press(*ANSWERS[card["id"]], "ctrl+s")
            await pilot.pause()
            if card["follow_ups"]:
                assert screen.phase == "follow_up"
                assert card["follow_ups"][0] in screen.query_one("#iv-question").source
                await pilot.press(*"not sure", "ctrl+s")
                await pilot.pause()
            assert screen.phase == "check"
            points = screen.query_one("#iv-points")
            assert inside(points) and inside(screen.query_one("#iv-hint"))
            expected = [m.covered for m in match_points(ANSWERS[card["id"]], card["key_points"], card["synonyms"])]
            assert screen.ticks() == expected  # the suggestions are the matcher's verdicts on the key points
            labels = [str(points.get_option_at_index(i).prompt) for i in range(points.option_count)]
            assert [label.startswith("suggested ") for label in labels] == expected
            assert [label.removeprefix("suggested ") for label in labels] == card["key_points"]
            if card["id"] == "zero-init":
                assert expected == [True, True]
                assert "Suggested  4 Easy  2 of 2 points" in text_of(screen, "#iv-hint")
                await pilot.press("space")  # the learner takes a suggested tick back ...
                assert screen.ticks() == [False, True]
                assert "Suggested  2 Hard  1 of 2 points" in text_of(screen, "#iv-hint")
                rating = 2
            elif card["id"] == "he-init":
                assert expected == [True, False]
                await pilot.press("down", "space")  # ... or ticks a point the matcher missed
                assert screen.ticks() == [True, True]
                rating = 4
            elif card["id"] == "adam":
                assert expected == [False, False, False] and "answered aloud" in text_of(screen, "#iv-why")
                await pilot.click("#iv-points", offset=(8, 1))  # a click ticks the first point
                assert screen.ticks() == [True, False, False]
                assert "Suggested  1 Again  1 of 3 points" in text_of(screen, "#iv-hint")
                rating = 1
            else:
                assert expected == [True, False]
                assert "matched velocity, accumulates, past, gradients" in text_of(screen, "#iv-why")
                rating = 2
            ratings[card["id"]] = rating
            await pilot.press(str(rating))
            await pilot.pause()
        assert isinstance(app.screen, InterviewReportScreen)
        report = app.screen.report
        assert [(q.card_id, q.covered, q.total, q.rating) for q in sorted(report.questions, key=lambda q: q.card_id)] \
            == [("adam", 1, 3, 1), ("he-init", 2, 2, 4), ("momentum", 1, 2, 2), ("zero-init", 1, 2, 2)]
        assert abs(report.score - (1 / 3 + 1 + 0.5 + 0.5) / 4) < 1e-9
        assert report.readiness == {"Initialization": 0.75, "Optimizers": (1 / 3 + 0.5) / 2}
        assert sorted(report.study_list) == ["adam", "momentum", "zero-init"]
        assert "Overall score 58%" in text_of(app.screen, "#iv-report-headline")
        await pilot.press("s")  # study the missed points: exactly those cards, in asking order
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        shown = []
        while isinstance(app.screen, ReviewScreen) and len(shown) < 5:
            shown.append(app.screen.card["id"])
            await pilot.press("space", "4")  # Easy: out of learning, so the session does not bring it back
            await pilot.pause()
        assert shown == report.study_list
        assert isinstance(app.screen, SummaryScreen) and app.screen.summary.reviewed == 3
    store = Store(db_path)
    try:
        for card_id, rating in ratings.items():
            interview_reviews = [r["rating"] for r in store.reviews_for(card_id)]
            assert interview_reviews[0] == rating  # each confirmed rating is an ordinary review
        assert store.review_count() == 4 + 3
    finally:
        store.close()


async def test_time_runs_over_visibly_and_is_kept(db_path: Path, interview_deck: Path):
    app = make_app(db_path, interview_deck, questions=1, minutes=1 / 60, schedule=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.6)
        screen = app.screen
        assert "over by 0:0" in text_of(screen, "#iv-clock")
        await pilot.press("ctrl+s")
        await pilot.pause()
        if screen.phase == "follow_up":
            await pilot.press("ctrl+s")
            await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        question = app.screen.report.questions[0]
        assert question.seconds_used > 1.5 and question.over_time
        assert app.store.review_count() == 0  # --no-schedule


async def test_escape_mid_interview_keeps_the_answered_questions(db_path: Path, interview_deck: Path):
    app = make_app(db_path, interview_deck, questions=3, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"some answer", "ctrl+s")
        await pilot.pause()
        if app.screen.phase == "follow_up":
            await pilot.press("ctrl+s")
            await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        await pilot.press(*"half an answer", "escape")  # the unanswered question is dropped
        await pilot.pause()
        assert isinstance(app.screen, InterviewReportScreen)
        assert len(app.screen.report.questions) == 1 and app.screen.report.planned == 3
        assert app.screen.report.finished_at is not None
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        readiness = app.screen.query_one("#stats-interviews", Prerendered).plain
        assert "Interview readiness by topic" in readiness
    store = Store(db_path)
    try:
        rows = InterviewStore(store).questions()
        assert [(r["answer"], r["rating"]) for r in rows] == [("some answer", 3)]
        topic_line = next(line for line in readiness.splitlines() if line.strip().startswith(rows[0]["topic"]))
        assert topic_line.split()[-1].endswith("%")  # that topic's readiness after this interview
    finally:
        store.close()


async def test_home_key_and_palette_start_an_interview(db_path: Path, interview_deck: Path):
    app = make_app(db_path, interview_deck)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Interview: all topics", "Interview: Optimizers", "Interview: last report"} <= set(titles)
        await pilot.pause()
        await pilot.press("down", "down", "i")  # the Optimizers row
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen) and screen.session.topic == "Optimizers"
        assert {c["topic"] for c in screen.session.cards} == {"Optimizers"} and len(screen.session.cards) == 2


def test_cli_prints_the_report_as_markdown(db_path: Path, interview_deck: Path, capsys):
    assert main(["--db", str(db_path), "interview", "--report"]) == 1
    assert "no mock interview yet" in capsys.readouterr().err
    app = make_app(db_path, interview_deck, questions=1, seed=2, schedule=False)

    async def one_question():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(*"velocity accumulates past gradients; moving average", "ctrl+s")
            await pilot.pause()
            if app.screen.phase == "follow_up":
                await pilot.press("ctrl+s")
                await pilot.pause()
            await pilot.press("2")
            await pilot.pause()

    asyncio.run(one_question())
    app.store.close()
    assert main(["--db", str(db_path), "interview", "--report", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Mock interview 1: ")
    assert "kept out of the schedule (--no-schedule)" in out
    assert "| # | Question | Topic | Time | Points | Rating |" in out and "| Hard |" in out
    assert main(["--db", str(db_path), "interview", "--report", "7"]) == 1
    assert "no interview 7" in capsys.readouterr().err
    assert main(["--db", str(db_path), "stats"]) == 0  # the statistics screen's readiness, as text
    stats = capsys.readouterr().out
    assert "Interview readiness by topic" in stats
    store = Store(db_path)
    topic = InterviewStore(store).questions()[0]["topic"]
    store.close()
    assert any(line.split()[:1] == [topic] and line.split()[-1].endswith("%") for line in stats.splitlines())


HOSTILE = """\
---
topic: "[/bold] x"
---

## What is a[/2] in NumPy?

```meta
id: slice
synonyms:
  "[/i]": ["[b]"]
```

### Answer

`a[/2]` is not valid; [bold]this is not bold[/bold].

#### Key points

- [/i] indexes twice, \x1b[2J no clearing
- x[i][j] is two lookups

#### Follow-ups

- And [/red] here?
"""


async def test_markup_and_escapes_in_deck_text_are_shown_literally_in_the_interview(tmp_path: Path, capsys):
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    db_path = tmp_path / "q.db"
    app = make_app(db_path, deck, questions=1, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "[/bold] x" in text_of(screen, "#iv-progress")
        await pilot.press(*"x i j two lookups [b]", "ctrl+s")
        await pilot.pause()
        assert "[/red]" in screen.query_one("#iv-question").source
        await pilot.press(*"[/yellow]", "ctrl+s")
        await pilot.pause()
        points = screen.query_one("#iv-points")
        labels = [str(points.get_option_at_index(i).prompt) for i in range(points.option_count)]
        assert labels[1] == "suggested x[i][j] is two lookups"
        assert "\x1b" not in labels[0] and "[/i] indexes twice" in labels[0]
        assert "[/yellow]" in rendered(screen.query_one("#iv-mine-text", Static))
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, InterviewReportScreen)
        study = rendered(app.screen.query_one("#iv-report-study", Static))
        assert "[/i] indexes twice" in study and "\x1b" not in study
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Interview: \\[/bold] x" in titles  # escaped for the palette, which reads markup
    app.store.close()
    assert main(["--db", str(db_path), "interview", "--report"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "| What is a[/2] in NumPy? | [/bold] x |" in out
