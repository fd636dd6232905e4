"""Help: every key, in one place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# Keys

**Esc** or **?** closes this help (arrows and PgDn scroll it).

| Where | Key | What it does |
|---|---|---|
| Topics | Enter | study the highlighted topic |
| Topics | s | study everything due (nothing due: review the cards due in the next 7 days) |
| Topics | c | custom study: one tag or topic, cards failed today, review ahead, more new cards, the hardest cards |
| Topics | o | settings: desired retention, daily limits, learning steps, the hour a day starts |
| Topics | r | refresh the counts (and settings changed with `quizapp config`) |
| Topics | S | statistics (streaks, calendar, retention, forecast, mastery, leeches) |
| Topics | i | mock interview on the highlighted topic (first row: all topics) |
| Interview | ctrl+s | done answering (leave the text empty when you answered aloud) |
| Interview | Space / click | tick or untick a key point (the matcher's ticks are suggestions) |
| Interview | 1 2 3 4 | confirm the rating; it is recorded as a review of the card |
| Interview | Esc | end the interview; every answered question is already saved |
| Interview report | s | study exactly the cards whose key points you missed |
| Review | Space / Enter | show the answer (then: rate Good) |
| Review | 1 2 3 4 | Again, Hard, Good, Easy; each button shows the next interval |
| Review | u | undo the last rating of this session |
| Review | d | run the card's live demo (cards that have one) |
| Review | i | the card's history: every review, stability, recall, demo runs |
| Review | @ / - | suspend the card (out of every queue) / bury it until tomorrow |
| Review | ctrl+1..4, f | flag red, orange, green, blue (again: unflag; ctrl+0 clears) / cycle the colour; many terminals never send ctrl+digit (kitty, WezTerm, foot, Ghostty do): f always works |
| Review, Browse, Info | e | edit the card in $VISUAL / $EDITOR at its line; re-synced on return |
| Anywhere | b | browse every card: search as you type, filter, sort, act |
| Browse | / ↓ Esc | to the search box / to the list / back |
| Browse | words, filters | `topic:` `tag:` `is:new` `is:learning` `is:review` `is:suspended` `is:buried` `is:due` `is:leech` `is:unseen` `flag:red` `has:demo` |
| Browse | f | the filters as a menu (mouse-friendly) |
| Browse | space / a | select the card / select all listed (again: none) |
| Browse | @ - x | suspend or restore / bury or unbury / forget (new again; history kept) |
| Browse | ctrl+1..4, F | flag / cycle the flag colour (F works in every terminal) |
| Browse | s | study the selected cards (none selected: every card listed) now |
| Browse | Enter, i / o, O | card info / sort by the next column, reverse (or click a header) |
| Statistics | i / Enter | the history of the highlighted hardest card |
| Demo | Esc / r / c | stop and go back / rerun / next device (auto, cpu, cuda) |
| Review | Esc | end the session and see its summary |
| Scheduler (ctrl+p) | o / u | fit FSRS-6 to your history (adopted only if it predicts better) / revert |
| Anywhere | ctrl+p | command palette (study a topic, change theme, ...) |
| Anywhere | ? | this help |
| Anywhere | q | quit (every rating is already saved) |

Ratings are scheduled by FSRS-6 aiming at {retention:.0%} recall. The study day starts at {hour}:00.
Both are settings (o on the topic list).
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "app.quit", "Quit", show=False),  # as the table says (a modal screen hides the app's keys)
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):  # taller than 24 rows: arrows and PgDn scroll it
            settings = self.app.scheduler.settings
            yield Markdown(HELP.format(retention=settings.desired_retention, hour=settings.rollover_hour))

    def action_close(self) -> None:
        self.dismiss()
