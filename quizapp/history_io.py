"""Review history as files: `quizapp export` and `quizapp import-history`.

The layout is the one FSRS tools read: card_id, review_rating (1-4),
review_time (ISO-8601 UTC with milliseconds) and review_duration (ms), as CSV
or as a JSON array. Import checks every row first and names the line of each
problem; a file with any problem imports nothing. A review already present
(same card, time and rating) is never added twice, and every card that gains
reviews has its states rebuilt by replaying its whole history, so the
schedule is what FSRS would have given had the reviews been made here.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, TextIO

from quizapp.srs.replay import replay_reviews
from quizapp.srs.scheduler import Scheduler
from quizapp.store import Store
from quizapp.store.history import History
from quizapp.timeutil import from_iso, to_iso

COLUMNS = ("card_id", "review_rating", "review_time", "review_duration")
REQUIRED = COLUMNS[:3]
FORMATS = ("csv", "json")
TIME_EXAMPLE = "2026-03-02T12:00:00.000Z"
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)  # no spaced-repetition log is older; before year 1000 the
# stored form would not even read back
MAX_DURATION_MS = 365 * 24 * 3600 * 1000  # a year: longer is no answer time (and 10**30 overflows SQLite)


class HistoryFileError(Exception):
    """A history file that cannot be imported; `problems` holds (line, message), line 0 for the whole file."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {line}: {msg}" if line else msg for line, msg in problems[:3]))
        self.problems = problems


@dataclass(frozen=True)
class Review:
    card_id: str
    rating: int
    reviewed_at: str  # stored form, e.g. 2026-03-02T12:00:00.000Z
    duration_ms: int | None

    @property
    def key(self) -> tuple[str, str, int]:
        return self.card_id, self.reviewed_at, self.rating


@dataclass(frozen=True)
class ImportResult:
    added: int
    already_present: int
    cards: int  # cards that gained reviews


# -- export -------------------------------------------------------------------------------


