"""Export and import of the review history: exact round trips, no duplicates, line-numbered errors."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.history_io import HistoryFileError, export_history, import_history
from quizapp.srs import AGAIN, EASY, GOOD, HARD, Scheduler, Session
from quizapp.store import Store
from quizapp.sync import sync_path


def study(store: Store, clock, days: int = 6) -> None:
    """A few days of real sessions: new cards, learning steps, reviews and a lapse."""
    session = Session(store, Scheduler(), clock=clock)
    ratings = iter([GOOD, AGAIN, EASY, GOOD, HARD, GOOD, AGAIN, GOOD, GOOD, EASY, GOOD, GOOD, HARD] * 5)
    for _ in range(days):
        for _ in range(4):
            card = session.next_card()
            if card is None:
                break
            session.rate(card, next(ratings), 1500)
            clock.advance(minutes=12)
        clock.advance(days=1)


def exported(store: Store, fmt: str) -> str:
    out = io.StringIO()
    export_history(store, out, fmt)
    return out.getvalue()


def reviews(store: Store) -> list[tuple]:
    return [(r["card_id"], r["rating"], r["reviewed_at"], r["duration_ms"], r["kind"], r["state_after"])
            for cid in ("tensor", "mean", "relu") for r in store.reviews_for(cid)]


def fresh(tmp_path: Path, deck_dir: Path, name: str) -> Store:
    store = Store(tmp_path / name)
    sync_path(store, deck_dir)
    return store


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_round_trips_exactly(store: Store, deck_dir: Path, tmp_path: Path, clock, fmt):
    sync_path(store, deck_dir)
    study(store, clock)
    text = exported(store, fmt)
    other = fresh(tmp_path, deck_dir, "other.db")

    result = import_history(other, Scheduler(), text, clock())

    assert (result.added, result.already_present, result.cards) == (store.review_count(), 0, 3)
    assert exported(other, fmt) == text
    # replaying the ratings rebuilds exactly the states the sessions stored
    assert reviews(other) == reviews(store)
    for card_id in ("tensor", "mean", "relu"):
        assert other.schedule_state(card_id) == store.schedule_state(card_id)
    other.close()


def test_export_layout(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    session.rate(session.next_card(), GOOD, 1234)
    clock.advance(seconds=61.5)
    store.record_review("mean", AGAIN, "2026-03-02T12:01:01.500Z", None, 0,
                        store.schedule_state("mean"), store.schedule_state("mean"))
    assert exported(store, "csv") == ("card_id,review_rating,review_time,review_duration\n"
                                      "tensor,3,2026-03-02T12:00:00.000Z,1234\n"
                                      "mean,1,2026-03-02T12:01:01.500Z,\n")
    assert json.loads(exported(store, "json")) == [
        {"card_id": "tensor", "review_rating": 3, "review_time": "2026-03-02T12:00:00.000Z", "review_duration": 1234},
        {"card_id": "mean", "review_rating": 1, "review_time": "2026-03-02T12:01:01.500Z", "review_duration": None}]


def test_importing_the_same_file_twice_adds_nothing(store: Store, deck_dir: Path, tmp_path: Path, clock):
    sync_path(store, deck_dir)
    study(store, clock, days=3)
    text = exported(store, "csv")
    count = store.review_count()
    before = reviews(store)

    result = import_history(store, Scheduler(), text, clock())  # into the very database it came from

    assert (result.added, result.already_present, result.cards) == (0, count, 0)
    assert store.review_count() == count and reviews(store) == before
    other = fresh(tmp_path, deck_dir, "other.db")
    assert import_history(other, Scheduler(), text, clock()).added == count
    assert import_history(other, Scheduler(), text, clock()).added == 0
    assert other.review_count() == count
    other.close()


def test_history_from_another_device_merges_in_time_order(store: Store, deck_dir: Path, tmp_path: Path, clock):
    """Two devices studied the same card on different days; each gets the other's reviews."""
    sync_path(store, deck_dir)
    session = Session(store, Scheduler(), clock=clock)
    session.rate(store.card("tensor"), GOOD, 1000)  # day 0, here
    start = clock()
    laptop = fresh(tmp_path, deck_dir, "laptop.db")
    clock.advance(minutes=15)
    Session(laptop, Scheduler(), clock=clock).rate(laptop.card("tensor"), GOOD, 2000)  # laptop only...
    import_history(laptop, Scheduler(), exported(store, "csv"), clock())  # ...then it gets day 0 from here
    clock.advance(days=3)
    session.rate(store.card("tensor"), AGAIN, 3000)  # day 3, here

    result = import_history(store, Scheduler(), exported(laptop, "csv"), clock())

    assert (result.added, result.already_present) == (1, 1)
    ratings = [(r["rating"], r["kind"]) for r in store.reviews_for("tensor")]
    assert ratings == [(GOOD, 0), (GOOD, 1), (AGAIN, 2)]  # the laptop's review sits between the two
    moments = [(GOOD, start), (GOOD, start + timedelta(minutes=15)), (AGAIN, clock())]
    assert store.schedule_state("tensor") == Scheduler().replay("tensor", moments, start)
    assert store.schedule_state("tensor")["lapses"] == 1
    laptop.close()


