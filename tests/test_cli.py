"""The command line: check, import, stats, version, and the database location rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp import __version__
from quizapp.cli import main
from quizapp.paths import default_db_path
from quizapp.store import Store


def test_check_clean_deck_prints_summary_and_exits_0(deck_dir: Path, capsys):
    assert main(["check", str(deck_dir)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    # two sample cards have no key points: warnings name them but do not fail the check
    assert out[-1] == f"{deck_dir}: 3 cards in 1 file, 0 errors, 2 warnings"
    assert sum(": warning: card has no key points" in line for line in out) == 2


def test_check_broken_deck_prints_path_line_and_exits_1(tmp_path: Path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_text("## Fine?\n```meta\nid: fine\n```\n### Answer\nyes\n\n## Broken?\n```meta\nid: [x\n```\n")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:10: error: bad YAML in card metadata" in out
    assert f"{bad}:8: error: card has no '### Answer' line" in out
    assert "1 card in 1 file, 2 errors" in out


def test_import_then_reimport(tmp_path: Path, deck_dir: Path, capsys):
    db = tmp_path / "x.db"
    assert main(["--db", str(db), "import", str(deck_dir)]) == 0
    assert "3 added, 0 updated, 0 retired" in capsys.readouterr().out
    assert main(["import", str(deck_dir), "--db", str(db)]) == 0  # options after the command work too
    assert "0 added, 0 updated, 0 retired" in capsys.readouterr().out
    store = Store(db)
    assert store.card_count() == 3
    store.close()


def test_import_missing_path(tmp_path: Path, capsys):
    assert main(["--db", str(tmp_path / "x.db"), "import", str(tmp_path / "nope")]) == 1
    assert "no such file or directory" in capsys.readouterr().err


def test_stats_prints_a_table(tmp_path: Path, deck_dir: Path, capsys):
    db = tmp_path / "x.db"
    main(["--db", str(db), "import", str(deck_dir)])
    capsys.readouterr()
    assert main(["--db", str(db), "stats"]) == 0
    out = capsys.readouterr().out
    assert "New cards waiting" in out and "3" in out and "Streak" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_database_location(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("QUIZAPP_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    monkeypatch.delenv("QUIZAPP_DB")
    path = default_db_path()
    assert path.name == "quizapp.db"
    repo = Path(__file__).resolve().parents[1]
    assert repo not in path.parents


def test_demo_list_names_demos_and_the_cards_that_use_them(capsys):
    assert main(["demo", "--list"]) == 0
    out = capsys.readouterr().out
    assert "learning_rate" in out and "learning-rate-too-low-or-high" in out
    assert "xor" in out and "multilayer-perceptron" in out


def test_unknown_demo_is_refused_with_the_known_ones(capsys):
    assert main(["demo", "no_such_demo"]) == 2
    err = capsys.readouterr().err
    assert "unknown demo 'no_such_demo'" in err and "learning_rate" in err


def test_config_changes_what_the_scheduler_uses(tmp_path: Path, capsys):
    from quizapp.srs import Settings

    db = str(tmp_path / "c.db")
    assert main(["--db", db, "config"]) == 0
    assert "desired_retention = 0.9" in capsys.readouterr().out
    assert main(["--db", db, "config", "new_per_day", "35"]) == 0
    assert capsys.readouterr().out.strip() == "new_per_day = 35"
    assert main(["--db", db, "config", "desired_retention", "1.5"]) == 2
    assert "between 0.7 and 0.99" in capsys.readouterr().err
    assert main(["--db", db, "config", "colour", "red"]) == 2
    store = Store(Path(db))
    settings = Settings.from_store(store.setting)
    store.close()
    assert settings.new_per_day == 35 and settings.desired_retention == 0.9


def test_check_warns_about_terminal_controls_and_absurdly_long_cards_with_path_line(tmp_path: Path, capsys):
    deck = tmp_path / "d.md"
    bullets = "\n".join(f"- point {i}" for i in range(150))
    deck.write_text(f"## Title \x1b]0;PWNED\x07\n\n```meta\nid: t\n```\n\n### Answer\n\nShort.\n\n"
                    f"## Long?\n\n```meta\nid: long\n```\n\n### Answer\n\nCore.\n\n{bullets}\n", encoding="utf-8")
    assert main(["check", str(deck)]) == 0  # warnings, not errors
    out = capsys.readouterr().out
    assert f"{deck}:1: warning: control character U+001B (ESC)" in out
    assert "\x1b" not in out  # check itself never sends the escape to the terminal
    assert f"{deck}:11: warning: the answer is 152 lines" in out
    assert out.count(": warning: card has no key points") == 2  # neither card has any
    assert "2 cards in 1 file, 0 errors, 4 warnings" in out


def test_study_topic_is_matched_in_any_case_and_an_unknown_one_lists_the_topics(tmp_path: Path, capsys):
    from quizapp.cli import match_topic

    assert match_topic("optimization", ["Basics", "Optimization"]) == "Optimization"
    assert match_topic(" OPTIMIZATION ", ["Basics", "Optimization"]) == "Optimization"
    assert match_topic("optim", ["Basics", "Optimization"]) is None
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "study", "--topic", "no such topic"]) == 2
    err = capsys.readouterr().err
    assert "no topic 'no such topic'" in err and "Optimization" in err and "Basics" in err
