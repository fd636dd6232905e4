"""The knob form: a demo's parameters (name, value, what it accepts, help), checked as they are typed.

Enter reruns the demo with the values; a value the demo would reject is named inline with the same
message the demo's `--set` gives, and nothing is run until every value is allowed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from quizapp.demo.protocol import Param, UsageError
from quizapp.demo.registry import DemoInfo


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


class KnobForm(ModalScreen[dict[str, str] | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+r", "defaults", "Defaults"),
    ]

    def __init__(self, info: DemoInfo, values: dict[str, Any], quick: bool = False) -> None:
        super().__init__()
        self.info = info
        self.values = values
        self.quick = quick

    def default(self, param: Param) -> Any:
        return param.quick if self.quick and param.quick is not None else param.default

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="knob-form"):
            yield Static(Text.assemble(("Knobs · ", "bold"), self.info.title), id="knob-title")
            for param in self.info.params:
                with Horizontal(classes="knob-row"):
                    yield Static(Text(param.name), classes="knob-name")
                    yield Input(value_text(self.values.get(param.name, self.default(param))),
                                id=f"knob-{param.name}", classes="knob-input", compact=True)
                    yield Static(Text(f"{param.allowed()} · {param.help}"), classes="knob-help")
                yield Static("", id=f"knob-error-{param.name}", classes="knob-error")
            yield Static("Enter rerun with these values · ctrl+r defaults · Esc cancel", id="knob-hint")

    def on_mount(self) -> None:
        for error in self.query(".knob-error"):
            error.display = False
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def _check(self, param: Param) -> str | None:
        """The error message for this knob's typed value, or None when it is allowed (shown inline)."""
        text = self.query_one(f"#knob-{param.name}", Input).value
        error = self.query_one(f"#knob-error-{param.name}", Static)
        try:
            param.parse(text)
        except UsageError as exc:
            error.update(Text(str(exc), style="bold red"))
            error.display = True
            return str(exc)
        error.display = False
        return None

    def on_input_changed(self, event: Input.Changed) -> None:
        for param in self.info.params:
            if event.input.id == f"knob-{param.name}":
                self._check(param)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        bad = [p for p in self.info.params if self._check(p) is not None]
        if bad:
            self.query_one(f"#knob-{bad[0].name}", Input).focus()
            return
        out: dict[str, str] = {}
        for param in self.info.params:
            text = self.query_one(f"#knob-{param.name}", Input).value.strip()
            if param.parse(text) != self.default(param):  # only the knobs moved off their defaults
                out[param.name] = text
        self.dismiss(out)

    def action_defaults(self) -> None:
        for param in self.info.params:
            self.query_one(f"#knob-{param.name}", Input).value = value_text(self.default(param))

    def action_cancel(self) -> None:
        self.dismiss(None)
