"""Rich renderings of interview reports and readiness over time (report screen and statistics screen).

Deck text (questions, key points) is put in `Text` objects, never parsed as markup. Fits 76 columns.
"""

from __future__ import annotations

from typing import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizapp.interview.report import InterviewReport, ReadinessPoint, clock, comparison, pct
from quizapp.srs.scheduler import RATING_NAMES
from quizapp.timeutil import from_iso
from quizapp.tui.literal import literal

HISTORY_COLUMNS = 5  # interviews shown side by side in the readiness table


def _score_style(value: float | None) -> str:
    if value is None:
        return "dim"
    return "green" if value >= 0.8 else "yellow" if value >= 0.5 else "red"


def headline(report: InterviewReport) -> Text:
    text = Text(f"Mock interview {report.interview_id}", style="bold")
    text.append(f" · {len(report.questions)} of {report.planned} answered")
    if not report.scheduled:
        text.append(" · not scheduled", style="dim")
    text.append("\nOverall score ")
    text.append(pct(report.score), style=f"bold {_score_style(report.score)}")
    text.append(f"  {comparison(report)}")
    return text


def questions_table(report: InterviewReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, title_justify="left")
    table.add_column("#", width=2, justify="right")
    table.add_column("Question", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("Time", width=11)
    table.add_column("Points", width=6, justify="right")
    table.add_column("Rating", width=9)
    for q in report.questions:
        time = Text(clock(q.seconds_used), style="red" if q.over_time else "")
        if q.over_time:
            time.append(" over", style="red")
        rating = RATING_NAMES.get(q.rating, "–") if q.confirmed else "unconfirmed"
        table.add_row(str(q.position), literal(q.title + (" (aloud)" if q.aloud else "")), time,
                      Text(f"{q.covered}/{q.total}", style=_score_style(q.covered / q.total if q.total else None)),
                      rating)
    return table


def readiness_table(report: InterviewReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, title="Readiness by topic",
                  title_justify="left", title_style="bold")
    table.add_column("Topic", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("Readiness", width=9, justify="right")
    table.add_column("Questions", width=9, justify="right")
    counts: dict[str, int] = {}
    for q in report.questions:
        counts[q.topic] = counts.get(q.topic, 0) + 1
    for topic, value in sorted(report.readiness.items(), key=lambda item: item[1]):
        table.add_row(literal(topic), Text(pct(value), style=_score_style(value)), str(counts[topic]))
    return table


def study_list(report: InterviewReport) -> RenderableType:
    """The missed key points under their questions, wrapped with a hanging indent."""
    title = Text("Study list: the key points you missed", style="bold")
    missed = [q for q in report.questions if q.missed]
    if not missed:
        return Group(title, Text("Nothing missed." if report.questions else "No question was answered.",
                                 style="dim"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column(ratio=1)
    for q in missed:
        points = Table.grid(padding=(0, 1))
        points.add_column(width=1)
        points.add_column(ratio=1)
        for point in q.missed:
            points.add_row("–", literal(point))
        grid.add_row("•", Group(literal(q.title, style="bold"), points))
    return Group(title, grid, Text("s studies exactly these cards now", style="dim"))


def render_report(report: InterviewReport) -> RenderableType:
    return Group(headline(report), questions_table(report), readiness_table(report), study_list(report))


def readiness_history_table(points: Sequence[ReadinessPoint]) -> RenderableType:
    """Topics down, the last few interviews across: how readiness moved (statistics screen)."""
    title = Text("Interview readiness by topic (share of key points covered)", style="bold")
    if not points:
        return Group(title, Text("No mock interview yet: press i on the topic list to take one.", style="dim"))
    shown = list(points)[-HISTORY_COLUMNS:]
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("Topic", ratio=1, overflow="ellipsis", no_wrap=True)
    for point in shown:
        table.add_column(from_iso(point.started_at).astimezone().strftime("%b %d"), width=6, justify="right")
    topics: list[str] = []
    for point in points:
        topics.extend(t for t in point.topics if t not in topics)
    for topic in topics:
        cells = [Text(pct(p.topics.get(topic)) if topic in p.topics else "·",
                      style=_score_style(p.topics.get(topic))) for p in shown]
        table.add_row(literal(topic), *cells)
    return Group(title, table)
