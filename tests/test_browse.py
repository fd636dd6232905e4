"""The browser's store and model: full-text search kept in step, filters, sorts, and the card actions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from quizapp.srs import AGAIN, GOOD, Scheduler, Session, Settings
from quizapp.srs import browse as model
from quizapp.srs.browse import parse_search
from quizapp.store import Store
from quizapp.store.browse import ANY_FLAG, Browse, CardFilter, match_expression
from quizapp.store.schema import MIGRATIONS
from quizapp.sync import sync_path
from quizapp.timeutil import study_day_end, to_iso

from tests.conftest import SMALL_DECK


def ids(store: Store, clock, text: str = "", **fields) -> list[str]:
    query = parse_search(text).filter
    if fields:
        from dataclasses import replace

        query = replace(query, **fields)
    return [row.id for row in model.browse(store, Scheduler(), query, clock())]


def test_search_finds_a_card_by_a_word_of_its_answer_and_ranks_question_hits_first(store, deck_dir, clock):
    sync_path(store, deck_dir)
    assert ids(store, clock, "saturate") == ["relu"]  # only in relu's answer
    assert ids(store, clock, "satur") == ["relu"]  # as you type: every word is a prefix
    assert ids(store, clock, "dimensional dtype") == ["tensor"]  # all words required
    # "tensor" is tensor's question; "n-dimensional array" is only in its answer: the question hit ranks first
    (deck_dir / "more.md").write_text(
        "---\ntopic: More\n---\n\n## What is an array?\n\n```meta\nid: array\n```\n\n### Answer\n\n"
        "A tensor of rank one is a vector, stored as an array.\n", encoding="utf-8")
    sync_path(store, deck_dir)
    assert ids(store, clock, "tensor")[0] == "tensor"
    assert set(ids(store, clock, "tensor")) == {"tensor", "array"}
    assert ids(store, clock, "array")[0] == "array"


def test_search_matches_tags_and_never_treats_typed_text_as_syntax(store, deck_dir, clock):
    sync_path(store, deck_dir)
    assert ids(store, clock, "basics") == ["tensor"]  # a tag of tensor only
    for hostile in ['"', 'AND (', "NEAR(a b", "*", "a OR", "c:\\x", "-", "'; DROP TABLE cards; --"]:
        ids(store, clock, hostile)  # no error
    assert match_expression('say "hi"') == '"say"* "hi"*'
    assert match_expression("  ") is None


def test_search_index_follows_edits_retirement_and_return(store, deck_dir, clock):
    sync_path(store, deck_dir)
    path = deck_dir / "sample.md"
    path.write_text(SMALL_DECK.replace("does not saturate", "keeps gradients alive"), encoding="utf-8")
    sync_path(store, deck_dir)
    assert ids(store, clock, "saturate") == []
    assert ids(store, clock, "alive") == ["relu"]
    path.write_text(SMALL_DECK.split("## Why use ReLU?")[0], encoding="utf-8")
    sync_path(store, deck_dir)
    assert ids(store, clock, "alive") == []  # retired: not listed
    path.write_text(SMALL_DECK, encoding="utf-8")
    sync_path(store, deck_dir)
    assert ids(store, clock, "saturate") == ["relu"]


def test_the_migration_indexes_cards_already_in_an_older_database(db_path: Path, deck_dir: Path, clock):
    conn = sqlite3.connect(db_path)
    for number, script in enumerate(MIGRATIONS[:5], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    conn.execute("INSERT INTO cards (id, topic, question, answer, tags, content_hash, added_at, updated_at) "
                 "VALUES ('old', 'Old', 'An old question?', 'Kept from schema five.', '[\"legacy\"]', 'h', 't', 't')")
    conn.execute("INSERT INTO schedule (card_id, due) VALUES ('old', '2026-01-01T00:00:00.000Z')")
    conn.commit()
    conn.close()
    store = Store(db_path)
    try:
        assert ids(store, clock, "schema") == ["old"]
        assert ids(store, clock, "legacy") == ["old"]
    finally:
        store.close()


def test_filters(store, deck_dir, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler()
    session = Session(store, scheduler, clock=clock)
    tensor = store.card("tensor")
    session.rate(tensor, GOOD, 1000)  # tensor: learning, due in 10 minutes
    assert ids(store, clock, "topic:sam") == ["tensor", "mean", "relu"]  # case-insensitive prefix
    assert ids(store, clock, "topic:other") == []
    assert ids(store, clock, "tag:BASICS") == ["tensor"]
    assert ids(store, clock, "is:learning") == ["tensor"]
    assert ids(store, clock, "is:new") == ["mean", "relu"]
    assert ids(store, clock, "is:due") == ["tensor"]  # due before the study day ends
    assert ids(store, clock, "has:demo") == ["relu"]
    assert ids(store, clock, "is:unseen") == ["mean", "relu"]
    model.suspend(store, ["mean"])
    model.bury(store, ["relu"], clock())
    assert ids(store, clock, "is:suspended") == ["mean"]
    assert ids(store, clock, "is:buried") == ["relu"]
    assert ids(store, clock, "is:new") == []  # suspended and buried are states of their own
    model.flag(store, ["mean"], 2)
    model.flag(store, ["relu"], 4)
    assert ids(store, clock, "flag:orange") == ["mean"]
    assert ids(store, clock, "flag:4") == ["relu"]
    assert ids(store, clock, "is:flagged") == ["mean", "relu"]
    assert ids(store, clock, "flag:none") == ["tensor"]
    store.conn.execute("UPDATE schedule SET lapses = 8 WHERE card_id = 'relu'")
    store.conn.commit()
    assert ids(store, clock, "is:leech") == ["relu"]
    assert ids(store, clock, "tag:basics is:learning") == ["tensor"]  # filters combine
    assert ids(store, clock, "tag:basics is:new") == []


def test_parse_search_reports_what_it_does_not_understand():
    search = parse_search('gradient topic:"deep learning" is:bogus colour:red flag:pink "two words"')
    assert search.filter.text == "gradient colour:red two words"  # not a filter: searched as words
    assert search.filter.topic == "deep learning"
    assert len(search.problems) == 2
    assert search.problems[0].startswith("is:bogus?")
    assert parse_search("flag:any").filter.flag == ANY_FLAG
    assert parse_search("http://x").filter.text == "http://x"  # a word with a colon in it, not a filter


def test_sorting_by_column_and_by_recall(store, deck_dir, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler(Settings(learning_steps_min=()))  # a first rating goes straight to review
    session = Session(store, scheduler, clock=clock)
    for card_id, rating in (("tensor", AGAIN), ("mean", GOOD)):
        session.rate(store.card(card_id), rating, 1000)
    store.conn.execute("UPDATE schedule SET lapses = 3 WHERE card_id = 'mean'")
    store.conn.commit()
    clock.advance(days=3)
    assert ids(store, clock, sort="lapses", descending=True)[0] == "mean"
    assert ids(store, clock, sort="question") == ["mean", "tensor", "relu"]  # "What does", "What is", "Why"
    Browse(store).set_flag(["relu"], 2)  # a flagged card first, the unflagged after it, whichever way
    assert ids(store, clock, sort="flag")[0] == "relu"
    assert ids(store, clock, sort="flag", descending=True)[0] == "relu"
    for sort in ("deck", "question", "topic", "tags", "state", "due", "interval", "lapses", "flag", "demo", "rank"):
        assert sorted(ids(store, clock, sort=sort)) == ["mean", "relu", "tensor"], sort
    by_recall = ids(store, clock, sort="recall")
    assert by_recall[:2] == ["tensor", "mean"]  # Again gave tensor the lower stability: lower recall now
    assert by_recall[-1] == "relu"  # never seen: no recall, last either way
    assert ids(store, clock, sort="recall", descending=True) == ["mean", "tensor", "relu"]
    rows = {r.id: r for r in model.browse(store, scheduler, CardFilter(), clock())}
    assert rows["relu"].recall is None and rows["relu"].due is None
    assert 0 < rows["tensor"].recall < rows["mean"].recall < 1


def test_suspended_card_leaves_every_queue_and_count_at_once(store, deck_dir, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    assert session.remaining() == 3
    model.suspend(store, ["tensor"])
    assert session.remaining() == 2
    assert session.next_card()["id"] == "mean"
    model.suspend(store, ["tensor"], False)
    assert session.remaining() == 3
    # a card in learning, suspended, is not shown when its step comes due either
    card = session.next_card()
    session.rate(card, AGAIN, 1000)
    model.suspend(store, [card["id"]])
    clock.advance(minutes=5)
    assert session.next_card()["id"] != card["id"]
    assert store.topic_counts(to_iso(clock()), to_iso(study_day_end(clock())))[0]["learning"] == 0


def test_buried_card_comes_back_on_the_next_study_day(store, deck_dir, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    until = model.bury(store, ["tensor"], clock())
    assert until == study_day_end(clock())
    assert session.remaining() == 2 and session.next_card()["id"] == "mean"
    clock.now = until
    assert session.remaining() == 3 and session.next_card()["id"] == "tensor"


def test_forget_makes_a_card_new_again_and_keeps_its_history(store, deck_dir, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    card = session.next_card()
    session.rate(card, GOOD, 1000)
    session.rate(store.card("tensor"), GOOD, 1000)
    assert store.card("tensor")["reps"] == 2
    assert model.forget(store, ["tensor"], clock()) == 1
    forgotten = store.card("tensor")
    assert (forgotten["reps"], forgotten["lapses"], forgotten["stability"]) == (0, 0, None)
    assert len(store.reviews_for("tensor")) == 2
    assert ids(store, clock, "is:new") == ["tensor", "mean", "relu"]
    assert ids(store, clock, "is:unseen") == ["mean", "relu"]  # it was seen once, though


def test_flag_is_0_to_4(store, deck_dir):
    sync_path(store, deck_dir)
    with pytest.raises(ValueError):
        Browse(store).set_flag(["tensor"], 5)


def test_a_session_over_an_explicit_list_shows_exactly_those_cards(store, deck_dir, clock):
    sync_path(store, deck_dir)
    scheduler = Scheduler(Settings(new_per_day=0, learn_ahead_min=0))  # no new cards allowed today...
    session = Session(store, scheduler, clock=clock, card_ids=("relu", "tensor"))
    assert session.remaining() == 2  # ...but a list ignores daily limits
    first = session.next_card()
    assert first["id"] == "relu"  # in the order given
    session.rate(first, AGAIN, 1000)
    second = session.next_card()
    assert second["id"] == "tensor"
    session.rate(second, GOOD, 1000)
    assert session.remaining() == 2  # both still learning today
    assert session.next_card() is None  # nothing due yet; "mean" is not in the list
    clock.advance(minutes=2)
    assert session.next_card()["id"] == "relu"  # its 1-minute step is up
    assert [r["rating"] for r in store.reviews_for("relu")] == [AGAIN]  # real reviews
    model.suspend(store, ["relu"])
    assert session.next_card() is None


def test_actions_touch_only_the_schedule_not_the_log(store, deck_dir, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    session.rate(session.next_card(), GOOD, 1000)
    before = store.reviews_for("tensor")
    model.suspend(store, ["tensor"])
    model.flag(store, ["tensor"], 1)
    model.bury(store, ["tensor"], clock())
    assert store.reviews_for("tensor") == before
    card = store.card("tensor")
    assert (card["suspended"], card["flag"]) == (1, 1) and card["buried_until"]


def test_a_long_listing_is_cut_and_says_how_many_match(store, deck_dir, clock):
    sync_path(store, deck_dir)
    cut = model.listing(store, Scheduler(), CardFilter(), clock(), limit=2)
    assert [row.id for row in cut.rows] == ["tensor", "mean"] and cut.total == 3 and cut.cut
    whole = model.listing(store, Scheduler(), CardFilter(sort="recall"), clock(), limit=3)
    assert len(whole.rows) == 3 and not whole.cut


def _index_rows(store: Store) -> tuple[list, list]:
    """What the search index holds, and what the insert trigger would have written for every card."""
    held = store.conn.execute("SELECT rowid, question, answer, tags FROM cards_fts ORDER BY rowid").fetchall()
    expected = store.conn.execute(
        "SELECT k.rowid, c.question, c.answer, (SELECT group_concat(value, ' ') FROM json_each(c.tags)) "
        "FROM cards c JOIN card_keys k ON k.card_id = c.id ORDER BY k.rowid").fetchall()
    return held, expected


def pending(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT card_id FROM fts_pending")}


def test_a_sync_leaves_its_new_cards_index_rows_to_the_first_text_search(store, deck_dir, clock):
    sync_path(store, deck_dir)
    assert _index_rows(store) == ([], []) and pending(store) == {"tensor", "mean", "relu"}
    assert ids(store, clock) == ["tensor", "mean", "relu"]  # no words: the index is not needed, nor written
    assert pending(store) == {"tensor", "mean", "relu"}
    assert ids(store, clock, "saturate") == ["relu"]  # words: every pending card is indexed first
    held, expected = _index_rows(store)
    assert len(held) == store.card_count() == 3 and held == expected and pending(store) == set()
    assert store.index_pending() == 0 and not store.index_is_pending()


def test_a_read_only_database_with_pending_index_rows_still_finds_every_card(store, deck_dir, clock):
    """The rows cannot be written there: the search reads the pending cards' text itself (after the
    indexed matches), and writes nothing."""
    sync_path(store, deck_dir)
    assert ids(store, clock, "tensor") == ["tensor"]  # indexes all three
    (deck_dir / "more.md").write_text(
        "---\ntopic: More\n---\n\n## What is a matrix?\n\n```meta\nid: matrix\n```\n\n### Answer\n\n"
        "A tensor of rank two.\n", encoding="utf-8")
    sync_path(store, deck_dir)
    assert pending(store) == {"matrix"}
    store.conn.execute("PRAGMA query_only = ON")  # as a read-only file or folder refuses every write
    try:
        assert ids(store, clock, "tensor") == ["tensor", "matrix"]
        assert ids(store, clock, "RANK two") == ["matrix"] and ids(store, clock, "rank three") == []
        assert Browse(store).count(CardFilter(text="tensor"), to_iso(clock()), to_iso(clock())) == 2
        assert pending(store) == {"matrix"}
    finally:
        store.conn.execute("PRAGMA query_only = OFF")
    assert ids(store, clock, "tensor") == ["tensor", "matrix"] and pending(store) == set()


def test_a_search_while_another_window_holds_the_write_lock_still_finds_pending_cards(db_path, deck_dir, clock):
    store = Store(db_path, timeout=0.05)
    other = sqlite3.connect(db_path)
    try:
        sync_path(store, deck_dir)
        other.execute("BEGIN IMMEDIATE")  # another window in the middle of a write
        assert ids(store, clock, "saturate") == ["relu"] and len(pending(store)) == 3
        other.rollback()
        assert ids(store, clock, "saturate") == ["relu"] and pending(store) == set()
    finally:
        other.close()
        store.close()


def test_writing_the_pending_index_rows_stops_between_chunks_when_asked(store, deck_dir, clock):
    """The app quitting stops its background writer after the chunk in hand; the rest stay pending and
    the next text search writes them."""
    sync_path(store, deck_dir)
    asked = []
    assert store.index_pending(chunk=2, stop=lambda: asked.append(1) or len(asked) > 1) == 2
    assert len(pending(store)) == 1 and len(_index_rows(store)[0]) == 2
    assert ids(store, clock, "saturate") == ["relu"] and pending(store) == set()


def test_the_count_of_a_cut_listing_writes_the_pending_index_rows_too(store, deck_dir, clock):
    sync_path(store, deck_dir)
    assert Browse(store).count(CardFilter(text="n dimensional"), to_iso(clock()), to_iso(clock())) == 1
    assert pending(store) == set() and len(_index_rows(store)[0]) == 3


def test_cards_edited_or_retired_while_their_index_rows_are_pending_are_found_by_their_text_now(
        store, deck_dir, clock):
    sync_path(store, deck_dir)
    path = deck_dir / "sample.md"
    edited = SMALL_DECK.replace("does not saturate", "keeps gradients alive")
    mean = slice(edited.index("## What does"), edited.index("## Why use ReLU?"))
    path.write_text(edited[:mean.start] + edited[mean.stop:], encoding="utf-8")
    summary = sync_path(store, deck_dir).summary
    assert (summary.updated, summary.retired) == (1, 1)  # relu edited, mean retired, both still pending
    assert pending(store) == {"tensor", "mean", "relu"}
    assert ids(store, clock, "saturate") == []  # the old text is in no index row
    assert ids(store, clock, "alive") == ["relu"]
    assert ids(store, clock, "mean") == []  # retired: not listed
    held, expected = _index_rows(store)
    assert held == expected and len(held) == 3  # one row per card: the edit's row was rewritten, not doubled
    path.write_text(SMALL_DECK, encoding="utf-8")
    sync_path(store, deck_dir)
    assert ids(store, clock, "mean") == ["mean"] and ids(store, clock, "saturate") == ["relu"]


def test_a_second_sync_adds_pending_cards_beside_indexed_ones(store, deck_dir, clock):
    sync_path(store, deck_dir)
    assert ids(store, clock, "tensor") == ["tensor"]
    (deck_dir / "more.md").write_text(
        "---\ntopic: More\n---\n\n## What is a matrix?\n\n```meta\nid: matrix\n```\n\n### Answer\n\n"
        "A tensor of rank two.\n", encoding="utf-8")
    sync_path(store, deck_dir)
    assert pending(store) == {"matrix"}
    assert set(ids(store, clock, "tensor")) == {"tensor", "matrix"}
    held, expected = _index_rows(store)
    assert held == expected and len(held) == 4


def test_an_interrupted_sync_leaves_no_card_and_no_pending_index_row(store, deck_dir, clock):
    from quizapp.content import load_deck

    def stop(what, done, total):
        raise KeyboardInterrupt

    cards = load_deck([deck_dir]).cards
    with pytest.raises(KeyboardInterrupt):
        store.sync(cards, "deck", "2026-03-02T12:00:00.000Z", progress=stop)
    assert store.card_count() == 0 and _index_rows(store) == ([], []) and pending(store) == set()
    assert store.conn.execute("SELECT count(*) FROM counts_deferred").fetchone()[0] == 0
    sync_path(store, deck_dir)
    assert ids(store, clock, "saturate") == ["relu"]


def test_a_database_from_before_pending_index_rows_keeps_its_index_and_counts(db_path, deck_dir, clock, monkeypatch):
    import quizapp.store.store as store_module
    from quizapp.store.card_counts import BULK_MIGRATION
    from quizapp.store.search_index import MIGRATION

    before = MIGRATIONS.index(MIGRATION + BULK_MIGRATION)  # the schema version just before it
    monkeypatch.setattr(store_module, "LATEST", before)
    old = Store(db_path)
    assert old.schema_version == before
    old.conn.execute("INSERT INTO cards (id, topic, question, answer, tags, content_hash, added_at, updated_at) "
                     "VALUES ('old', 'Old', 'An old question?', 'Indexed on insert.', '[\"legacy\"]', 'h', 't', 't')")
    old.conn.execute("INSERT INTO schedule (card_id, due, deck_topic) VALUES ('old', '2026-01-01T00:00:00.000Z', 'Old')")
    old.conn.commit()  # the insert triggers of that schema indexed and counted it
    old.close()
    monkeypatch.undo()
    store = Store(db_path)
    try:
        assert store.schema_version == len(MIGRATIONS) and not store.index_is_pending()
        assert ids(store, clock, "legacy") == ["old"]
        sync_path(store, deck_dir)
        assert store.index_is_pending()
        assert set(ids(store, clock, "question")) == {"old"} and ids(store, clock, "saturate") == ["relu"]
        held, expected = _index_rows(store)
        assert held == expected and len(held) == 4
        counts = store.conn.execute("SELECT topic, sum(cards), sum(new_cards) FROM card_counts GROUP BY topic").fetchall()
        assert sorted(counts) == [("Old", 1, 1), ("Sample", 3, 3)]
    finally:
        store.close()