def export_history(store: Store, out: TextIO, fmt: str = "csv") -> int:
    """Write every review, oldest first; returns how many."""
    rows = History(store).export_rows()
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        count = 0
        for card_id, rating, at, ms in rows:
            writer.writerow((card_id, rating, at, "" if ms is None else ms))
            count += 1
        return count
    if fmt != "json":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    out.write("[")
    count = 0
    for card_id, rating, at, ms in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(dict(zip(COLUMNS, (card_id, rating, at, ms))), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


# -- parsing ------------------------------------------------------------------------------


def parse_history(text: str, known_ids: set[str], now: datetime) -> list[Review]:
    """The reviews in a CSV or JSON history file, or HistoryFileError naming every bad line."""
    body = text.lstrip("\ufeff")
    if not body.strip():
        raise HistoryFileError([(0, "the file is empty")])
    first = body.lstrip()[0]
    if first == "{":
        raise HistoryFileError([(1, "expected a JSON array of reviews, [{...}, ...], not one object")])
    records = _json_records(body) if first == "[" else _csv_records(body)
    problems: list[tuple[int, str]] = []
    reviews: list[Review] = []
    try:
        for line, record in records:
            try:
                reviews.append(_review(record, known_ids, now))
            except ValueError as exc:
                problems.append((line, str(exc)))
    except HistoryFileError as exc:  # the file's structure broke off: report it after the rows before it
        problems.extend(exc.problems)
    if problems:
        raise HistoryFileError(problems)
    return reviews


def _csv_records(text: str) -> Iterable[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise HistoryFileError([(1, f"missing column{'s' * (len(missing) > 1)} {', '.join(missing)} "
                                    f"(the header must name {','.join(COLUMNS)})")])
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, {h: v.strip() for h, v in zip(header, row)}


def _json_records(text: str) -> Iterable[tuple[int, dict[str, Any]]]:
    """Each element of a JSON array with the line it starts on (json.loads alone loses them)."""
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    line, counted = 1, 0  # lines are counted incrementally: a million records stay linear

    def line_at(p: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, p)
        counted = p
        return line

    def skip(p: int) -> int:
        while p < len(text) and text[p] in " \t\r\n":
            p += 1
        return p

    try:
        pos = skip(pos)
        if pos < len(text) and text[pos] == "]":
            return
        while True:
            start = line_at(pos)
            value, pos = decoder.raw_decode(text, pos)
            if not isinstance(value, dict):
                raise HistoryFileError([(start, "expected an object with " + ", ".join(COLUMNS))])
            yield start, value
            pos = skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = skip(pos + 1)
                continue
            if pos < len(text) and text[pos] == "]" and not text[pos + 1:].strip():
                return
            raise json.JSONDecodeError("expected ',' or ']'", text, pos)
    except json.JSONDecodeError as exc:
        raise HistoryFileError([(exc.lineno, f"invalid JSON: {exc.msg}")]) from None


def _review(record: dict[str, Any], known_ids: set[str], now: datetime) -> Review:
    missing = [c for c in REQUIRED if record.get(c) in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    card_id = str(record["card_id"])
    if card_id not in known_ids:
        raise ValueError(f"unknown card id {_short(card_id)} (import the deck that has it first)")
    rating = _rating(record["review_rating"])
    moment = _time(record["review_time"])
    if moment > now + timedelta(minutes=1):
        raise ValueError(f"review_time {record['review_time']} is in the future")
    if moment < EARLIEST:
        raise ValueError(f"review_time {record['review_time']} is before 1970: no review history is that old")
    return Review(card_id, rating, to_iso(moment), _duration(record.get("review_duration")))


def _rating(value: Any) -> int:
    text = str(value)
    if isinstance(value, bool) or text not in ("1", "2", "3", "4"):
        raise ValueError(f"review_rating must be 1, 2, 3 or 4 (Again, Hard, Good, Easy), got {_short(value)}")
    return int(text)


def _time(value: Any) -> datetime:
    """ISO-8601 (a time without zone is UTC), or Unix milliseconds as in the FSRS optimizer's revlog."""
    if isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.isdigit():
        try:
            return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            pass
    elif isinstance(value, str):
        try:
            return from_iso(value)
        except ValueError:
            pass
    raise ValueError(f"review_time {_short(value)} is not an ISO-8601 time like {TIME_EXAMPLE} "
                     "(or Unix milliseconds)")


def _duration(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value)
    if isinstance(value, bool) or not text.isdigit():
        raise ValueError(f"review_duration must be a whole number of milliseconds, got {_short(value)}")
    if len(text) > len(str(MAX_DURATION_MS)) or int(text) > MAX_DURATION_MS:
        raise ValueError(f"review_duration {_short(text)} ms is longer than a year: not an answer time")
    return int(text)


def _short(value: Any, limit: int = 40) -> str:
    """A bad value as quoted in a message, cut short: a million-digit number must not fill the screen."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- import -------------------------------------------------------------------------------


def import_history(store: Store, scheduler: Scheduler, text: str, now: datetime,
                   progress: Callable[[str, int, int | None], None] | None = None) -> ImportResult:
    """Merge a history file into the database, in one transaction; HistoryFileError if any row is bad.

    `progress(what, done, total)` hears how far the replay and the writing are (a million
    reviews take a while).
    """
    history = History(store)
    reviews = parse_history(text, history.card_ids(), now)
    incoming: dict[str, dict[tuple[str, str, int], Review]] = {}
    for review in reviews:
        incoming.setdefault(review.card_id, {}).setdefault(review.key, review)
    existing = history.reviews_of(sorted(incoming))
    todo: list[tuple[str, list[dict[str, Any]]]] = []
    for card_id, by_key in incoming.items():
        have = existing[card_id]
        present = {(r["card_id"], r["reviewed_at"], r["rating"]) for r in have}
        new = [{"rating": r.rating, "reviewed_at": r.reviewed_at, "duration_ms": r.duration_ms}
               for key, r in by_key.items() if key not in present]
        if new:  # at the same moment, a stored review goes before an imported one
            merged = sorted(have + new, key=lambda r: (r["reviewed_at"], r.get("id") is None, r.get("id") or 0))
            todo.append((card_id, merged))

    total = sum(len(merged) for _, merged in todo)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None and (done == total or done % 5000 < count):
            progress("replaying and writing reviews", done, total)

    def replayed():  # one card at a time, inside the store's transaction
        for card_id, merged in todo:
            rows, final = replay_reviews(scheduler, card_id, merged)
            yield card_id, rows, final

    added = history.rewrite(replayed(), progress=advance) if todo else 0
    return ImportResult(added=added, already_present=len(reviews) - added, cards=len(todo))
