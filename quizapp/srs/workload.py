"""Desired retention against workload, from fsrs-rs's simulator.

The simulator learns a deck of the user's size at the user's daily limits
with the given parameters for a year and counts reviews per day. Higher
retention costs more reviews; past some point each extra percent of memory
costs more time than it saves, and fsrs-rs's `optimal_retention` finds the
retention with the least study time per card remembered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from quizapp.srs.scheduler import Settings

RETENTIONS = (0.80, 0.85, 0.90, 0.95)
FLOOR = 0.70  # the lowest retention fsrs-rs's optimal_retention tries
DAYS = 365
SEED = 42


@dataclass(frozen=True)
class Workload:
    retention: float
    reviews_per_day: float  # mean over the simulated year, learning steps of new cards included
    minutes_per_day: float
    remembered: float  # expected cards remembered at the end of the year


def _config(settings: Settings, deck_size: int):
    import fsrs_rs_python as rs

    config = rs.default_simulator_config()
    config.deck_size = max(1, deck_size)
    config.learn_span = DAYS
    config.learn_limit = settings.new_per_day
    config.review_limit = settings.reviews_per_day
    config.max_ivl = float(settings.maximum_interval_days)
    config.learning_step_count = len(settings.learning_steps_min)
    config.relearning_step_count = len(settings.relearning_steps_min)
    return config


def estimate(parameters: Sequence[float], settings: Settings, deck_size: int,
             retentions: Sequence[float] = RETENTIONS) -> list[Workload]:
    """Estimated daily workload at each retention (same seed for each, so they compare)."""
    import fsrs_rs_python as rs

    config = _config(settings, deck_size)
    out = []
    for retention in retentions:
        result = rs.simulate(list(parameters), retention, config, SEED)
        days = len(result.review_cnt_per_day) or 1
        out.append(Workload(retention, (sum(result.review_cnt_per_day) + sum(result.learn_cnt_per_day)) / days,
                            sum(result.cost_per_day) / days / 60,
                            result.memorized_cnt_per_day[-1] if result.memorized_cnt_per_day else 0.0))
    return out


def optimal_retention(parameters: Sequence[float], settings: Settings, deck_size: int) -> float:
    """The retention with the least simulated study time per card remembered (fsrs-rs; 0.70..0.95)."""
    import fsrs_rs_python as rs

    return float(rs.optimal_retention(_config(settings, deck_size), list(parameters)))


def describe_optimum(best: float) -> str:
    """'0.83', or '0.70 (the lowest the simulator tries)' when the optimum sits on its floor."""
    return f"{best:.2f}" + (" (the lowest the simulator tries)" if best <= FLOOR + 1e-6 else "")
