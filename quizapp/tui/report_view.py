"""Rich renderings of a statistics Report, shared by the Statistics screen and `quizapp stats`.

Plain Rich, no Textual: the CLI prints exactly the panels the screen shows, so
the two never disagree. Everything fits 76 columns (an 80-column terminal with
a scrollbar); charts shrink or bucket days to fit narrower widths.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Sequence

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from quizapp.srs.statistics import LEECH_LAPSES, MATURE_DAYS, Report
from quizapp.tui.literal import literal

NEW, LEARN, REVIEW = "#4ea1ff", "#ffb347", "#6fdc8c"
HEAT = ["#3a3f47", "#0e4429", "#006d32", "#26a641", "#39d353"]  # GitHub's greens; the first: no reviews
EIGHTHS = " ▁▂▃▄▅▆▇█"
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "")
MAX_TAGS = 15


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}%}"


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def plural(n: int, word: str) -> str:
    """'1 review', '2 reviews', '3 leeches'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}{'es' if word.endswith('ch') else 's'}"


def title(text: str) -> Text:
    return Text(text, style="bold")


# -- today -----------------------------------------------------------------------------------


def today_text(report: Report) -> Text:
    d, s = report.day, report.states
    studied = s["learning"] + s["review"] + s["relearning"]
    text = title("Today\n")
    if d.reviews:
        text.append(f"{plural(d.reviews, 'review')} of {plural(d.cards, 'card')} in {duration(d.seconds)}"
                    f" · again {pct(d.again_rate, 0)} ({d.again})\n")
    else:
        text.append("No reviews yet today.\n", style="dim")
    text.append(f"Streak {plural(report.current_streak, 'day')} · longest {plural(report.longest_streak, 'day')}\n")
    text.append(f"Due today {report.forecast[0].total} · New cards waiting {s['new']}")
    if report.recall is not None:
        text.append(f"\nRecall now {pct(report.recall, 0)} on average over {plural(studied, 'studied card')}")
    return text


# -- heatmap -----------------------------------------------------------------------------------


