"""The browser's model: what is typed in its search box -> a CardFilter, rows with recall now, actions.

The search box takes words (searched in question, answer and tags, ranked) and filters,
as in Anki's browser:

    topic:optim  tag:basics  is:new|learning|review|relearning|suspended|buried
    is:due (due today)  is:leech  is:unseen (never reviewed)  has:demo
    flag:1..4 | red|orange|green|blue | any | none

A value with spaces goes in quotes: topic:"deep learning". Any other `word:word` is searched as words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Sequence

from quizapp.srs.scheduler import Scheduler
from quizapp.srs.statistics import LEECH_LAPSES
from quizapp.store import Store
from quizapp.store.browse import ANY_FLAG, STATUSES, Browse, CardFilter
from quizapp.timeutil import from_iso, study_day_end, to_iso

FLAG_NAMES = {1: "red", 2: "orange", 3: "green", 4: "blue"}
IS_WORDS = (*STATUSES, "due", "leech", "unseen", "flagged")
FILTER_KEYS = ("topic", "tag", "is", "has", "flag")
SORT_KEYS = ("rank", "question", "topic", "tags", "state", "due", "interval", "lapses", "recall", "flag", "demo")
_TOKEN = re.compile(r'(\w+):"([^"]*)"?|"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Search:
    """A parsed search: the filter, and what in the text was not understood."""

    filter: CardFilter
    problems: tuple[str, ...] = ()


def parse_search(text: str) -> Search:
    """Words and `key:value` filters -> a CardFilter. Unknown filters are reported, not guessed."""
    words: list[str] = []
    fields: dict[str, object] = {}
    problems: list[str] = []
    for match in _TOKEN.finditer(text):
        key, quoted_value, quoted, plain = match.groups()
        if quoted is not None:
            words.append(quoted)
            continue
        if key is None:
            key, sep, value = (plain or "").partition(":")
            if not sep or not key or not value:
                words.append(plain or "")
                continue
        else:
            value = quoted_value
        key = key.lower()
        value_l = value.lower()
        if key not in FILTER_KEYS:  # "http://x", "f:R->R": words, not filters
            words.append(match.group(0).replace('"', " "))
        elif key == "topic":
            fields["topic"] = value
        elif key == "tag":
            fields["tag"] = value.lstrip("#")
        elif key == "is":
            if value_l in STATUSES:
                fields["state"] = value_l
            elif value_l == "due":
                fields["due_today"] = True
            elif value_l == "leech":
                fields["leech_lapses"] = LEECH_LAPSES
            elif value_l == "unseen":
                fields["never_seen"] = True
            elif value_l == "flagged":
                fields["flag"] = ANY_FLAG
            else:
                problems.append(f"is:{value}? (is: takes {', '.join(IS_WORDS)})")
        elif key == "has" and value_l == "demo":
            fields["has_demo"] = True
        elif key == "flag":
            flag = _flag_value(value_l)
            if flag is None:
                problems.append(f"flag:{value}? (flag: takes 1-4, {', '.join(FLAG_NAMES.values())}, any, none)")
            else:
                fields["flag"] = flag
        else:
            problems.append(f"has:{value}? (has: takes demo)")
    return Search(CardFilter(text=" ".join(words), **fields), tuple(problems))  # type: ignore[arg-type]


def _flag_value(value: str) -> int | None:
    if value.isdigit() and 0 <= int(value) <= 4:
        return int(value)
    named = {name: number for number, name in FLAG_NAMES.items()}
    return {"any": ANY_FLAG, "none": 0, **named}.get(value)


@dataclass(frozen=True)
class BrowserRow:
    """One card as the browser lists it."""

    id: str
    question: str
    topic: str
    tags: tuple[str, ...]
    status: str  # one of STATUSES
    due: datetime | None  # None: never reviewed
    interval_days: float | None
    lapses: int
    recall: float | None  # FSRS probability of recall now; None: never reviewed
    flag: int
    demo: str | None
    source: str | None  # path:line

    @property
    def title(self) -> str:
        return self.question.splitlines()[0] if self.question else ""


@dataclass(frozen=True)
class Listing:
    """The rows to show, and how many cards match in all (more than the rows when cut off)."""

    rows: list[BrowserRow]
    total: int

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


def browse(store: Store, scheduler: Scheduler, query: CardFilter, now: datetime,
           limit: int | None = None) -> list[BrowserRow]:
    """The cards the browser shows for a filter, sorted (recall, which SQL cannot compute, sorted here)."""
    by_recall = query.sort == "recall"
    sql_query = replace(query, sort="rank", descending=False) if by_recall else query
    rows = Browse(store).search(sql_query, to_iso(now), to_iso(study_day_end(now)),
                                limit=None if by_recall else limit)
    out = []
    for r in rows:
        seen = r["reps"] > 0
        recall = scheduler.retrievability(r, now) if seen and r["last_review"] else None
        out.append(BrowserRow(
            id=r["id"], question=r["question"], topic=r["topic"], tags=tuple(r["tags"]), status=r["status"],
            due=from_iso(r["due"]) if seen else None, interval_days=r["interval_days"], lapses=r["lapses"],
            recall=recall, flag=r["flag"], demo=r["demo"] or None, source=r["source"]))
    if by_recall:
        known = sorted((row for row in out if row.recall is not None), key=lambda row: row.recall or 0.0,
                       reverse=query.descending)
        out = (known + [row for row in out if row.recall is None])[:limit]
    return out


def listing(store: Store, scheduler: Scheduler, query: CardFilter, now: datetime, limit: int) -> Listing:
    """At most `limit` rows (a screen need not build ten thousand), and the full count when cut off."""
    rows = browse(store, scheduler, query, now, limit)
    total = len(rows)
    if total >= limit:
        total = Browse(store).count(query, to_iso(now), to_iso(study_day_end(now)))
    return Listing(rows, total)


# -- actions (the store does the writing; this decides the times) ----------------------------


def suspend(store: Store, card_ids: Sequence[str], suspended: bool = True) -> int:
    return Browse(store).set_suspended(card_ids, suspended)


def bury(store: Store, card_ids: Sequence[str], now: datetime) -> datetime:
    """Bury until the next study day starts (4 am); returns that moment."""
    until = study_day_end(now)
    Browse(store).bury(card_ids, to_iso(until))
    return until


def unbury(store: Store, card_ids: Sequence[str]) -> int:
    return Browse(store).bury(card_ids, None)


def flag(store: Store, card_ids: Sequence[str], colour: int) -> int:
    return Browse(store).set_flag(card_ids, colour)


def forget(store: Store, card_ids: Sequence[str], now: datetime) -> int:
    """Back to new; the review history stays."""
    return Browse(store).forget(card_ids, to_iso(now))
