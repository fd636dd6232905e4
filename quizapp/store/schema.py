"""The database schema as a list of forward migrations, indexed by PRAGMA user_version.

Migration N takes a database at version N-1 to version N. Never edit a shipped
migration: append a new one. A migration is SQL text, or a function
`(connection, progress)` for one that converts data; either runs in one
transaction with the version bump.
"""

from __future__ import annotations

from typing import Callable, Union

from quizapp.store.card_counts import BULK_MIGRATION as COUNT_IN_BULK
from quizapp.store.card_counts import MIGRATION as CARD_COUNTS
from quizapp.store.review_log import SAME_DAY, convert_log
from quizapp.store.search_index import MIGRATION as INDEX_WHEN_NEEDED

Migration = Union[str, Callable]

MIGRATIONS: list[Migration] = [
    # 1: cards, their scheduling state, the review log, settings
    """
    CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        topic TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        seeds TEXT NOT NULL DEFAULT '[]',
        demo TEXT,
        key_points TEXT NOT NULL DEFAULT '[]',
        origin TEXT NOT NULL DEFAULT '',
        source TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,
        retired INTEGER NOT NULL DEFAULT 0,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX cards_topic ON cards(topic, retired);
    CREATE TABLE schedule (
        card_id TEXT PRIMARY KEY REFERENCES cards(id),
        state INTEGER NOT NULL DEFAULT 1,
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due TEXT NOT NULL,
        last_review TEXT,
        reps INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX schedule_due ON schedule(due);
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        card_id TEXT NOT NULL REFERENCES cards(id),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,
        duration_ms INTEGER,
        kind INTEGER NOT NULL,
        state_before TEXT NOT NULL,
        state_after TEXT NOT NULL
    );
    CREATE INDEX reviews_card ON reviews(card_id, reviewed_at);
    CREATE INDEX reviews_time ON reviews(reviewed_at);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: every run of a live demo, linked to the card it was started from
    """
    CREATE TABLE demo_runs (
        id INTEGER PRIMARY KEY,
        card_id TEXT REFERENCES cards(id),
        demo TEXT NOT NULL,
        device TEXT NOT NULL,
        started_at TEXT NOT NULL,
        duration_s REAL NOT NULL,
        status TEXT NOT NULL,
        passed INTEGER,
        final_metrics TEXT NOT NULL DEFAULT '{}',
        error TEXT
    );
    CREATE INDEX demo_runs_card ON demo_runs(card_id, started_at);
    """,
    # 3: statistics over a large log without reading its JSON: the interval a review was
    # scheduled at and the time since the card's previous review, derived from state_before
    # (virtual: nothing to keep in sync; rounded to ~1 ms so whole days compare exactly) and kept,
    # with kind and rating, in one covering index
    """
    ALTER TABLE reviews ADD COLUMN interval_days REAL GENERATED ALWAYS AS (round(
        julianday(json_extract(state_before, '$.due')) - julianday(json_extract(state_before, '$.last_review')), 8)
    ) VIRTUAL;
    ALTER TABLE reviews ADD COLUMN elapsed_days REAL GENERATED ALWAYS AS (round(
        julianday(reviewed_at) - julianday(json_extract(state_before, '$.last_review')), 8)
    ) VIRTUAL;
    CREATE INDEX reviews_kind_time ON reviews(kind, reviewed_at, rating, interval_days, elapsed_days);
    """,
    # 4: a demo run keeps its whole verdict (the claim it tested, the numbers behind it, the summary)
    """
    ALTER TABLE demo_runs ADD COLUMN verdict TEXT;
    """,
    # 5: columns several features share: a card's follow-up questions (mock interview), the knob
    # values a demo ran with, and a card's suspension, burial (until a study-day start) and flag colour
    """
    ALTER TABLE cards ADD COLUMN follow_ups TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE demo_runs ADD COLUMN params TEXT;
    ALTER TABLE schedule ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE schedule ADD COLUMN buried_until TEXT;
    ALTER TABLE schedule ADD COLUMN flag INTEGER NOT NULL DEFAULT 0;
    """,
    # FSRS parameter sets: every set ever in force or tried (default, optimized here, pasted), with its
    # scores; `previous_id` is the set that was in force when it was adopted (revert goes back to it);
    # `review_mark` is the highest review id when it was made (the home nudge counts reviews after it)
    """
    CREATE TABLE parameter_sets (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('default', 'optimized', 'pasted')),
        parameters TEXT NOT NULL,
        scores TEXT,
        note TEXT NOT NULL DEFAULT '',
        review_mark INTEGER NOT NULL DEFAULT 0,
        previous_id INTEGER REFERENCES parameter_sets(id),
        active INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX parameter_sets_one_active ON parameter_sets(active) WHERE active = 1;
    """,
    # 7: full-text search over question, answer and tags (the browser). The index keeps its own copy of
    # the text, keyed by card_keys' INTEGER PRIMARY KEY (stable under VACUUM, unlike the implicit rowid
    # of `cards`); triggers keep it in step with every write to `cards`, and it is filled here once.
    """
    CREATE TABLE card_keys (
        rowid INTEGER PRIMARY KEY,
        card_id TEXT NOT NULL UNIQUE
    );
    CREATE VIRTUAL TABLE cards_fts USING fts5(
        question, answer, tags, tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER cards_fts_insert AFTER INSERT ON cards BEGIN
        INSERT OR IGNORE INTO card_keys (card_id) VALUES (new.id);
        DELETE FROM cards_fts WHERE rowid = (SELECT rowid FROM card_keys WHERE card_id = new.id);
        INSERT INTO cards_fts (rowid, question, answer, tags)
        VALUES ((SELECT rowid FROM card_keys WHERE card_id = new.id), new.question, new.answer,
                (SELECT group_concat(value, ' ') FROM json_each(new.tags)));
    END;
    CREATE TRIGGER cards_fts_update AFTER UPDATE OF id, question, answer, tags ON cards BEGIN
        DELETE FROM cards_fts WHERE rowid = (SELECT rowid FROM card_keys WHERE card_id = old.id);
        INSERT OR IGNORE INTO card_keys (card_id) VALUES (new.id);
        INSERT INTO cards_fts (rowid, question, answer, tags)
        VALUES ((SELECT rowid FROM card_keys WHERE card_id = new.id), new.question, new.answer,
                (SELECT group_concat(value, ' ') FROM json_each(new.tags)));
    END;
    CREATE TRIGGER cards_fts_delete AFTER DELETE ON cards BEGIN
        DELETE FROM cards_fts WHERE rowid = (SELECT rowid FROM card_keys WHERE card_id = old.id);
        DELETE FROM card_keys WHERE card_id = old.id;
    END;
    INSERT INTO card_keys (card_id) SELECT id FROM cards ORDER BY rowid;
    INSERT INTO cards_fts (rowid, question, answer, tags)
    SELECT k.rowid, c.question, c.answer, (SELECT group_concat(value, ' ') FROM json_each(c.tags))
    FROM cards c JOIN card_keys k ON k.card_id = c.id;
    """,
    # 8: the study queue from indexes bounded by what is due, never a scan of the deck: learning and
    # review cards by due time (partial indexes), new cards in deck order. The card's origin,
    # position, topic and retirement are copied onto its schedule row (kept by sync), so one partial
    # index orders new cards and the statistics over 100,000 cards read one narrow table, no join.
    """
    ALTER TABLE schedule ADD COLUMN deck_origin TEXT NOT NULL DEFAULT '';
    ALTER TABLE schedule ADD COLUMN deck_position INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE schedule ADD COLUMN deck_topic TEXT NOT NULL DEFAULT '';
    ALTER TABLE schedule ADD COLUMN deck_retired INTEGER NOT NULL DEFAULT 0;
    UPDATE schedule SET (deck_origin, deck_position, deck_topic, deck_retired) =
        (SELECT origin, position, topic, retired FROM cards WHERE cards.id = schedule.card_id);
    CREATE INDEX schedule_new ON schedule(deck_origin, deck_position) WHERE reps = 0;
    CREATE INDEX schedule_learning ON schedule(due) WHERE reps > 0 AND state IN (1, 3);
    CREATE INDEX schedule_review ON schedule(due) WHERE reps > 0 AND state = 2;
    """,
    # 9: the review log in compact columns (~611 -> under 150 bytes a review; see review_log.py);
    # the old `reviews` table becomes a view of the new log without the states
    convert_log,
    # 10: two statistics over 100,000 cards read from small indexes instead of the schedule table:
    # the forecast (due times of studied cards) and the hardest cards (most lapses); and the queue's
    # learning and review indexes carry what the queue filters on, so counting thousands of due
    # learning cards after each rating reads the index alone
    """
    CREATE INDEX schedule_forecast ON schedule(due, state) WHERE reps > 0 AND deck_retired = 0;
    CREATE INDEX schedule_lapses ON schedule(lapses, reps) WHERE lapses > 0 AND deck_retired = 0;
    DROP INDEX schedule_learning;
    CREATE INDEX schedule_learning ON schedule(due, deck_retired, suspended, buried_until, deck_topic)
        WHERE reps > 0 AND state IN (1, 3);
    DROP INDEX schedule_review;
    CREATE INDEX schedule_review ON schedule(due, deck_retired, suspended, buried_until, deck_topic)
        WHERE reps > 0 AND state = 2;
    """,
    # the mock interview: a card's synonyms for the key-point matcher; each interview, and each question
    # asked in it (committed as it is answered: the typed answer, the time used, the follow-up asked and
    # its answer, the matcher's suggested ticks and rating, then the confirmed ticks and rating and the
    # review they became: its id in the review log, which sits behind the `reviews` view, so no foreign
    # key). Key points are copied so a report still reads right after the deck changes.
    """
    ALTER TABLE cards ADD COLUMN synonyms TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE interviews (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        topic TEXT,
        seed INTEGER,
        seconds_per_question INTEGER NOT NULL,
        scheduled INTEGER NOT NULL DEFAULT 1,
        card_ids TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE interview_questions (
        id INTEGER PRIMARY KEY,
        interview_id INTEGER NOT NULL REFERENCES interviews(id),
        position INTEGER NOT NULL,
        card_id TEXT NOT NULL REFERENCES cards(id),
        topic TEXT NOT NULL,
        asked_at TEXT NOT NULL,
        seconds_used REAL NOT NULL,
        answer TEXT NOT NULL DEFAULT '',
        aloud INTEGER NOT NULL DEFAULT 0,
        key_points TEXT NOT NULL DEFAULT '[]',
        suggested TEXT NOT NULL DEFAULT '[]',
        suggested_rating INTEGER,
        follow_up TEXT,
        follow_up_answer TEXT,
        follow_up_seconds REAL,
        ticks TEXT,
        rating INTEGER CHECK (rating BETWEEN 1 AND 4),
        review_id INTEGER,
        UNIQUE (interview_id, position)
    );
    CREATE INDEX interview_questions_card ON interview_questions(card_id);
    """,
    # the search index of a deck's new cards is filled by the sync in one statement after their rows
    # (about 5x faster than a trigger statement per card: a first import of 1,000 cards spent most
    # of its database time there). The insert trigger stands aside while `fts_deferred` holds its
    # row, which only Store.sync writes and deletes inside its own transaction (never committed);
    # every other insert into `cards` is still indexed by the trigger.
    """
    CREATE TABLE fts_deferred (one INTEGER PRIMARY KEY CHECK (one = 1));
    DROP TRIGGER cards_fts_insert;
    CREATE TRIGGER cards_fts_insert AFTER INSERT ON cards WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
        INSERT OR IGNORE INTO card_keys (card_id) VALUES (new.id);
        DELETE FROM cards_fts WHERE rowid = (SELECT rowid FROM card_keys WHERE card_id = new.id);
        INSERT INTO cards_fts (rowid, question, answer, tags)
        VALUES ((SELECT rowid FROM card_keys WHERE card_id = new.id), new.question, new.answer,
                (SELECT group_concat(value, ' ') FROM json_each(new.tags)));
    END;
    """,
    # the counts shown after every rating read the queue's indexes alone: each index carries every column
    # the queue filters on, `reps` and `state` too (migration 10 left them out, so each counted entry
    # looked up its schedule row): counting up to the day's limit of new cards, or a day's thousand
    # learning cards, costs a walk along one index
    """
    DROP INDEX schedule_new;
    CREATE INDEX schedule_new ON schedule(deck_origin, deck_position, deck_retired, suspended, buried_until, deck_topic,
                                          reps) WHERE reps = 0;
    DROP INDEX schedule_learning;
    CREATE INDEX schedule_learning ON schedule(due, deck_retired, suspended, buried_until, deck_topic, reps, state)
        WHERE reps > 0 AND state IN (1, 3);
    DROP INDEX schedule_review;
    CREATE INDEX schedule_review ON schedule(due, deck_retired, suspended, buried_until, deck_topic, reps, state)
        WHERE reps > 0 AND state = 2;
    """,
    # the statistics' true retention without reading the log: review-state reviews less than a day
    # after the previous one, counted per quarter hour and lag (see review_log.py); they replace
    # the partial index they were read from
    SAME_DAY,
    # the statistics' card counts (per topic and tag list, per quarter hour of the due time) kept by
    # triggers instead of counted over the deck, and recall read from a narrow index (see card_counts.py)
    CARD_COUNTS,
    # every rating moves a card's due time, and this index cost each rating two more pages written and
    # synced: a reviewed card's due time is in exactly one of the two queue indexes led by `due`
    # (schedule_learning, schedule_review), so a range of due times is read from both (REVIEWED_DUE)
    "DROP INDEX schedule_due;",
    # a first import of 1,000 cards in half the time: the search index of new cards is written when first
    # needed, not by the sync (see search_index.py), and a sync counts its new cards in one upsert per
    # topic and tag list instead of the schedule insert trigger's one per card (see card_counts.py)
    INDEX_WHEN_NEEDED + COUNT_IN_BULK,
]

CONVERTS_DATA = {i + 1 for i, m in enumerate(MIGRATIONS) if callable(m)}

LATEST = len(MIGRATIONS)
