"""Default vs optimized FSRS-6 on held-out reviews, and how long the fit takes.

    python bench/scheduler.py [HISTORY.csv]     (default: data/sample-history.csv)

Any CSV or JSON in the export layout works (card_id,review_rating,review_time,review_duration; times
ISO-8601 or Unix ms), e.g. a revlog from Anki (docs/anki.md). The history is split by time: the fit
sees the earlier 80% of the predictable reviews, and all parameter sets are scored on the later 20%.
The fit's seconds are the median of several fits, next to the time to score the held-out reviews
once (the baseline, measured in the same run). For the bundled simulated history the learner's true
parameters are known and scored too: no fit can expect to beat them by more than noise. Each gap in log
loss comes with its paired standard error over the held-out reviews, so a gap can be told from noise.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from quizapp.history_io import parse_history  # noqa: E402
import numpy as np  # noqa: E402

from quizapp.srs.optimize import (build_items, decide, fit, histories_from, predict, score,  # noqa: E402
                                  split_by_time)
from quizapp.srs.parameters import DEFAULT_PARAMETERS, format_parameters  # noqa: E402
from quizapp.srs.simulate import TRUE_PARAMETERS  # noqa: E402
from quizapp.timeutil import from_iso, utcnow  # noqa: E402

SAMPLE = HERE.parent / "data" / "sample-history.csv"
REPEATS = 5


def load(path: Path):
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        import json

        ids = {str(r["card_id"]) for r in json.loads(text)}
    else:
        ids = {row["card_id"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    reviews = parse_history(text, ids, utcnow())
    return histories_from((r.card_id, r.rating, from_iso(r.reviewed_at)) for r in reviews), len(reviews)


def loss_gap(worse, better, test) -> str:
    """Mean per-review log-loss gap between two parameter sets on the same reviews, with its standard error."""
    y = np.array([item.recalled for item in test], dtype=float)

    def losses(parameters):
        p = np.clip(predict(parameters, test), 1e-7, 1 - 1e-7)
        return -(y * np.log(p) + (1 - y) * np.log(1 - p))

    gap = losses(worse) - losses(better)
    return f"{gap.mean():.4f} ± {gap.std(ddof=1) / math.sqrt(len(gap)):.4f}"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    histories, count = load(path)
    items = build_items(histories)
    train, test = split_by_time(items)
    fits, scored = [], []
    for _ in range(REPEATS):  # alternate fit and baseline so machine noise hits both alike
        start = time.perf_counter()
        fitted = fit(train)
        fits.append(time.perf_counter() - start)
        start = time.perf_counter()
        score(DEFAULT_PARAMETERS, test)
        scored.append(time.perf_counter() - start)
    rows = [("FSRS-6 defaults", score(DEFAULT_PARAMETERS, test)), ("optimized (fsrs-rs)", score(fitted, test))]
    if path.resolve() == SAMPLE.resolve():
        rows.append(("true (simulation)", score(TRUE_PARAMETERS, test)))
    print(f"{path.name}: {count} reviews of {len(histories)} cards; fit on {len(train)} earlier predictable "
          f"reviews, scored on the {len(test)} from {test[0].at:%Y-%m-%d} on\n")
    print(f"  {'parameters':22}{'log loss':>10}{'RMSE(bins)':>12}{'AUC':>8}")
    for name, s in rows:
        print(f"  {name:22}{s.log_loss:>10.4f}{s.rmse_bins:>12.4f}{'-' if s.auc is None else f'{s.auc:.3f}':>8}")
    recalled = sum(item.recalled for item in test) / len(test)
    aimed = " (the simulated scheduler aimed at 90%)" if len(rows) == 3 else ""
    print(f"\n  recalled: {recalled:.1%} of the held-out reviews{aimed}")
    print(f"  log loss, defaults minus optimized: {loss_gap(DEFAULT_PARAMETERS, fitted, test)} (paired standard error)")
    if len(rows) == 3:
        gain, got = rows[0][1].log_loss - rows[2][1].log_loss, rows[0][1].log_loss - rows[1][1].log_loss
        print(f"  log loss, defaults minus true: {loss_gap(DEFAULT_PARAMETERS, TRUE_PARAMETERS, test)}; the fit "
              f"recovers {got / gain:.0%} of that gain")
    fit_s, score_s = statistics.median(fits), statistics.median(scored)
    print(f"  fit: {fit_s:.3f} s median of {REPEATS} ({fit_s / score_s:.0f}x the {score_s * 1000:.1f} ms "
          "it takes to score the held-out reviews once)")
    print(f"  decision: {decide(rows[0][1], rows[1][1]).reason}")
    print(f"  optimized: {format_parameters(fitted)}")


if __name__ == "__main__":
    main()
