"""quizapp against Anki run headless (`anki.collection.Collection`, FSRS on), in the same run.

Optional: needs the `anki` package (`pip install anki`, the `bench` extra; never a runtime
dependency). Two figures, each a median over alternated repeats:

- answering 1,000 new cards one by one: fetch the next card, work out the four previews (the
  interval each button would give), rate Good and commit, plus the remaining count quizapp's
  screen shows (Anki's queue call returns its counts too). Goal: within 1.5x of Anki.
- importing 1,000 cards into an empty collection: quizapp parses a markdown deck and syncs it;
  Anki reads a CSV file of the same notes (`get_csv_metadata` + `import_csv`). Goal: within 3x.

Both sides answer from a collection closed after it was filled and opened again, as a study session
starts: SQLite removes the WAL file when the last connection closes, so each side's first commits
of a session grow it again (an fdatasync that also extends the file costs ~1.7x one that does not).
Without the reopening, Anki's WAL was already grown by its thousand committed note adds and
quizapp's (one transaction for the whole import) was not, a difference in the set-up, not in
answering.

Durability is equal, so the answering ratio is taken as shipped. Anki 26.9.3 opens its collection
with `journal_mode=wal` and `locking_mode=exclusive` and leaves `synchronous` at SQLite's default,
FULL (rslib/src/storage/sqlite.rs sets the first two and never the third; `PRAGMA synchronous`
reads 2 on a headless Collection), and commits each answer: under strace it makes one fsync of its
WAL per answer, as quizapp (WAL, synchronous=FULL) makes one fdatasync per rating. `--syncs` (or
any run where `strace` is installed) counts them: syncs during N answers minus syncs during 0, per
answer. quizapp at synchronous=NORMAL (no fsync per rating) is printed beside it, as a reference
for how much of the time is the disk.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._data import write_deck  # noqa: E402
from quizapp.srs import GOOD, Scheduler, Session, Settings  # noqa: E402
from quizapp.store import Store  # noqa: E402
from quizapp.sync import sync_path  # noqa: E402

N = 1000


def anki_collection(path: Path, n: int):
    from anki.collection import Collection

    col = Collection(str(path))
    col.set_config("fsrs", True)
    deck_id = col.decks.id("Bench")
    conf = col.decks.config_dict_for_deck_id(deck_id)
    conf["new"]["perDay"] = n
    conf["rev"]["perDay"] = n
    col.decks.update_config(conf)
    col.decks.select(deck_id)
    return col, deck_id


def anki_answer(tmp: Path, n: int, answers: int | None = None, synchronous: str = "FULL") -> float:
    """Answer `answers` (default all) of n new cards; `synchronous` NORMAL turns Anki's per-answer fsync off."""
    import anki.collection  # noqa: F401  (first: anki.scheduler alone is a circular import)
    from anki.scheduler.v3 import CardAnswer

    from anki.collection import Collection

    path = tmp / "answer.anki2"
    col, deck_id = anki_collection(path, n)
    model = col.models.by_name("Basic")
    for i in range(n):
        note = col.new_note(model)
        note["Front"], note["Back"] = f"Question {i}?", f"Answer {i}."
        col.add_note(note, deck_id)
    col.close()  # a study session starts from the collection opened afresh (see `fresh_session`)
    col = Collection(str(path))
    if synchronous != "FULL":
        col.db.execute(f"PRAGMA synchronous = {synchronous}")
    start = time.perf_counter()
    for _ in range(n if answers is None else answers):
        queued = col.sched.get_queued_cards(fetch_limit=1)
        top = queued.cards[0]
        card = col.get_card(top.card.id)
        card.start_timer()
        col.sched.describe_next_states(top.states)  # the four button labels
        col.sched.answer_card(col.sched.build_answer(card=card, states=top.states, rating=CardAnswer.GOOD))
    elapsed = time.perf_counter() - start
    col.close()
    return elapsed


def quizapp_answer(tmp: Path, n: int, synchronous: str = "FULL", answers: int | None = None) -> float:
    path = tmp / f"answer-{synchronous}.db"
    store = Store(path, synchronous=synchronous)
    sync_path(store, write_deck(tmp / f"answer-deck-{synchronous}", n))
    store.close()  # a study session starts from the database opened afresh (see `fresh_session`)
    store = Store(path, synchronous=synchronous)
    session = Session(store, Scheduler(Settings(new_per_day=n, reviews_per_day=n)))
    start = time.perf_counter()
    for _ in range(n if answers is None else answers):
        card = session.next_card()
        session.previews(card)  # the four button labels
        session.rate(card, GOOD, 1000)
        session.remaining()
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def anki_import(tmp: Path, n: int) -> float:
    from anki.collection import ImportCsvRequest

    csv = tmp / "notes.csv"
    csv.write_text("".join(f"Question {i}: what does layer {i} compute?\tA weighted sum, card {i}.\n"
                           for i in range(n)), encoding="utf-8")
    col, _ = anki_collection(tmp / "import.anki2", n)
    start = time.perf_counter()
    metadata = col.get_csv_metadata(str(csv), None)
    col.import_csv(ImportCsvRequest(path=str(csv), metadata=metadata))
    elapsed = time.perf_counter() - start
    assert col.card_count() == n, col.card_count()
    col.close()
    return elapsed


