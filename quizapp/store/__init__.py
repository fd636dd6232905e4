"""Persistence: the only package that speaks SQL."""

from quizapp.store.schema import LATEST
from quizapp.store.store import (DatabaseCorrupt, DatabaseLocked, DatabaseReadOnly, StaleState, Store, StoreError,
                                 SyncSummary)

__all__ = ["LATEST", "DatabaseCorrupt", "DatabaseLocked", "DatabaseReadOnly", "StaleState", "Store", "StoreError",
           "SyncSummary"]
