"""Card-level statistics without a pass over the deck: counts kept by triggers (one migration).

The statistics screen shows, per topic and per tag, how many cards are new, learning, in review
and mastered, the leeches, the retired cards, and how many cards fall due on each of the next
30 days. Counting those over 100,000 schedule rows (and taking 100,000 tag lists apart) cost
~0.2 s every time anything was written. Instead, triggers keep them exact as rows change:

- `card_counts`, per (topic, tag list as stored): every card in a deck, new (`new_cards`), learning,
  relearning, review, mastered (stability > 21 days), leeches (>= 8 lapses), and the retired
  cards. The schedule's triggers fire only when a card changes class (most ratings leave it
  where it was); a card's tag list is read from `cards` when they do, and a tag edit moves the
  card from its old list's row to its new one. So the rows always equal the grouped count of
  schedule joined with cards, whichever table is written first.
- `due_counts`, per quarter hour of the due time: studied cards in a deck, learning and review.
  Every time zone is a whole number of quarter hours from UTC, so a study day is a run of them.
  Rows that fall to zero are deleted, so the table holds only quarter hours someone is due in.

Recall (which moves with the clock) still needs each studied card: it reads a narrow covering
index holding topic, stability and the last review as Unix ms, not the table.
"""

from __future__ import annotations

MASTERED_DAYS = 21  # stability above this: mastered (Anki's line between young and mature cards)
LEECH_LAPSES = 8  # Anki's default leech threshold
SLOT_S = 900  # a quarter hour

# the last review as Unix ms: the same expression in the index and in the query that reads it
LAST_REVIEW_MS = "CAST(round((julianday(last_review) - 2440587.5) * 86400000.0) AS INTEGER)"
STUDIED = "reps > 0 AND deck_retired = 0 AND stability IS NOT NULL AND last_review IS NOT NULL"

_GROUP_COLUMNS = ("cards", "new_cards", "learning", "relearning", "review", "mastered", "leeches", "retired")


def _group_values(s: str) -> list[str]:
    live = f"{s}.deck_retired = 0"
    studied = f"{live} AND {s}.reps > 0"
    values = (live, f"{live} AND {s}.reps = 0", f"{studied} AND {s}.state = 1", f"{studied} AND {s}.state = 3",
              f"{studied} AND {s}.state = 2", f"{studied} AND coalesce({s}.stability > {MASTERED_DAYS}, 0)",
              f"{live} AND {s}.lapses >= {LEECH_LAPSES}", f"{s}.deck_retired != 0")
    return list(values)


def _count_card(s: str, sign: str, tags: str | None = None) -> str:
    """Add (sign '') or take away (sign '-') schedule row `s`'s card under its topic and tag list
    (`tags`, or the card's as stored now)."""
    values = ", ".join(f"{sign}({v})" for v in _group_values(s))
    source = (f"SELECT {s}.deck_topic, {tags}, {values} WHERE true" if tags is not None else
              f"SELECT {s}.deck_topic, c.tags, {values} FROM cards c WHERE c.id = {s}.card_id")
    return (f"INSERT INTO card_counts (topic, tags, {', '.join(_GROUP_COLUMNS)}) {source} "
            f"ON CONFLICT (topic, tags) DO UPDATE SET "
            + ", ".join(f"{c} = {c} + excluded.{c}" for c in _GROUP_COLUMNS))


# what a schedule row's class depends on: when none of it changes, its counts stay as they are
_CLASS = ("deck_topic", "deck_retired", "(reps = 0)", "state", f"coalesce(stability > {MASTERED_DAYS}, 0)",
          f"(lapses >= {LEECH_LAPSES})")


def _prefixed(expr: str, row: str) -> str:
    for column in ("deck_topic", "deck_retired", "reps", "state", "stability", "lapses"):
        expr = expr.replace(column, f"{row}.{column}")
    return expr


_CLASS_CHANGED = " OR ".join(f"{_prefixed(e, 'old')} IS NOT {_prefixed(e, 'new')}" for e in _CLASS)


def _slot(s: str) -> str:
    return f"CAST(strftime('%s', {s}.due) AS INTEGER) / {SLOT_S}"


def _count_due(s: str, sign: str) -> str:
    return (f"INSERT INTO due_counts (slot, learning, review) SELECT {_slot(s)}, {sign}({s}.state != 2), "
            f"{sign}({s}.state = 2) WHERE {s}.reps > 0 AND {s}.deck_retired = 0 "
            f"ON CONFLICT (slot) DO UPDATE SET learning = learning + excluded.learning, "
            f"review = review + excluded.review")


