"""`quizapp export --format apkg`: the package is a zip with an SQLite collection holding our notes."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from quizapp.anki_export import DECK_NAME, FIELDS, note_guid, split_answer
from quizapp.cli import main

DECK = """\
---
topic: Optimization
tags: [optimization]
---

## Why does a learning rate of $\\eta > 2/a$ diverge on $L = a w^2/2$?

```meta
id: lr-diverges
tags: [training]
```

### Answer

Each step multiplies $w$ by $1 - \\eta a$, which is below $-1$. So $|w|$ **grows**.

In detail: $$w_{t+1} = (1 - \\eta a) w_t$$ and the factor's size decides.

#### Key points

- factor $1 - \\eta a$
- diverges when $\\eta > 2/a$

#### Follow-ups

- What sets $a$ in a real network?

## What does <b>dropout</b> do?

```meta
id: dropout
```

### Answer

It zeroes activations at random while training.
"""

OTHER_TOPIC = """\
---
topic: Basics
---

## What is a tensor?

```meta
id: tensor
```

### Answer

An n-dimensional array.
"""


def _notes(apkg: Path) -> tuple[list[dict], dict]:
    with zipfile.ZipFile(apkg) as package:
        assert "collection.anki2" in package.namelist()
        data = package.read("collection.anki2")
    path = apkg.with_suffix(".anki2")
    path.write_bytes(data)
    conn = sqlite3.connect(path)
    notes = [{"guid": g, "fields": f.split("\x1f"), "tags": t.split(), "mid": m}
             for g, f, t, m in conn.execute("SELECT guid, flds, tags, mid FROM notes")]
    cards = conn.execute("SELECT n.guid, c.did FROM cards c JOIN notes n ON n.id = c.nid").fetchall()
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    conn.close()
    return notes, {"cards": dict(cards), "decks": {int(k): v["name"] for k, v in decks.items()}}


def test_apkg_has_one_note_per_card_with_stable_ids_html_fields_and_topic_subdecks(tmp_path: Path, capsys):
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "opt.md").write_text(DECK, encoding="utf-8")
    (deck / "basics.md").write_text(OTHER_TOPIC, encoding="utf-8")
    db, out = str(tmp_path / "q.db"), tmp_path / "deck.apkg"
    assert main(["--db", db, "--content", str(deck), "export", "--format", "apkg", "--out", str(out)]) == 0
    assert "exported 3 cards" in capsys.readouterr().err
    notes, info = _notes(out)
    by_id = {n["fields"][FIELDS.index("Id")]: n for n in notes}
    assert set(by_id) == {"lr-diverges", "dropout", "tensor"}
    lr = dict(zip(FIELDS, by_id["lr-diverges"]["fields"]))
    assert by_id["lr-diverges"]["guid"] == note_guid("lr-diverges")
    assert "\\(\\eta &gt; 2/a\\)" in lr["Question"]  # MathJax delimiters, HTML-escaped inside
    assert "<strong>grows</strong>" in lr["Core"] and "In detail" not in lr["Core"]
    assert "\\[w_{t+1} = (1 - \\eta a) w_t\\]" in lr["Detail"] and "Key points" not in lr["Detail"]
    assert lr["Key points"].startswith("<ul>") and lr["Key points"].count("<li>") == 2
    assert "What sets" in lr["Follow-ups"] and lr["Topic"] == "Optimization"
    assert sorted(by_id["lr-diverges"]["tags"]) == ["optimization", "training"]
    assert "&lt;b&gt;dropout&lt;/b&gt;" in by_id["dropout"]["fields"][0]  # deck text is shown literally
    deck_of = {guid: info["decks"][did] for guid, did in info["cards"].items()}
    assert deck_of[note_guid("tensor")] == f"{DECK_NAME}::Basics"
    assert deck_of[note_guid("dropout")] == f"{DECK_NAME}::Optimization"

    # exporting again (after an edit) gives the same note ids, note type and decks: Anki updates, not duplicates
    (deck / "basics.md").write_text(OTHER_TOPIC.replace("An n-dimensional", "A typed n-dimensional"), "utf-8")
    again = tmp_path / "again.apkg"
    assert main(["--db", db, "--content", str(deck), "export", "--format", "apkg", "--out", str(again)]) == 0
    notes2, info2 = _notes(again)
    assert {n["guid"] for n in notes2} == {n["guid"] for n in notes}
    assert {n["mid"] for n in notes2} == {n["mid"] for n in notes} and info2["cards"] == info["cards"]
    assert any("typed" in n["fields"][1] for n in notes2)


def test_apkg_needs_an_output_file(tmp_path: Path, capsys):
    assert main(["--db", str(tmp_path / "q.db"), "export", "--format", "apkg"]) == 2
    assert "--out" in capsys.readouterr().err


def test_split_answer_core_then_detail():
    assert split_answer("Core one. Two.\n\nMore.\n\n#### Key points\n\n- a\n") == ("Core one. Two.", "More.")
