"""Scheduling and statistics maths (FSRS via the `fsrs` package). No UI, no SQL."""

from quizapp.srs.scheduler import AGAIN, EASY, GOOD, HARD, RATING_NAMES, Scheduler, Settings, interval_label
from quizapp.srs.session import Session, Summary

__all__ = ["AGAIN", "EASY", "GOOD", "HARD", "RATING_NAMES", "Scheduler", "Settings", "Session", "Summary",
           "interval_label"]
