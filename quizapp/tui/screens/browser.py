"""The card browser (`b`): every card, searched as you type, filtered, sorted; actions on cards.

The search box takes words and Anki-style filters (quizapp.srs.browse documents them).
Actions apply to the selected cards (space selects), else to the highlighted one;
"study these" takes the selection, else every card listed. At 80 columns the
less important columns drop out, by priority.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static

from quizapp.content import render_math
from quizapp.srs import interval_label
from quizapp.srs import browse as model
from quizapp.srs.browse import FLAG_NAMES, SORT_KEYS, BrowserRow, parse_search
from quizapp.store.browse import CardFilter
from quizapp.store import StoreError
from quizapp.timeutil import utcnow
from quizapp.tui.app import DeckChanged
from quizapp.tui.widgets.footer import KeyFooter

MAX_ROWS = 1000  # listed at most; the status line says how many more match
FIRST_ROWS = 40  # added at once (a screenful and more); the rest right after the first paint
SEARCH_DELAY = 0.01  # seconds of quiet after a key before searching (keys typed faster are batched)
FLAG_STYLES = {1: "bold red", 2: "bold dark_orange", 3: "bold green", 4: "bold blue"}
STATE_LABELS = {"new": ("new", "blue"), "learning": ("learn", "red"), "review": ("review", "green"),
                "relearning": ("relearn", "red"), "suspended": ("susp.", "yellow"), "buried": ("buried", "dim")}


@dataclass(frozen=True)
class Column:
    key: str  # also its sort key
    label: str
    width: int  # the question column's is a minimum: it takes what is left
    priority: int  # lower stays longer as the terminal narrows


COLUMNS = (  # in display order
    Column("flag", "⚑", 1, 4),
    Column("question", "Question", 28, 0),
    Column("topic", "Topic", 12, 5),
    Column("tags", "Tags", 16, 9),
    Column("state", "State", 7, 1),
    Column("due", "Due", 5, 2),
    Column("interval", "Ivl", 5, 6),
    Column("lapses", "Laps", 4, 7),
    Column("recall", "Recall", 6, 3),
    Column("demo", "Demo", 4, 8),
)
PADDING = 2  # DataTable's cell padding, both sides together


def fit_columns(width: int) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells, most important first, and each one's width."""
    budget = width - 2  # the vertical scrollbar
    chosen: set[str] = set()
    used = 0
    for column in sorted(COLUMNS, key=lambda c: c.priority):
        if used + column.width + PADDING > budget:
            break  # this one and every less important one drop
        chosen.add(column.key)
        used += column.width + PADDING
    spare = max(0, budget - used)
    return [(c, c.width + (spare if c.key == "question" else 0)) for c in COLUMNS if c.key in chosen]


def _clip(text: str, width: int, style: str = "") -> Text:
    cell = Text(text.replace("\n", " "), style=style, no_wrap=True, overflow="ellipsis")
    cell.truncate(width, overflow="ellipsis")
    return cell


def _when(now: datetime, due: datetime | None) -> str:
    if due is None:
        return ""
    if due > now:
        return interval_label(now, due)
    overdue = now - due
    return "now" if overdue < timedelta(days=1) else "-" + interval_label(due, now)


def cell(row: BrowserRow, key: str, width: int, now: datetime, selected: bool) -> Text:
    """One cell of the table, as literal text (deck text is never read as markup)."""
    if key == "flag":
        return Text("⚑", style=FLAG_STYLES[row.flag]) if row.flag in FLAG_STYLES else Text("")
    if key == "question":
        title = render_math(row.title)
        if selected:
            return Text.assemble(("✓ ", "bold reverse"), _clip(title, width - 2, "bold"))
        return _clip(title, width)
    if key == "topic":
        return _clip(row.topic, width)
    if key == "tags":
        return _clip(" ".join(f"#{t}" for t in row.tags), width, "dim")
    if key == "state":
        label, style = STATE_LABELS[row.status]
        return Text(label, style=style)
    if key == "due":
        return Text(_when(now, row.due))
    if key == "interval":
        if row.interval_days is None:
            return Text("")
        return Text(interval_label(now, now + timedelta(days=row.interval_days)))
    if key == "lapses":
        return Text(str(row.lapses), style="dim" if not row.lapses else "")
    if key == "recall":
        return Text("–" if row.recall is None else f"{row.recall:.0%}", style="dim" if row.recall is None else "")
    if key == "demo":
        return Text("▶" if row.demo else "", style="cyan")
    raise KeyError(key)


class BrowserScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "focus_search", "Search"),
        Binding("down", "focus_table", show=False),
        Binding("space", "toggle_select", "Select"),
        Binding("s", "study", "Study these"),
        Binding("i", "info", "Info"),
        Binding("e", "edit", "Edit"),
        Binding("at", "suspend", "Suspend"),
        Binding("minus", "bury", "Bury"),
        Binding("x", "forget", "Forget"),
        Binding("f", "filters", "Filters"),
        Binding("ctrl+1", "flag(1)", "Red flag", show=False),
        Binding("ctrl+2", "flag(2)", "Orange flag", show=False),
        Binding("ctrl+3", "flag(3)", "Green flag", show=False),
        Binding("ctrl+4", "flag(4)", "Blue flag", show=False),
        Binding("ctrl+0", "flag(0)", "No flag", show=False),
        Binding("F", "cycle_flag", "Flag", show=False),
        Binding("a", "select_all", "Select all", show=False),
        Binding("o", "cycle_sort", "Sort", show=False),
        Binding("O", "reverse_sort", "Reverse sort", show=False),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial_text = text
        self.rows: list[BrowserRow] = []
        self.by_id: dict[str, BrowserRow] = {}
        self.selected: set[str] = set()
        self.sort = "rank"
        self.descending = False
        self.problems: tuple[str, ...] = ()
        self.total = 0  # cards matching, listed or not
        self._timer: Timer | None = None
        self._layout: list[tuple[Column, int]] = []
        self._generation = 0  # bumped by every new listing: rows still to add for an older one are dropped

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.initial_text, id="browser-search",
                    placeholder="Search · topic: tag: is:due is:leech is:new is:suspended flag:red has:demo")
        yield Static("", id="browser-status")
        yield DataTable(id="browser-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Browse"
        self.query_one("#browser-search", Input).focus()
        self.refresh_rows()

    # -- the listing ---------------------------------------------------------------------------

    @property
    def table(self) -> DataTable:
        return self.query_one("#browser-table", DataTable)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self.new_search)

    def new_search(self) -> None:
        """The text changed: the best match goes on top, under the cursor."""
        self.refresh_rows(keep_cursor=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
            self.new_search()
        self.action_focus_table()

    def on_resize(self) -> None:
        if self._layout and fit_columns(self.app.size.width) != self._layout:
            self._show(self.rows)

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_rows()

    def on_deck_changed(self, message: DeckChanged) -> None:
        self.refresh_rows()

    def refresh_rows(self, keep_cursor: bool = True) -> None:
        """Run the search and show the result, keeping the highlighted card where it still is.

        Only a screenful is fetched and shown at once; the rest of the listing (up to
        MAX_ROWS) is fetched after that has been painted, so a key's results appear as
        fast on ten thousand cards as on a hundred.
        """
        self._timer = None
        search = parse_search(self.query_one("#browser-search", Input).value)
        self.problems = search.problems
        query = replace(search.filter, sort=self.sort, descending=self.descending)
        now = utcnow()
        try:
            first = model.browse(self.app.store, self.app.scheduler, query, now, limit=FIRST_ROWS + 1)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", markup=False)
            return
        more = len(first) > FIRST_ROWS
        self.total = len(first) if not more else -1  # -1: not counted yet
        self._show(first[:FIRST_ROWS], rest=(query, now) if more else None, keep_cursor=keep_cursor)

    def _show(self, rows: list[BrowserRow], rest: tuple[CardFilter, datetime] | None = None,
              keep_cursor: bool = True) -> None:
        """List `rows` (the first screenful now, the others after the paint); `rest`: fetch the others then.

        The highlighted card stays highlighted where it is still listed; else the top row is.
        """
        table = self.table
        current = self.cursor_id() if keep_cursor else None
        self.rows = rows
        self.by_id = {row.id: row for row in rows}
        layout = fit_columns(self.app.size.width)
        if layout != self._layout:
            table.clear(columns=True)
            for column, width in layout:
                label = column.label + self._arrow(column.key)
                table.add_column(label, key=column.key, width=width)
            self._layout = layout
        else:
            table.clear()
            for column, _ in layout:  # the sort arrow moves with the sort
                table.columns[column.key].label = Text(column.label + self._arrow(column.key))
        now = utcnow()
        self._generation += 1
        for row in rows[:FIRST_ROWS]:
            table.add_row(*self._cells(row, now), key=row.id)
        table.move_cursor(row=0, animate=False)
        if rest is not None or len(rows) > FIRST_ROWS:
            self.call_after_refresh(self._add_rest, self._generation, rest, current)
        elif current in self.by_id:
            table.move_cursor(row=table.get_row_index(current), animate=False)
        self._show_status()

    def _add_rest(self, generation: int, fetch: tuple[CardFilter, datetime] | None, current: str | None) -> None:
        """The rows below the first screenful, once it is on screen (unless a newer listing came)."""
        if generation != self._generation:
            return
        if fetch is not None:
            query, moment = fetch
            try:
                found = model.listing(self.app.store, self.app.scheduler, query, moment, MAX_ROWS)
            except StoreError as exc:
                self.notify(str(exc), title="Database", severity="error", markup=False)
                return
            shown = len(self.rows)
            self.rows, self.total = found.rows, found.total
            self.by_id = {row.id: row for row in self.rows}
        else:
            shown = FIRST_ROWS
        table = self.table
        now = utcnow()
        for row in self.rows[shown:]:
            table.add_row(*self._cells(row, now), key=row.id)
        if current in self.by_id:
            table.move_cursor(row=table.get_row_index(current), animate=False)
        self._show_status()

    def _cells(self, row: BrowserRow, now: datetime) -> list[Text]:
        selected = row.id in self.selected
        return [cell(row, column.key, width, now, selected) for column, width in self._layout]

    def _arrow(self, key: str) -> str:
        return (" ▼" if self.descending else " ▲") if key == self.sort else ""

    def _show_status(self) -> None:
        count = len(self.rows)
        text = Text(f"{count} card{'s' * (count != 1)}")
        if self.total < 0:
            text = Text(f"{count}+ cards")
        elif self.total > count:
            text = Text(f"first {count} of {self.total} cards (refine the search)")
        text.append(f" · sorted by {'relevance' if self.sort == 'rank' else self.sort}"
                    f"{' (reversed)' if self.descending else ''}", style="dim")
        chosen = len(self.selected & set(self.by_id))
        if chosen:
            text.append(f" · {chosen} selected", style="bold")
        for problem in self.problems:
            text.append(f" · {problem}", style="bold red")
        if not self.problems and not chosen:
            text.append(" · ↓ to the list, space selects, ? help", style="dim")
        self.query_one("#browser-status", Static).update(text)

    def cursor_id(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def targets(self) -> list[str]:
        """The selected cards still listed, else the highlighted one."""
        chosen = [row.id for row in self.rows if row.id in self.selected]
        if chosen:
            return chosen
        current = self.cursor_id()
        return [current] if current else []

    # -- keys and mouse -----------------------------------------------------------------------

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, False
        self.refresh_rows()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_info()

    # focus moves at once (Widget.focus waits a turn): a key typed right after lands where it should

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#browser-search", Input))

    def action_focus_table(self) -> None:
        self.set_focus(self.table)

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.action_focus_table()
        else:
            self.app.pop_screen()

    def action_filters(self) -> None:
        from quizapp.store.browse import Browse
        from quizapp.tui.screens.browser_filters import FilterScreen

        box = self.query_one("#browser-search", Input)
        try:
            topics, tags = self.app.store.topics(), Browse(self.app.store).tags()
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", markup=False)
            return

        def apply(text: str | None) -> None:
            if text is not None:
                box.value = text  # Input.Changed runs the search

        self.app.push_screen(FilterScreen(parse_search(box.value).filter, topics, tags), apply)

    def action_cycle_sort(self) -> None:
        keys = list(SORT_KEYS)
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)] if self.sort in keys else keys[0]
        self.descending = False
        self.refresh_rows()

    def action_reverse_sort(self) -> None:
        self.descending = not self.descending
        self.refresh_rows()

    def action_toggle_select(self) -> None:
        current = self.cursor_id()
        if current is None:
            return
        self.selected ^= {current}
        table = self.table
        width = dict((c.key, w) for c, w in self._layout)["question"]
        table.update_cell(current, "question", cell(self.by_id[current], "question", width, utcnow(),
                                                    current in self.selected))
        if table.cursor_row + 1 < table.row_count:
            table.move_cursor(row=table.cursor_row + 1)
        self._show_status()

    def action_select_all(self) -> None:
        shown = set(self.by_id)
        self.selected = set() if shown <= self.selected else self.selected | shown
        self._show(self.rows)

    def action_info(self) -> None:
        from quizapp.tui.screens.card_info import CardInfoScreen

        current = self.cursor_id()
        if current:
            self.app.push_screen(CardInfoScreen(current))

    def action_edit(self) -> None:
        current = self.cursor_id()
        card = self.app.store.card(current) if current else None
        if card is not None:
            self.app.edit_card(card)  # a change comes back as DeckChanged, which lists again

    def action_study(self) -> None:
        ids = [row.id for row in self.rows if row.id in self.selected] or [row.id for row in self.rows]
        if not ids:
            self.notify("No cards listed to study.", markup=False)
            return
        self.app.action_study_cards(ids)

    def _act(self, done: str, change) -> None:
        ids = self.targets()
        if not ids:
            return
        try:
            change(ids)
        except StoreError as exc:
            self.notify(str(exc), title="Database", severity="error", markup=False)
            return
        self.notify(f"{done}: {len(ids)} card{'s' * (len(ids) != 1)}.", markup=False)
        self.refresh_rows()

    def action_suspend(self) -> None:
        store = self.app.store
        if all(self.by_id[i].status == "suspended" for i in self.targets()):
            self._act("Unsuspended", lambda ids: model.suspend(store, ids, False))
        else:
            self._act("Suspended (out of every queue)", lambda ids: model.suspend(store, ids, True))

    def action_bury(self) -> None:
        store = self.app.store
        if all(self.by_id[i].status == "buried" for i in self.targets()):
            self._act("Unburied", lambda ids: model.unbury(store, ids))
        else:
            self._act("Buried until tomorrow", lambda ids: model.bury(store, ids, utcnow()))

    def action_flag(self, colour: int) -> None:
        store = self.app.store
        targets = self.targets()
        if colour and targets and all(self.by_id[i].flag == colour for i in targets):
            colour = 0  # the same colour again takes the flag off, as in Anki
        name = FLAG_NAMES.get(colour, "no")
        self._act(f"Flag {name}" if colour else "Flag removed", lambda ids: model.flag(store, ids, colour))

    def action_cycle_flag(self) -> None:
        targets = self.targets()
        if targets:
            self.action_flag((self.by_id[targets[0]].flag + 1) % 5)

    def action_forget(self) -> None:
        ids = self.targets()
        if not ids:
            return
        store = self.app.store

        def answer(yes: bool | None) -> None:
            if yes:
                self._act("Forgotten (new again; history kept)", lambda ids: model.forget(store, ids, utcnow()))

        count = f"{len(ids)} card{'s' * (len(ids) != 1)}"
        self.app.push_screen(ConfirmScreen(f"Forget {count}? They become new cards again; their review history "
                                           "is kept."), answer)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(self.question, "\n\n", ("y", "bold"), " yes · ", ("n", "bold"), " no"),
                     id="confirm")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