BAD_CSV = """\
card_id,review_rating,review_time,review_duration
tensor,3,2026-03-01T10:00:00.000Z,1000
tensor,5,2026-03-01T11:00:00.000Z,1000
mean,3,yesterday,1000

nosuch,3,2026-03-01T12:00:00.000Z,1000
relu,,2026-03-01T12:00:00.000Z,1000
relu,2,2026-03-01T12:00:00.000Z,-4
relu,2,2999-01-01T00:00:00.000Z,
"""


def test_malformed_rows_are_rejected_with_line_numbers_and_nothing_is_imported(store: Store, deck_dir: Path,
                                                                               clock):
    sync_path(store, deck_dir)
    with pytest.raises(HistoryFileError) as caught:
        import_history(store, Scheduler(), BAD_CSV, clock())
    assert caught.value.problems == [
        (3, "review_rating must be 1, 2, 3 or 4 (Again, Hard, Good, Easy), got '5'"),
        (4, "review_time 'yesterday' is not an ISO-8601 time like 2026-03-02T12:00:00.000Z (or Unix milliseconds)"),
        (6, "unknown card id 'nosuch' (import the deck that has it first)"),
        (7, "missing review_rating"),
        (8, "review_duration must be a whole number of milliseconds, got '-4'"),
        (9, "review_time 2999-01-01T00:00:00.000Z is in the future"),
    ]
    assert store.review_count() == 0  # the good row on line 2 was not imported either


