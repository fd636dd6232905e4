"""Fitting FSRS-6 to one learner's history, and judging the fit on reviews it has not seen.

The fit itself is `fsrs-rs-python` (the Rust optimizer Anki uses). Around it:
training items built from the review log the way FSRS tools build them (one
item per review after the first day, holding the card's whole history up to
it), a split by time (fit on the earlier reviews, score on the later ones),
the three scores the srs-benchmark reports (log loss, RMSE over its bins, AUC),
and the decision to adopt the new parameters only if they predict better than
the ones in force. Elapsed time is counted in whole 24-hour days, as the `fsrs`
scheduler counts it, so the fitted parameters mean the same thing there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Sequence

import numpy as np

from quizapp.srs.parameters import DEFAULT_PARAMETERS

MIN_REVIEWS = 400  # fewer than this and a fit is noise
MIN_TEST_ITEMS = 50
TEST_FRACTION = 0.2  # the latest fifth of the predictable reviews is held out
EPS = 1e-7


class NotEnoughHistory(ValueError):
    """Too little history to fit or to judge a fit; the message says how much there is and how much is needed."""


@dataclass(frozen=True)
class Item:
    """One review to predict (the last of `ratings`) with the card's history before it."""

    ratings: tuple[int, ...]
    delta_t: tuple[int, ...]  # whole days since the previous review; 0 for the first
    at: datetime  # when the predicted review happened

    @property
    def recalled(self) -> bool:
        return self.ratings[-1] > 1

    @property
    def lapses(self) -> int:
        """Forgotten reviews before this one, same-day ones not counted (as the srs-benchmark counts)."""
        return sum(1 for r, t in zip(self.ratings[:-1], self.delta_t[:-1]) if r == 1 and t != 0)

    def fsrs_item(self, upto: int | None = None):
        import fsrs_rs_python as rs

        pairs = list(zip(self.ratings, self.delta_t))[:upto]
        return rs.FSRSItem([rs.FSRSReview(r, t) for r, t in pairs])


def build_items(histories: Mapping[str, Sequence[tuple[int, datetime]]]) -> list[Item]:
    """Training items from each card's (rating, time) reviews, oldest first; sorted by time.

    Every review at least a day after the previous one is an item; same-day
    reviews (learning steps) stay in the histories but are not predicted.
    """
    items: list[Item] = []
    for reviews in histories.values():
        ratings: list[int] = []
        deltas: list[int] = []
        previous: datetime | None = None
        for rating, moment in reviews:
            delta = 0 if previous is None else max(0, (moment - previous).days)
            ratings.append(rating)
            deltas.append(delta)
            previous = moment
            if delta > 0:
                items.append(Item(tuple(ratings), tuple(deltas), moment))
    items.sort(key=lambda item: item.at)
    return items


def split_by_time(items: Sequence[Item], test_fraction: float = TEST_FRACTION) -> tuple[list[Item], list[Item]]:
    """(earlier, later): every item before the cut time, and every item at or after it."""
    if not items:
        return [], []
    cut = items[min(len(items) - 1, int(len(items) * (1 - test_fraction)))].at
    return [i for i in items if i.at < cut], [i for i in items if i.at >= cut]


# -- predicting and scoring ---------------------------------------------------------------


def predict(parameters: Sequence[float], items: Sequence[Item]) -> np.ndarray:
    """FSRS's probability of recall for each item's last review, from the memory state before it."""
    import fsrs_rs_python as rs

    if not items:
        return np.zeros(0)
    model = rs.FSRS(list(parameters))
    states = model.memory_state_batch([item.fsrs_item(-1) for item in items])
    stability = np.array([s.stability for s in states])
    elapsed = np.array([item.delta_t[-1] for item in items], dtype=float)
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return np.power(1 + factor * elapsed / stability, -decay)


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse_bins: float
    auc: float | None  # None when every review in the set had the same outcome
    reviews: int


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def rmse_bins(items: Sequence[Item], y: np.ndarray, p: np.ndarray) -> float:
    """The srs-benchmark's RMSE(bins): reviews grouped by (elapsed days, review number, lapses), each
    on a log scale; the RMSE between mean outcome and mean prediction per group, weighted by group size."""
    delta = np.array([item.delta_t[-1] for item in items], dtype=float)
    number = np.array([len(item.ratings) for item in items], dtype=float)
    lapses = np.array([item.lapses for item in items], dtype=float)
    with np.errstate(divide="ignore"):
        delta_bin = np.round(2.48 * np.power(3.62, np.floor(np.log(delta) / np.log(3.62))), 2)
        number_bin = np.round(1.99 * np.power(1.89, np.floor(np.log(number) / np.log(1.89))), 0)
        lapse_bin = np.where(lapses == 0, 0.0,
                             np.round(1.65 * np.power(1.73, np.floor(np.log(np.maximum(lapses, 1)) / np.log(1.73))), 0))
    keys = np.stack([delta_bin, number_bin, lapse_bin], axis=1)
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    count = np.bincount(group)
    mean_y = np.bincount(group, weights=y) / count
    mean_p = np.bincount(group, weights=p) / count
    return float(np.sqrt(np.sum(count * (mean_y - mean_p) ** 2) / np.sum(count)))


def auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """Area under the ROC curve (Mann-Whitney U with tied predictions sharing their average rank)."""
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sorted_p = p[order]
    start = 0
    while start < len(p):  # average ranks over runs of equal predictions
        end = start
        while end + 1 < len(p) and sorted_p[end + 1] == sorted_p[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def score(parameters: Sequence[float], items: Sequence[Item]) -> Scores:
    y = np.array([item.recalled for item in items], dtype=float)
    p = predict(parameters, items)
    return Scores(log_loss(y, p), rmse_bins(items, y, p), auc(y, p), len(items))


# -- fitting and deciding -----------------------------------------------------------------


def fit(items: Sequence[Item]) -> list[float]:
    """FSRS-6 parameters fitted to the items by fsrs-rs (short-term stability included)."""
    import fsrs_rs_python as rs

    return [float(w) for w in rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
        [item.fsrs_item() for item in items], enable_short_term=True)]


@dataclass(frozen=True)
class Decision:
    adopt: bool
    reason: str


def decide(current: Scores, fitted: Scores) -> Decision:
    """Adopt only parameters that predict the held-out reviews better: lower log loss and no worse RMSE(bins)."""
    if fitted.log_loss < current.log_loss and fitted.rmse_bins <= current.rmse_bins:
        return Decision(True, f"the fitted parameters predicted the later {fitted.reviews} reviews better "
                              f"(log loss {fitted.log_loss:.4f} vs {current.log_loss:.4f}, RMSE(bins) "
                              f"{fitted.rmse_bins:.4f} vs {current.rmse_bins:.4f})")
    worse = []
    if fitted.log_loss >= current.log_loss:
        worse.append(f"log loss {fitted.log_loss:.4f} is not below the current {current.log_loss:.4f}")
    if fitted.rmse_bins > current.rmse_bins:
        worse.append(f"RMSE(bins) {fitted.rmse_bins:.4f} is above the current {current.rmse_bins:.4f}")
    return Decision(False, "kept the current parameters: on the later "
                           f"{fitted.reviews} reviews the fitted ones' " + " and ".join(worse))


@dataclass(frozen=True)
class Optimization:
    current_parameters: tuple[float, ...]
    fitted_parameters: tuple[float, ...]  # fitted on the earlier part only, as scored
    current: Scores  # both scored on the later part
    fitted: Scores
    decision: Decision
    adopted_parameters: tuple[float, ...] | None  # refitted on the whole history when adopted
    train_reviews: int
    split_at: datetime
    fit_seconds: float  # the fit on the earlier part

    def as_dict(self) -> dict:
        """What is kept with a parameter set: its scores, the current set's, and on what."""
        return {"on": f"the {self.fitted.reviews} reviews from {self.split_at:%Y-%m-%d} on (fit on the "
                      f"{self.train_reviews} before)", "set": scores_dict(self.fitted),
                "current": scores_dict(self.current), "fit_seconds": round(self.fit_seconds, 3)}


def scores_dict(s: Scores) -> dict:
    return {"log_loss": s.log_loss, "rmse_bins": s.rmse_bins, "auc": s.auc, "reviews": s.reviews}


def count_reviews(histories: Mapping[str, Sequence]) -> int:
    return sum(len(h) for h in histories.values())


def optimize(histories: Mapping[str, Sequence[tuple[int, datetime]]], current: Sequence[float],
             min_reviews: int = MIN_REVIEWS, test_fraction: float = TEST_FRACTION) -> Optimization:
    """Fit on the earlier reviews, score both sets on the later ones, decide; NotEnoughHistory if too short."""
    total = count_reviews(histories)
    if total < min_reviews:
        raise NotEnoughHistory(f"only {total} review{'s' * (total != 1)} so far; an optimization needs at least "
                               f"{min_reviews} (about {max(1, (min_reviews - total) // 20)} more days of study)")
    items = build_items(histories)
    train, test = split_by_time(items, test_fraction)
    if len(test) < MIN_TEST_ITEMS or len(train) < MIN_TEST_ITEMS:
        raise NotEnoughHistory(f"{total} reviews, but only {len(items)} of them came a day or more after the "
                               f"card's previous review; a fair test needs at least {MIN_TEST_ITEMS} such reviews "
                               "on each side of a time split")
    started = time.perf_counter()
    fitted_parameters = fit(train)
    seconds = time.perf_counter() - started
    current_scores, fitted_scores = score(current, test), score(fitted_parameters, test)
    decision = decide(current_scores, fitted_scores)
    adopted = tuple(fit(items)) if decision.adopt else None
    return Optimization(tuple(current), tuple(fitted_parameters), current_scores, fitted_scores, decision, adopted,
                        len(train), test[0].at, seconds)


def histories_from(rows: Iterable[tuple[str, int, datetime]]) -> dict[str, list[tuple[int, datetime]]]:
    """(card_id, rating, time) rows -> each card's (rating, time) list, oldest first."""
    out: dict[str, list[tuple[int, datetime]]] = {}
    for card_id, rating, moment in rows:
        out.setdefault(card_id, []).append((rating, moment))
    for reviews in out.values():
        reviews.sort(key=lambda r: r[1])
    return out