def quizapp_import(tmp: Path, n: int) -> float:
    deck = write_deck(tmp / "import-deck", n)
    store = Store(tmp / "import.db")
    start = time.perf_counter()
    result = sync_path(store, deck)
    elapsed = time.perf_counter() - start
    assert result.summary.added == n and not result.deck.errors
    store.close()
    return elapsed


def answer_child(side: str, answers: int, n: int = N) -> None:
    """`--answer-child SIDE A` (SIDE: anki, anki-NORMAL, FULL or NORMAL): set up N cards and answer A of
    them, nothing else (what `sync_counts` traces)."""
    with tempfile.TemporaryDirectory() as tmp:
        if side.startswith("anki"):
            anki_answer(Path(tmp), n, answers, side.partition("-")[2] or "FULL")
        else:
            quizapp_answer(Path(tmp), n, side, answers)


def sync_counts(n: int = 200) -> dict[str, float]:
    """fsync + fdatasync calls per answer, by strace: (syncs answering n) - (syncs answering 0), / n, the
    same collection of N cards set up both times."""
    if shutil.which("strace") is None:
        return {}

    def syncs(side: str, count: int) -> int:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "strace.txt"
            subprocess.run(["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", str(out), sys.executable,
                            __file__, "--answer-child", side, str(count)], check=True, capture_output=True)
            return sum(int(m.group(1)) for m in re.finditer(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?f(?:data)?sync$",
                                                              out.read_text(), re.MULTILINE))

    return {side: (syncs(side, n) - syncs(side, 0)) / n for side in ("anki", "FULL", "anki-NORMAL", "NORMAL")}


def main(repeats: int = 5, n: int = N) -> dict[str, float]:
    try:
        import anki  # noqa: F401
    except ImportError:
        print("peer_anki: the anki package is not installed (pip install anki); skipped")
        return {}
    runs: dict[str, list[float]] = {key: [] for key in (
        "answer_quizapp", "answer_anki", "answer_quizapp_normal", "answer_anki_normal", "import_quizapp", "import_anki")}
    for _ in range(repeats):  # alternated, each in a fresh folder
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for name in ("q", "a", "qn", "an", "qi", "ai"):
                (folder / name).mkdir()
            runs["answer_quizapp"].append(quizapp_answer(folder / "q", n, "FULL"))
            runs["answer_anki"].append(anki_answer(folder / "a", n))
            runs["answer_quizapp_normal"].append(quizapp_answer(folder / "qn", n, "NORMAL"))
            runs["answer_anki_normal"].append(anki_answer(folder / "an", n, synchronous="NORMAL"))
            runs["import_quizapp"].append(quizapp_import(folder / "qi", n))
            runs["import_anki"].append(anki_import(folder / "ai", n))
    result = {f"{key}_s": statistics.median(times) for key, times in runs.items()}
    # each ratio is the median of the ratios within one repeat: the disk's pace (other programs'
    # fsyncs) drifts between repeats far more than between two runs side by side
    for ratio, (ours, theirs) in {"answer_ratio": ("answer_quizapp", "answer_anki"),
                                  "answer_normal_ratio": ("answer_quizapp_normal", "answer_anki_normal"),
                                  "import_ratio": ("import_quizapp", "import_anki")}.items():
        result[ratio] = statistics.median(q / a for q, a in zip(runs[ours], runs[theirs]))
    print(f"answering {n:,} cards, both fsyncing every answer (as shipped): quizapp {result['answer_quizapp_s']:.2f}s, "
          f"Anki {result['answer_anki_s']:.2f}s ({result['answer_ratio']:.2f}x); neither fsyncing (synchronous=NORMAL): "
          f"quizapp {result['answer_quizapp_normal_s']:.2f}s, Anki {result['answer_anki_normal_s']:.2f}s "
          f"({result['answer_normal_ratio']:.2f}x); importing {n:,} cards: quizapp {result['import_quizapp_s']:.3f}s, "
          f"Anki CSV {result['import_anki_s']:.3f}s ({result['import_ratio']:.2f}x) (medians of {repeats})")
    if "--syncs" in sys.argv or shutil.which("strace"):
        counts = sync_counts()
        if counts:
            result.update({f"syncs_per_answer_{side.lower().replace('-', '_')}": value for side, value in counts.items()})
            print(f"fsync/fdatasync per answer (strace): Anki {counts['anki']:.2f}, quizapp {counts['FULL']:.2f}; "
                  f"at synchronous=NORMAL: Anki {counts['anki-NORMAL']:.2f}, quizapp {counts['NORMAL']:.2f}")
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--answer-child":
        answer_child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
