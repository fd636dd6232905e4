"""When to suggest another optimization: home asks this on every refresh, so it stays cheap.

No numpy, no fitting: one lookup in the small parameter_sets table and a count
of new reviews that stops at NUDGE_AFTER.
"""

from __future__ import annotations

from quizapp.store import Store
from quizapp.store.parameter_sets import ParameterSets

NUDGE_AFTER = 1000  # new reviews since the last optimization (adopted or not) before home suggests another


def should_nudge(store: Store) -> int | None:
    """The number of new reviews when enough have piled up since the last optimization, else None."""
    count = ParameterSets(store).reviews_since_last_optimization(NUDGE_AFTER)
    return count if count >= NUDGE_AFTER else None
