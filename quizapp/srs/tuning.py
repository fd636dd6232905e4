"""Putting FSRS parameters in force: optimize, paste, revert; every card replayed with the new set.

This is where srs meets the store: it reads the review log, lets
`optimize` decide, and hands the store a new set together with every card's
history replayed under it, which the store writes in one transaction. It
reports what the change did: how many cards' due dates moved and how many
cards are due today before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Iterator, Mapping, Sequence

from quizapp.srs.nudge import NUDGE_AFTER, should_nudge  # noqa: F401  (re-exported)
from quizapp.srs.optimize import MIN_REVIEWS, Optimization, build_items, histories_from, optimize, score, scores_dict
from quizapp.srs.parameters import DEFAULT_PARAMETERS, format_parameters, parse_parameters
from quizapp.srs.replay import replay_reviews
from quizapp.srs.scheduler import Scheduler, Settings
from quizapp.store import Store
from quizapp.store.history import History
from quizapp.store.parameter_sets import ParameterSet, ParameterSets
from quizapp.timeutil import from_iso, study_day_end, to_iso



@dataclass(frozen=True)
class Change:
    """What putting a parameter set in force did."""

    set_id: int
    parameters: tuple[float, ...]
    cards_moved: int  # cards whose due time changed
    cards_replayed: int
    due_today_before: int
    due_today_after: int
    scores: dict[str, Any] | None = None  # kept with the set (pasted: scored on the whole history here)


@dataclass(frozen=True)
class Outcome:
    optimization: Optimization
    set_id: int  # the fitted set is kept either way
    change: Change | None  # None when it was not adopted


def in_force(settings: Settings) -> tuple[float, ...]:
    return settings.parameters or DEFAULT_PARAMETERS


def due_today(store: Store, now: datetime, rollover_hour: int = 4) -> int:
    """Cards already studied that are due by the end of today (learning and review)."""
    rows = store.topic_counts(to_iso(now), to_iso(study_day_end(now, rollover_hour)))
    return sum(r["learning"] + r["due"] for r in rows)


class _Replay:
    """Every card's history replayed with some parameters, counting the cards whose due time moves."""

    def __init__(self, store: Store, settings: Settings, parameters: Sequence[float]) -> None:
        history = History(store)
        self.reviews = history.every_review()
        self.dues = history.dues()
        self.scheduler = Scheduler(replace(settings, parameters=tuple(parameters)))
        self.moved = 0

    def __iter__(self) -> Iterator[tuple[str, list[dict[str, Any]], dict[str, Any]]]:
        for card_id, reviews in self.reviews.items():
            rows, final = replay_reviews(self.scheduler, card_id, reviews)
            if final["due"] != self.dues.get(card_id):
                self.moved += 1
            yield card_id, rows, final


def review_histories(store: Store) -> dict[str, list[tuple[int, datetime]]]:
    """Each card's (rating, time) reviews, oldest first: what the optimizer fits."""
    return histories_from((card_id, r["rating"], from_iso(r["reviewed_at"]))
                          for card_id, reviews in History(store).every_review().items() for r in reviews)


def put_in_force(store: Store, settings: Settings, parameters: Sequence[float], source: str,
                 scores: Mapping[str, Any] | None, note: str, now: datetime) -> Change:
    before = due_today(store, now, settings.rollover_hour)
    replay = _Replay(store, settings, parameters)
    set_id = ParameterSets(store).adopt(to_iso(now), source, parameters, dict(scores) if scores else None, note,
                                        in_force(settings), replay)
    return Change(set_id, tuple(parameters), replay.moved, len(replay.reviews), before,
                  due_today(store, now, settings.rollover_hour),
                  dict(scores) if scores else None)


def run_optimization(store: Store, settings: Settings, now: datetime) -> Outcome:
    """Fit, judge on held-out reviews, keep the result, and adopt it if it predicts better.

    Raises NotEnoughHistory (a ValueError) when the history is too short.
    """
    result = optimize(review_histories(store), in_force(settings))
    scores = result.as_dict()
    if result.decision.adopt and result.adopted_parameters is not None:
        change = put_in_force(store, settings, result.adopted_parameters, "optimized", scores,
                              result.decision.reason, now)
        return Outcome(result, change.set_id, change)
    set_id = ParameterSets(store).record(to_iso(now), "optimized", result.fitted_parameters, scores,
                                         result.decision.reason)
    return Outcome(result, set_id, None)


def paste(store: Store, settings: Settings, text: str, now: datetime) -> Change:
    """Put 21 pasted values in force (ValueError with the reason if they are not valid FSRS-6 parameters)."""
    parameters = parse_parameters(text)
    return put_in_force(store, settings, parameters, "pasted", whole_history_scores(store, settings, parameters),
                        "pasted: " + format_parameters(parameters), now)


def whole_history_scores(store: Store, settings: Settings, parameters: Sequence[float]) -> dict[str, Any] | None:
    """Pasted parameters were fitted elsewhere: score them and the current ones on every review here
    (None below the optimizer's minimum, where scores mean little)."""
    histories = review_histories(store)
    items = build_items(histories)
    if sum(len(h) for h in histories.values()) < MIN_REVIEWS or not items:
        return None
    return {"on": f"all {len(items)} predictable reviews", "set": scores_dict(score(parameters, items)),
            "current": scores_dict(score(in_force(settings), items))}


def revert(store: Store, settings: Settings, now: datetime) -> tuple[ParameterSet, Change]:
    """Back to the set in force before the current one (StoreError if there is none)."""
    before = due_today(store, now, settings.rollover_hour)
    replays: list[_Replay] = []

    def histories_for(parameters: Sequence[float]) -> _Replay:
        replays.append(_Replay(store, settings, parameters))
        return replays[-1]

    target = ParameterSets(store).revert(histories_for)
    replay = replays[0]
    return target, Change(target.id, target.parameters, replay.moved, len(replay.reviews), before,
                          due_today(store, now, settings.rollover_hour))


def score_rows(result: Optimization, current_source: str) -> list[tuple[str, str, str, str]]:
    """The comparison table, the same in the terminal and in the app: (name, log loss, RMSE(bins), AUC)."""
    def row(name: str, s) -> tuple[str, str, str, str]:
        return name, f"{s.log_loss:.4f}", f"{s.rmse_bins:.4f}", "-" if s.auc is None else f"{s.auc:.3f}"

    return [row(f"in force ({current_source})", result.current), row("fitted", result.fitted)]


def current_source(store: Store) -> str:
    active = ParameterSets(store).active()
    return active.source if active else "default"
