"""FSRS-6 scheduling through the `fsrs` package, with previewable fuzz.

The interval fuzz is seeded from the card id and its review count, so the
interval shown on a rating button is exactly the one that rating gives, and
replaying a card's ratings rebuilds the same state.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import fsrs
import fsrs.scheduler as fsrs_scheduler

from quizapp.timeutil import from_iso, to_iso

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}

# review kinds, as stored with each review (the state the card was in before it)
KIND_NEW, KIND_LEARNING, KIND_REVIEW, KIND_RELEARNING = 0, 1, 2, 3


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.90
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps_min: tuple[int, ...] = (1, 10)
    relearning_steps_min: tuple[int, ...] = (10,)
    maximum_interval_days: int = 36500
    fuzz: bool = True
    learn_ahead_min: int = 20
    parameters: tuple[float, ...] | None = None  # FSRS-6 weights in force; None: the defaults
    rollover_hour: int = 4  # the local hour a new study day begins (Anki's "next day starts at")

    @classmethod
    def from_store(cls, get: Any) -> "Settings":
        """Read overrides saved in the database (`get(key)` returns text or None); bad values are ignored."""
        values: dict[str, Any] = {}
        for key in ADJUSTABLE:
            raw = get(key)
            if raw is not None:
                try:
                    values[key] = parse_setting(key, raw)
                except ValueError:
                    pass
        raw = get("parameters")  # written with the parameter set in force (store.parameter_sets)
        if raw:
            from quizapp.srs.parameters import validate

            try:
                values["parameters"] = validate(json.loads(raw))
            except (ValueError, TypeError):
                pass
        return cls(**values)


# what `quizapp config` and the Settings screen may change: type, lowest and highest allowed value
# (for learning steps: of each step, in minutes)
ADJUSTABLE: dict[str, tuple[type, float, float]] = {
    "desired_retention": (float, 0.70, 0.99),
    "new_per_day": (int, 0, 9999),
    "reviews_per_day": (int, 0, 99999),
    "learning_steps_min": (tuple, 1, 1440),
    "rollover_hour": (int, 0, 23),
}
MAX_LEARNING_STEPS = 10


def parse_setting(key: str, raw: str) -> Any:
    """A setting's value from text, or ValueError saying what is allowed."""
    if key not in ADJUSTABLE:
        raise ValueError(f"unknown setting {key!r}; known: {', '.join(ADJUSTABLE)}")
    kind, low, high = ADJUSTABLE[key]
    if kind is tuple:
        return _parse_steps(key, raw, int(low), int(high))
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{key} must be {'a whole number' if kind is int else 'a number'}, not {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{key} must be between {kind(low)} and {kind(high)}, not {raw}")
    return value


def _parse_steps(key: str, raw: str, low: int, high: int) -> tuple[int, ...]:
    """'1 10' or '1,10' or '(1, 10)' -> (1, 10): minutes, each step longer than the one before."""
    parts = raw.replace(",", " ").replace("(", " ").replace(")", " ").split()
    try:
        steps = tuple(int(part) for part in parts)
    except ValueError:
        raise ValueError(f"{key} must be whole minutes separated by spaces (e.g. 1 10), not {raw!r}") from None
    if not 1 <= len(steps) <= MAX_LEARNING_STEPS:
        raise ValueError(f"{key} needs 1 to {MAX_LEARNING_STEPS} steps (e.g. 1 10), not {raw!r}")
    if any(not low <= step <= high for step in steps):
        raise ValueError(f"each of {key} must be between {low} and {high} minutes, not {raw!r}")
    if any(a >= b for a, b in zip(steps, steps[1:])):
        raise ValueError(f"{key} must grow from step to step (e.g. 1 10), not {raw!r}")
    return steps


def format_setting(key: str, value: Any) -> str:
    """The text form `parse_setting` reads back (steps as '1 10')."""
    if isinstance(value, tuple):
        return " ".join(str(step) for step in value)
    return str(value)


class _FuzzState(threading.local):
    """Per thread: the key of the review being scheduled, its generator and how many numbers it drew
    (class attributes are each thread's starting values: no getattr with a default per access)."""

    key: str | None = None
    rng: random.Random | None = None
    drawn: int = 0


_fuzz = _FuzzState()


def _fuzz_draw() -> float:
    """fsrs's `random()` (it draws the fuzz with `from random import random`): inside `_seeded_fuzz`, the
    draws of a generator seeded with the review's key, made on the first draw: the same numbers
    `random.seed(key)` gives the global generator, at no cost for the reviews that draw none (every
    learning step); outside, the global generator, as fsrs would."""
    key = _fuzz.key
    if key is None:
        return random.random()
    if _fuzz.drawn == 0:  # the first number: a preview of a review card fuzzes three ratings from one key
        _fuzz.drawn = 1
        first = _FIRST_DRAWS.get(key)
        if first is None:
            if len(_FIRST_DRAWS) >= 64:
                _FIRST_DRAWS.clear()
            first = _FIRST_DRAWS[key] = random.Random(key).random()
        return first
    if _fuzz.rng is None:  # any further number: the generator, past its first
        _fuzz.rng = random.Random(key)
        _fuzz.rng.random()
    return _fuzz.rng.random()


_FIRST_DRAWS: dict[str, float] = {}  # each key's first number (seeding a generator costs ~5 us)


# Saving, seeding and restoring the global generator for each review cost ~17 us, two thirds of a
# review: five per rating (four previews and the rating). Where fsrs draws from the global `random`
# as expected, it draws from `_fuzz_draw` instead; otherwise the global generator is seeded.
_DRAWS_REPLACED = getattr(fsrs_scheduler, "random", None) is random.random
if _DRAWS_REPLACED:
    fsrs_scheduler.random = _fuzz_draw


class _seeded_fuzz:
    """The fuzz fsrs draws within is seeded by `key` (a card id and its review count), so a preview is
    exactly what the rating gives and a replay rebuilds the same states; the global generator is left
    as it was. (A class, not @contextmanager: five per rating, and a generator costs three times as much.)"""

    __slots__ = ("key", "outer", "drew")

    def __init__(self, key: str) -> None:
        self.key = key
        self.drew = True  # whether fsrs drew a number inside (always assumed where draws are not seen)

    def __enter__(self) -> None:
        if not _DRAWS_REPLACED:
            self.outer = random.getstate()
            random.seed(self.key)
            return
        self.outer = _fuzz.key, _fuzz.rng, _fuzz.drawn
        _fuzz.key, _fuzz.rng, _fuzz.drawn = self.key, None, 0

    def __exit__(self, *exc: object) -> None:
        if not _DRAWS_REPLACED:
            random.setstate(self.outer)
        else:
            self.drew = _fuzz.drawn > 0
            _fuzz.key, _fuzz.rng, _fuzz.drawn = self.outer


class _Card(fsrs.Card):
    """An fsrs Card that copies itself cheaply: `review_card` starts with `copy(card)`, which for a
    plain class goes through `__reduce_ex__` and `_reconstruct` (a fifth of an fsrs review; four
    previews per card shown). The same attributes are copied, nothing else differs."""

    def __copy__(self) -> _Card:
        twin = object.__new__(_Card)
        twin.__dict__.update(self.__dict__)
        return twin


_STATES = {state.value: state for state in fsrs.State}
_RATINGS = {rating.value: rating for rating in fsrs.Rating}  # fsrs.Rating(n) looks it up through the enum machinery
_KINDS = {1: KIND_LEARNING, 2: KIND_REVIEW, 3: KIND_RELEARNING}


def kind_of(state: dict[str, Any]) -> int:
    if state["reps"] == 0:
        return KIND_NEW
    return _KINDS[state["state"]]


class Scheduler:
    """Turns (state, rating, time) into the next state; states are plain dicts as stored."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._previewed: tuple | None = None  # the last preview (see `_shifted`)
        self._outcomes: dict[tuple, tuple] = {}  # see `_review_card`
        s = self.settings
        self.fsrs = fsrs.Scheduler(
            **({"parameters": s.parameters} if s.parameters is not None else {}),
            desired_retention=s.desired_retention,
            learning_steps=tuple(timedelta(minutes=m) for m in s.learning_steps_min),
            relearning_steps=tuple(timedelta(minutes=m) for m in s.relearning_steps_min),
            maximum_interval=s.maximum_interval_days,
            enable_fuzzing=s.fuzz,
        )

    @staticmethod
    def new_state(now: datetime) -> dict[str, Any]:
        return {"state": 1, "step": 0, "stability": None, "difficulty": None, "due": to_iso(now),
                "last_review": None, "reps": 0, "lapses": 0}

    @staticmethod
    def to_fsrs(state: dict[str, Any]) -> fsrs.Card:
        return _Card(
            card_id=0,
            state=_STATES[state["state"]],
            step=state["step"],
            stability=state["stability"],
            difficulty=state["difficulty"],
            due=from_iso(state["due"]),
            last_review=from_iso(state["last_review"]) if state["last_review"] else None,
        )

    def review(self, card_id: str, state: dict[str, Any], rating: int, now: datetime) -> dict[str, Any]:
        """The state after rating the card at `now`: the preview of that rating moved to `now` when the
        card was just previewed from this state in the same elapsed whole days (see `_shifted`)."""
        now_iso = to_iso(now)
        shifted = self._shifted(card_id, state, rating, now, now_iso)
        if shifted is not None:
            return shifted
        return self._review(card_id, state, self.to_fsrs(state), rating, now, now_iso)

    def _shifted(self, card_id: str, state: dict[str, Any], rating: int, now: datetime,
                 now_iso: str) -> dict[str, Any] | None:
        """fsrs reads the review time only as the whole days since the last review (for stability and
        recall) and adds the interval to it (due, last review); the fuzz is seeded by the card and its
        review count. So the rating previewed at t0 is, at t1 with the same whole days elapsed, the same
        state with due and last review moved by t1 - t0: one fsrs review saved per rating (the test
        suite checks it against a fresh review across gaps and day boundaries)."""
        kept = self._previewed
        if kept is None or kept[0] != card_id or kept[1] != state:
            return None
        before, then, results = kept[2], kept[3], kept[4]
        if before.last_review is not None and (now - before.last_review).days != (then - before.last_review).days:
            return None
        due, result = results[rating]
        return {**result, "due": to_iso(due + (now - then)), "last_review": now_iso}

    def _review(self, card_id: str, state: dict[str, Any], before: fsrs.Card, rating: int,
                now: datetime, now_iso: str) -> dict[str, Any]:
        """`review` with the state already as an fsrs Card (fsrs copies it: one serves four previews)
        and `now` already as text (the last review's time: fsrs sets it to `now`)."""
        return self._review_card(card_id, state, before, rating, now, now_iso)[1]

    def _review_card(self, card_id: str, state: dict[str, Any], before: fsrs.Card, rating: int,
                     now: datetime, now_iso: str) -> tuple[datetime, dict[str, Any]]:
        """(the exact due time, the state after). fsrs's answer depends on the state's memory and step,
        the whole days since its last review and the rating, plus the fuzz it draws; it sets the due
        time `now` + an interval and the last review to `now`. An answer that drew no fuzz (every
        learning step, and every new card's first rating but Easy) is therefore kept as that interval
        and reused for the same inputs: most previews of new and learning cards cost no fsrs review."""
        last = before.last_review
        key = (state["state"], state["step"], state["stability"], state["difficulty"],
               None if last is None else (now - last).days, rating)
        outcome = self._outcomes.get(key)
        if outcome is None:
            fuzz = _seeded_fuzz(f"{card_id}:{state['reps']}")
            with fuzz:
                card, _ = self.fsrs.review_card(before, _RATINGS[rating], review_datetime=now)
            outcome = (card.state.value, card.step, card.stability, card.difficulty, card.due - now)
            if not fuzz.drew:
                if len(self._outcomes) >= 4096:
                    self._outcomes.clear()
                self._outcomes[key] = outcome
        lapse = state["reps"] > 0 and state["state"] == 2 and rating == AGAIN
        due = now + outcome[4]
        return due, {
            "state": outcome[0],
            "step": outcome[1],
            "stability": outcome[2],
            "difficulty": outcome[3],
            "due": to_iso(due),
            "last_review": now_iso,
            "reps": state["reps"] + 1,
            "lapses": state["lapses"] + (1 if lapse else 0),
        }

    def preview(self, card_id: str, state: dict[str, Any], now: datetime) -> dict[int, dict[str, Any]]:
        """What each of the four ratings would give."""
        before, now_iso = self.to_fsrs(state), to_iso(now)
        results = {rating: self._review_card(card_id, state, before, rating, now, now_iso)
                   for rating in (AGAIN, HARD, GOOD, EASY)}
        # kept for the rating that follows (`_shifted`): the state as given, copied (the caller's dict
        # could change), the time, and each rating's exact, untruncated due time
        self._previewed = (card_id, dict(state), before, now, results)
        return {rating: dict(result) for rating, (_, result) in results.items()}

    def recall_curve(self) -> tuple[float, float]:
        """(factor, decay) of FSRS's forgetting curve R(t) = (1 + factor * t / S) ^ decay, for code that
        computes recall for many cards at once (the statistics, in SQL)."""
        decay = -float(self.fsrs.parameters[20])
        return 0.9 ** (1 / decay) - 1, decay

    def retrievability(self, state: dict[str, Any], now: datetime) -> float | None:
        """FSRS's probability of recall at `now`, None for a card never reviewed."""
        if state["reps"] == 0 or state["stability"] is None:
            return None
        return float(self.fsrs.get_card_retrievability(self.to_fsrs(state), current_datetime=now))

    def replay(self, card_id: str, ratings: list[tuple[int, datetime]], start: datetime) -> dict[str, Any]:
        """Rebuild a card's state from its review history alone."""
        state = self.new_state(start)
        for rating, moment in ratings:
            state = self.review(card_id, state, rating, moment)
        return state


def interval_label(now: datetime, due: datetime | str) -> str:
    """'1m', '10m', '3h', '4d', '2.5mo', '1.2y': how Anki labels the rating buttons."""
    if isinstance(due, str):
        due = from_iso(due)
    seconds = max(0.0, (due - now).total_seconds())
    if seconds < 30:
        return "now"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")
