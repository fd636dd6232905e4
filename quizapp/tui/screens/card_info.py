"""One card's history: every review with FSRS's view of it, the schedule now, and its demo runs.

Opened with `i` from the review screen (the answer stays hidden: only the
question is shown) or from the hardest cards on the Statistics screen.
"""

from __future__ import annotations

from datetime import timedelta

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quizapp.content import render_math
from quizapp.srs import RATING_NAMES, interval_label
from quizapp.srs.statistics import LEECH_LAPSES, CardInfo, card_info
from quizapp.store import StoreError
from quizapp.timeutil import from_iso, utcnow
from quizapp.tui.literal import literal
from quizapp.tui.report_view import duration, pct

KINDS = {0: "new", 1: "learn", 2: "review", 3: "relearn"}
STATES = {1: "learning", 2: "review", 3: "relearning"}
RATING_STYLES = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}
COLUMNS = ("Date", "Rating", "Kind", "Ivl", "Stab.", "Diff.", "Recall", "Time")


class CardInfoScreen(Screen):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("i", "close", "Back", show=False),
        Binding("e", "edit", "Edit in $EDITOR"),
    ]

    def __init__(self, card_id: str) -> None:
        super().__init__()
        self.card_id = card_id
        self.info: CardInfo | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="info-body"):
            yield Static("", id="info-summary")
            yield DataTable(id="info-reviews", cursor_type="none", zebra_stripes=True)
            yield Static("", id="info-demos")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Card {self.card_id}"
        table = self.query_one("#info-reviews", DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name)
        now = utcnow()
        try:
            self.info = card_info(self.app.store, self.app.scheduler, self.card_id, now)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", timeout=10)
            return
        if self.info is None:
            self.query_one("#info-summary", Static).update(literal(f"There is no card with id {self.card_id!r}."))
            table.display = False
            return
        self.query_one("#info-summary", Static).update(summary(self.info, now))
        for line in reversed(self.info.reviews):  # newest first
            local = line.at.astimezone()
            table.add_row(
                f"{local:%Y-%m-%d %H:%M}", Text(RATING_NAMES[line.rating], style=RATING_STYLES[line.rating]),
                KINDS.get(line.kind, "?"), interval_label(line.at, line.at + timedelta(days=line.interval_days)),
                "–" if line.stability is None else f"{line.stability:.1f}d",
                "–" if line.difficulty is None else f"{line.difficulty:.1f}", pct(line.recall, 0),
                "–" if line.duration_ms is None else duration(line.duration_ms / 1000))
        table.display = bool(self.info.reviews)
        self.query_one("#info-demos", Static).update(demo_runs(self.info))
        self.query_one("#info-body").focus()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        card = self.app.store.card(self.card_id)
        if card is not None:
            self.app.edit_card(card)

    def on_deck_changed(self, message) -> None:
        if self.card_id in message.result.changed_ids:
            self.app.switch_screen(CardInfoScreen(self.card_id))  # built afresh from the re-synced card


def summary(info: CardInfo, now) -> Text:
    card = info.card
    question = render_math(card["question"]).splitlines()
    text = literal((question[0] if question else "") + "\n", style="bold")
    tags = " ".join(f"#{t}" for t in card["tags"])
    text.append_text(literal(f"{card['topic']} {tags} · id {card['id']}" + (" · retired" if card["retired"] else "")
                             + "\n", style="dim"))
    if card["reps"] == 0:
        text.append("New: not studied yet.")
        return text
    when = "now" if info.due <= now else "in " + interval_label(now, info.due)
    due = f"due {when} ({info.due.astimezone():%a %d %b %H:%M})"
    text.append(f"{STATES.get(card['state'], '?').capitalize()} · {due} · {card['reps']} reviews · "
                f"{card['lapses']} lapse{'s' * (card['lapses'] != 1)}")
    if info.leech:
        text.append(f"  leech ({LEECH_LAPSES}+ lapses)", style="bold red")
    text.append(f"\nStability {card['stability']:.1f} days · difficulty {card['difficulty']:.1f} / 10 · "
                f"recall now {pct(info.recall_now, 0)}\n")
    text.append("Recall: FSRS's probability of remembering at that moment. Ivl: until the next due time. "
                "Stab., Diff.: FSRS stability (days) and difficulty after the review.", style="dim")
    return text


def demo_runs(info: CardInfo) -> Table | Text:
    if not info.card.get("demo"):
        return Text("")
    if not info.demo_runs:
        return literal(f"Demo {info.card['demo']}: not run yet (d on the review screen runs it).", style="dim")
    from quizapp.demo.registry import available_demos, settings_label

    demo = available_demos().get(info.card["demo"])
    table = Table(title=literal(f"Runs of the demo {info.card['demo']}"), title_justify="left", title_style="bold")
    for name in ("Started", "Device", "Took", "Outcome", "Knobs"):
        table.add_column(name, no_wrap=name == "Started")
    for run in info.demo_runs:
        # the verdict when there is one, else how the run ended (cancelled, timed out, error)
        outcome = {1: Text("claim holds", style="green"), 0: Text("claim not shown", style="red")}.get(
            run["passed"], literal(run["status"], style="dim"))
        started = f"{from_iso(run['started_at']).astimezone():%Y-%m-%d %H:%M}"
        table.add_row(started, literal(run["device"]), f"{run['duration_s']:.1f}s", outcome,
                      literal(settings_label(run.get("params"), demo)))
    last = info.demo_runs[0].get("verdict")
    if last and last.get("summary"):
        table.caption = literal(f"Last run: {last['summary']}")
        table.caption_justify = "left"
    return table