def test_missing_column_and_bad_json_are_reported(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    with pytest.raises(HistoryFileError) as caught:
        import_history(store, Scheduler(), "card_id,review_rating\ntensor,3\n", clock())
    assert caught.value.problems == [
        (1, "missing column review_time (the header must name card_id,review_rating,review_time,review_duration)")]
    text = ('[\n{"card_id": "tensor", "review_rating": 3, "review_time": "2026-03-01T10:00:00Z"},\n'
            '{"card_id": "mean", "review_rating": 3},\n'
            '{"card_id": "relu", "review_rating": true, "review_time": 1772359200000}\n]')
    with pytest.raises(HistoryFileError) as caught:
        import_history(store, Scheduler(), text, clock())
    assert caught.value.problems == [
        (3, "missing review_time"),
        (4, "review_rating must be 1, 2, 3 or 4 (Again, Hard, Good, Easy), got True")]
    with pytest.raises(HistoryFileError) as caught:
        import_history(store, Scheduler(), '[\n{"card_id": "tensor",\n "review_rating": 3\n', clock())
    assert caught.value.problems == [(4, "invalid JSON: Expecting ',' delimiter")]  # the file ends too soon
    assert store.review_count() == 0


def test_fsrs_optimizer_style_times_and_extra_columns_are_accepted(store: Store, deck_dir: Path, clock):
    sync_path(store, deck_dir)
    text = "card_id,review_time,review_rating,review_state,review_duration\ntensor,1772359200000,3,0,800\n"
    assert import_history(store, Scheduler(), text, clock()).added == 1
    assert [(r["reviewed_at"], r["duration_ms"]) for r in store.reviews_for("tensor")] == [
        ("2026-03-01T10:00:00.000Z", 800)]


def test_cli_export_and_import_history(tmp_path: Path, deck_dir: Path, store: Store, db_path: Path, clock, capsys):
    sync_path(store, deck_dir)
    study(store, clock, days=2)
    count = store.review_count()
    cards = len({row[0] for row in reviews(store)})
    store.close()
    out = tmp_path / "history.json"
    assert main(["export", "--format", "json", "--out", str(out), "--db", str(db_path)]) == 0
    assert f"exported {count} reviews to {out}" in capsys.readouterr().err
    assert len(json.loads(out.read_text())) == count
    other = tmp_path / "other.db"
    assert main(["--db", str(other), "import", str(deck_dir)]) == 0
    capsys.readouterr()
    assert main(["import-history", str(out), "--db", str(other)]) == 0
    assert capsys.readouterr().out.strip() == (f"imported {out}: {count} reviews added to {cards} cards, "
                                               "0 already present")
    assert main(["--db", str(other), "export"]) == 0
    assert capsys.readouterr().out.count("\n") == count + 1

    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV)
    assert main(["--db", str(other), "import-history", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: error: review_rating must be 1, 2, 3 or 4" in err
    assert f"{bad}: nothing was imported" in err
    assert main(["--db", str(other), "import-history", str(tmp_path / "missing.csv")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_the_shipped_sample_history_imports_into_the_bundled_deck(tmp_path):
    """data/sample-history.csv is what the README tells people to try: it must import cleanly, once."""
    from pathlib import Path

    from quizapp.cli import main as cli

    sample = Path(__file__).resolve().parents[1] / "data" / "sample-history.csv"
    rows = sample.read_text().strip().splitlines()[1:]
    db = str(tmp_path / "sample.db")
    assert cli(["--db", db, "import-history", str(sample)]) == 0
    store = Store(tmp_path / "sample.db")
    assert store.review_count() == len(rows) > 500
    store.close()
    assert cli(["--db", db, "import-history", str(sample)]) == 0
    store = Store(tmp_path / "sample.db")
    assert store.review_count() == len(rows)
    store.close()


def test_times_before_1970_and_absurd_durations_are_rejected_with_their_line(tmp_path: Path, deck_dir: Path,
                                                                             db_path: Path, capsys):
    """They passed validation and then crashed the import with a traceback (year 999 cannot be stored and
    read back; 10**30 ms overflows SQLite's integer)."""
    bad = tmp_path / "bad.csv"
    bad.write_text("card_id,review_rating,review_time,review_duration\n"
                   "tensor,3,0999-01-01T00:00:00Z,1000\n"
                   "tensor,3,2026-01-01T00:00:00Z,1000000000000000000000000000000\n"
                   "tensor,3,1969-12-31T23:59:59Z,\n"
                   "tensor,3,2026-01-02T00:00:00Z," + "9" * 5000 + "\n"
                   "tensor,3,2026-01-03T00:00:00Z,31536000000\n")  # exactly a year: allowed
    assert main(["--db", str(db_path), "--content", str(deck_dir), "import-history", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: error: review_time 0999-01-01T00:00:00Z is before 1970" in err
    assert f"{bad}:3: error: review_duration '1000000000000000000000000000000' ms is longer than a year" in err
    assert f"{bad}:4: error: review_time 1969-12-31T23:59:59Z is before 1970" in err
    assert f"{bad}:5: error: review_duration '99999999999999999999999999999999999999… ms" in err
    assert f"{bad}:6:" not in err and "Traceback" not in err
    assert max(len(line) for line in err.splitlines()) < 200
    json_file = tmp_path / "bad.json"
    json_file.write_text('[{"card_id": "tensor", "review_rating": 3, "review_time": -62135596800000}]')
    assert main(["--db", str(db_path), "--content", str(deck_dir), "import-history", str(json_file)]) == 1
    assert f"{json_file}:1: error: review_time" in capsys.readouterr().err
    store = Store(db_path)
    assert store.review_count() == 0
    store.close()
