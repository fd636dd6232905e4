"""The full-text index of new cards, written when first needed rather than by the sync that adds them.

Anki builds no search index at import; writing quizapp's (FTS5, porter tokenizer) was a third of a
first sync of 1,000 cards. So Store.sync only notes its new cards' ids in `fts_pending`, in the same
transaction as the cards (a sync killed at any point leaves both or neither), and `index_pending`
writes their index rows later: the browser's text search runs it first (so its results are always
complete) and the app runs it in a background worker after start. A card edited while pending is
indexed by the update trigger at once; filling it again later rewrites the same row.

Cards enter the database only through Store.sync (there is no insert trigger on `cards`); the
update and delete triggers of migration 7 keep the rows of indexed cards in step.
"""

from __future__ import annotations

import json
import sqlite3

PENDING_CHUNK = 2000  # cards indexed per transaction: a rating in another window waits for one at most

_IDS = "SELECT value FROM json_each(?)"

# (IF [NOT] EXISTS: it may run again over a database whose later migrations a test took apart)
MIGRATION = """
CREATE TABLE IF NOT EXISTS fts_pending (card_id TEXT PRIMARY KEY) WITHOUT ROWID;
DROP TRIGGER IF EXISTS cards_fts_insert;
DROP TABLE IF EXISTS fts_deferred;
"""

MARK_PENDING = f"INSERT OR IGNORE INTO fts_pending (card_id) {_IDS}"

# The index rows of some cards (ids as a JSON list), in one statement each rather than three per
# card. Rows of keys these ids already had (a card edited while pending) are removed first, before
# the new keys exist: asking FTS5 to delete fresh keys' (absent) rows would flush its pending
# inserts chunk after chunk.
INDEX_CARDS = (
    f"DELETE FROM cards_fts WHERE rowid IN (SELECT rowid FROM card_keys WHERE card_id IN ({_IDS}))",
    f"INSERT OR IGNORE INTO card_keys (card_id) SELECT id FROM cards WHERE id IN ({_IDS})",
    "INSERT INTO cards_fts (rowid, question, answer, tags) "
    "SELECT k.rowid, c.question, c.answer, (SELECT group_concat(value, ' ') FROM json_each(c.tags)) "
    f"FROM cards c JOIN card_keys k ON k.card_id = c.id WHERE c.id IN ({_IDS})",
    f"DELETE FROM fts_pending WHERE card_id IN ({_IDS})",
)


def has_pending(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM fts_pending LIMIT 1").fetchone() is not None


def index_some(conn: sqlite3.Connection, limit: int) -> int:
    """Write the index rows of up to `limit` pending cards (inside the caller's transaction); how many."""
    ids = [row[0] for row in conn.execute("SELECT card_id FROM fts_pending LIMIT ?", (limit,))]
    if ids:
        text = json.dumps(ids)
        for statement in INDEX_CARDS:
            conn.execute(statement, (text,))
    return len(ids)
