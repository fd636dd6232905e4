"""Persistence: the only package that speaks SQL."""

from quizapp.store.schema import LATEST
from quizapp.store.store import Store, StoreError, SyncSummary

__all__ = ["LATEST", "Store", "StoreError", "SyncSummary"]