def _uncount_due(s: str) -> str:
    return (f"{_count_due(s, '-')}; DELETE FROM due_counts WHERE slot = {_slot(s)} AND learning = 0 AND review = 0 "
            f"AND {s}.reps > 0 AND {s}.deck_retired = 0")


MIGRATION = f"""
CREATE TABLE card_counts (
    topic TEXT NOT NULL,
    tags TEXT NOT NULL,
    {', '.join(f'{c} INTEGER NOT NULL' for c in _GROUP_COLUMNS)},
    PRIMARY KEY (topic, tags)
) WITHOUT ROWID;
INSERT INTO card_counts (topic, tags, {', '.join(_GROUP_COLUMNS)})
    SELECT s.deck_topic, c.tags, {', '.join(f'sum({v})' for v in _group_values('s'))}
    FROM schedule s JOIN cards c ON c.id = s.card_id GROUP BY 1, 2;
CREATE TRIGGER schedule_counted AFTER INSERT ON schedule BEGIN {_count_card('new', '')}; END;
CREATE TRIGGER schedule_uncounted AFTER DELETE ON schedule BEGIN {_count_card('old', '-')}; END;
CREATE TRIGGER schedule_recounted AFTER UPDATE OF state, reps, stability, lapses, deck_topic, deck_retired ON schedule
WHEN {_CLASS_CHANGED} BEGIN {_count_card('old', '-')}; {_count_card('new', '')}; END;
CREATE TRIGGER cards_retagged AFTER UPDATE OF tags ON cards WHEN old.tags IS NOT new.tags BEGIN
    {_count_card('s', '-', 'old.tags').replace('WHERE true', 'FROM schedule s WHERE s.card_id = new.id')};
    {_count_card('s', '', 'new.tags').replace('WHERE true', 'FROM schedule s WHERE s.card_id = new.id')};
END;

CREATE TABLE due_counts (
    slot INTEGER PRIMARY KEY,
    learning INTEGER NOT NULL,
    review INTEGER NOT NULL
);
INSERT INTO due_counts (slot, learning, review)
    SELECT {_slot('s')}, sum(s.state != 2), sum(s.state = 2) FROM schedule s
    WHERE s.reps > 0 AND s.deck_retired = 0 GROUP BY 1;
CREATE TRIGGER schedule_due_counted AFTER INSERT ON schedule WHEN new.reps > 0 AND new.deck_retired = 0
BEGIN {_count_due('new', '')}; END;
CREATE TRIGGER schedule_due_uncounted AFTER DELETE ON schedule WHEN old.reps > 0 AND old.deck_retired = 0
BEGIN {_uncount_due('old')}; END;
CREATE TRIGGER schedule_due_recounted AFTER UPDATE OF due, state, reps, deck_retired ON schedule
WHEN (old.reps > 0 AND old.deck_retired = 0) OR (new.reps > 0 AND new.deck_retired = 0)
BEGIN {_uncount_due('old')}; {_count_due('new', '')}; END;

DROP INDEX schedule_forecast;
CREATE INDEX schedule_recall ON schedule(deck_topic, stability, {LAST_REVIEW_MS}) WHERE {STUDIED};
CREATE INDEX schedule_topic_origin ON schedule(deck_topic, deck_retired, deck_origin);
CREATE INDEX schedule_topic_position ON schedule(deck_topic, deck_retired, deck_position);
"""


# A sync adds a chunk of new cards' schedule rows in one statement and counts them itself, one upsert per
# (topic, tag list) (`COUNT_NEW`, in Python's grouping of the rows it is writing): the insert trigger's
# program run once per row cost a third of that statement. The trigger stands aside while
# `counts_deferred` holds its row, which only Store.sync writes and deletes inside its own transaction
# (never committed); every other insert into `schedule` is still counted by the trigger. (IF [NOT]
# EXISTS: it may run again over a database whose later migrations a test took apart.)
BULK_MIGRATION = f"""
CREATE TABLE IF NOT EXISTS counts_deferred (one INTEGER PRIMARY KEY CHECK (one = 1));
DROP TRIGGER IF EXISTS schedule_counted;
CREATE TRIGGER schedule_counted AFTER INSERT ON schedule WHEN NOT EXISTS (SELECT 1 FROM counts_deferred)
BEGIN {_count_card('new', '')}; END;
"""

# new cards (not retired, never studied) under one topic and tag list: (topic, tags, how many)
COUNT_NEW = (f"INSERT INTO card_counts (topic, tags, {', '.join(_GROUP_COLUMNS)}) "
             f"VALUES (?1, ?2, ?3, ?3, {', '.join(['0'] * (len(_GROUP_COLUMNS) - 2))}) "
             "ON CONFLICT (topic, tags) DO UPDATE SET cards = cards + excluded.cards, "
             "new_cards = new_cards + excluded.new_cards")