def _levels(values: Sequence[int]) -> list[int]:
    """Thresholds between the 4 colours: quartiles of the days that have reviews (as GitHub does)."""
    busy = sorted(v for v in values if v)
    if not busy:
        return [1, 1, 1]
    return [busy[len(busy) * k // 4] for k in (1, 2, 3)]


def heatmap(report: Report, weeks: int = 53) -> Text:
    """The last year as 7 rows (Monday to Sunday) by `weeks` columns of coloured cells."""
    counts = {d.day: d.total for d in report.days}
    end = report.today
    start = end - timedelta(days=end.weekday(), weeks=weeks - 1)
    shown = [counts.get(start + timedelta(days=i), 0) for i in range((end - start).days + 1)]
    q1, q2, q3 = _levels(shown)
    months = [" "] * (weeks + 3)
    for week in [w for w in range(1, weeks) if (start + timedelta(weeks=w)).month
                 != (start + timedelta(weeks=w - 1)).month] + [0]:
        if all(c == " " for c in months[week:week + 4]):  # the first, partial month only if it has room
            months[week:week + 3] = f"{start + timedelta(weeks=week):%b}"
    text = title(f"Reviews per day, last {weeks} weeks\n")
    text.append("    " + "".join(months)[:weeks].rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]:<4}", style="dim")
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > end:
                text.append(" ")
                continue
            n = counts.get(day, 0)
            level = 0 if n == 0 else 1 + (n > q1) + (n > q2) + (n > q3)
            text.append("■", style=HEAT[level])
        text.append("\n")
    total, active = sum(shown), sum(1 for v in shown if v)
    text.append("    Less ", style="dim")
    for colour in HEAT:
        text.append("■", style=colour)
    text.append(" More", style="dim")
    text.append(f"   {plural(total, 'review')} on {plural(active, 'day')}")
    return text


# -- stacked bar charts --------------------------------------------------------------------------


def _cell(bounds: list[int], colours: Sequence[str], row: int) -> tuple[str, str]:
    """One character of a stacked bar: `bounds` are cumulative segment tops in eighths of a row."""
    low, high = row * 8, row * 8 + 8
    top = bounds[-1] if bounds else 0
    if top <= low:
        return " ", ""
    index = next(i for i, b in enumerate(bounds) if b > low)  # the segment at the bottom of the cell
    if top < high:  # the bar ends in this cell: one partial block in the colour that fills most of it
        shares = [min(b, top) - max(a, low) for a, b in zip([0] + bounds[:-1], bounds)]
        return EIGHTHS[top - low], colours[max(range(len(shares)), key=shares.__getitem__)]
    if bounds[index] >= high:
        return "█", colours[index]
    upper = next(i for i, b in enumerate(bounds) if b > bounds[index])
    return EIGHTHS[bounds[index] - low], f"{colours[index]} on {colours[upper]}"


def stacked_bars(columns: list[list[int]], colours: Sequence[str], labels: tuple[str, str],
                 width: int, height: int = 8) -> Text:
    """Vertical bars, one per column (bottom segment first), scaled to the tallest, with a y axis."""
    peak = max((sum(c) for c in columns), default=0)
    axis = len(str(peak)) + 1
    room = max(1, width - axis - 1)
    per = max(1, math.ceil(len(columns) / room))  # columns merged into one bar when they don't fit
    merged = [[sum(vals) for vals in zip(*columns[i:i + per])] for i in range(0, len(columns), per)]
    peak = max((sum(c) for c in merged), default=0)
    step = 2 if len(merged) * 2 <= room else 1
    scale = height * 8 / peak if peak else 0
    bounds = []
    for values in merged:
        running, tops = 0, []
        for v in values:
            running += v
            tops.append(round(running * scale))
        bounds.append(tops)
    text = Text()
    for row in range(height - 1, -1, -1):
        label = str(peak) if row == height - 1 else "0" if row == 0 else ""
        text.append(f"{label:>{axis - 1}} │", style="dim")
        for tops in bounds:
            char, style = _cell(tops, colours, row)
            text.append(char, style=style)
            text.append(" " * (step - 1))
        text.append("\n")
    span = len(merged) * step
    left, right = labels
    text.append(" " * axis + "└" + "─" * span + "\n", style="dim")
    text.append(" " * (axis + 1) + left + right.rjust(max(1, span - len(left))), style="dim")
    if per > 1:
        text.append(f"\n{' ' * (axis + 1)}(each bar: {per} days)", style="dim")
    return text


def _legend(text: Text, items: Sequence[tuple[str, str]]) -> None:
    for name, colour in items:
        text.append("■ ", style=colour)
        text.append(f"{name}  ")


def reviews_chart(report: Report, days: int, width: int = 76) -> Text:
    shown = report.last(days)
    total = sum(d.total for d in shown)
    text = title(f"Reviews per day, last {days} days")
    text.append(f"  {total} in all, {total / days:.1f} a day\n")
    _legend(text, (("new", NEW), ("learning", LEARN), ("review", REVIEW)))
    text.append("\n")
    text.append_text(stacked_bars([[d.new, d.learning, d.review] for d in shown], (NEW, LEARN, REVIEW),
                                  (_short(shown[0].day), "today"), width))
    return text


def forecast_chart(report: Report, width: int = 76) -> Text:
    total = sum(d.total for d in report.forecast)
    text = title(f"Due in the next {len(report.forecast)} days")
    text.append(f"  {total} in all (today includes overdue cards)\n")
    _legend(text, (("learning", LEARN), ("review", REVIEW)))
    text.append("\n")
    text.append_text(stacked_bars([[d.learning, d.review] for d in report.forecast], (LEARN, REVIEW),
                                  ("today", _short(report.forecast[-1].day)), width, height=6))
    return text


def _short(day: date) -> str:
    return f"{day:%b} {day.day}"


# -- tables ------------------------------------------------------------------------------------------


def _table(heading: str | None) -> Table:
    return Table(title=heading, title_justify="left", title_style="bold", caption_justify="left",
                 caption_style="dim", box=box.SIMPLE_HEAVY, pad_edge=False)


def retention_table(report: Report) -> Table:
    table = _table("True retention")
    table.caption = "each card's first review of a study day; Hard or better passes"
    table.add_column("Period")
    for name in (f"Young (<{MATURE_DAYS}d)", "Mature", "All"):
        table.add_column(name, justify="right", min_width=len(name), no_wrap=True)

    def cell(rate: float | None, passed: int, total: int) -> str:
        return "–" if not total else f"{pct(rate)} of {total}"

    for r in report.retention:
        table.add_row(r.period, cell(r.young, r.young_passed, r.young_total),
                      cell(r.mature, r.mature_passed, r.mature_total), cell(r.overall, r.passed, r.total))
    return table


def counts_text(report: Report) -> Text:
    s = report.states
    text = title("Cards  ")
    for name, key, colour in (("New", "new", NEW), ("Learning", "learning", LEARN), ("Review", "review", REVIEW),
                              ("Relearning", "relearning", LEARN), ("Retired", "retired", "dim")):
        text.append(f"{name} ")
        text.append(str(s[key]), style=f"bold {colour}")
        text.append("  ")
    return text


def groups_table(report: Report, tags: bool = False) -> Table:
    groups = report.tags if tags else report.topics
    table = _table(f"By {'tag' if tags else 'topic'}")
    table.caption = (f"mastered: stability over {MATURE_DAYS} days" +
                     ("" if tags else " · recall: mean FSRS recall now"))
    if tags and len(groups) > MAX_TAGS:
        table.caption += f" · {len(groups) - MAX_TAGS} smaller tags not shown"
        groups = groups[:MAX_TAGS]
    table.add_column("Tag" if tags else "Topic", overflow="ellipsis", no_wrap=True, max_width=22)
    for name in ("Cards", "New", "Learn", "Review", "Mastered") + (() if tags else ("Recall",)):
        table.add_column(name, justify="right", min_width=len(name), no_wrap=True)  # headers never cut
    for g in groups:
        row = [literal(g.name), str(g.cards), str(g.new), str(g.learning), str(g.review), pct(g.mastery, 0)]
        table.add_row(*row, *(() if tags else (pct(g.recall, 0),)))
    if not groups:
        table.add_row("(none)", *[""] * (len(table.columns) - 1))
    return table


def hardest_rows(report: Report) -> list[tuple[Text, str, str, Text, Text]]:
    """(card, lapses, reviews, leech mark, question) rows: the screen's table and the CLI's are the same.

    Deck text goes in as Text: a table reads plain strings as markup."""
    rows = []
    for c in report.hardest:
        mark = Text("leech", style="bold red") if c.leech else Text("")
        question = c.question.splitlines()[0] if c.question else ""
        rows.append((literal(c.id), str(c.lapses), str(c.reps), mark, literal(question)))
    return rows


HARDEST_COLUMNS = ("Card", "Lapses", "Reviews", "", "Question")


def hardest_title(report: Report) -> Text:
    text = title("Hardest cards (most lapses)")
    text.append(f"  {plural(report.leeches, 'leech')} ({LEECH_LAPSES} or more lapses)",
                style="red" if report.leeches else "dim")
    return text


def hardest_table(report: Report) -> Table:
    table = _table(None)
    for name in HARDEST_COLUMNS:
        table.add_column(name, justify="right" if name in ("Lapses", "Reviews") else "left",
                         overflow="ellipsis", no_wrap=True, max_width=40 if name == "Question" else 24)
    for row in hardest_rows(report):
        table.add_row(*row)
    if not report.hardest:
        table.add_row("(no card forgotten yet)", "", "", "", "")
    return table


def demos_table(report: Report) -> Table:
    table = _table("Demo runs")
    for name in ("Demo", "Device", "Runs", "Passed", "Last run", "Last verdict"):
        table.add_column(name, justify="right" if name in ("Runs", "Passed") else "left")
    for d in report.demos:
        verdict = {True: Text("claim holds", style="green"), False: Text("claim not shown", style="red")}.get(
            d.last_passed, literal(d.last_status, style="dim"))
        table.add_row(literal(d.demo), literal(d.device), str(d.runs), str(d.passes),
                      f"{d.last_at.astimezone():%Y-%m-%d %H:%M}", verdict)
    if not report.demos:
        table.add_row("(no demo run yet)", "", "", "", "", "")
    return table


def render_all(report: Report, width: int = 76) -> list[RenderableType]:
    """Every panel in screen order (the CLI prints these; the screen shows the same, one widget each)."""
    return [today_text(report), heatmap(report), reviews_chart(report, 30, width), reviews_chart(report, 90, width),
            retention_table(report), forecast_chart(report, width), counts_text(report), groups_table(report),
            groups_table(report, tags=True), hardest_title(report), hardest_table(report), demos_table(report)]
