"""LaTeX math in card markdown -> readable Unicode text for the terminal.

A small recursive reader handles the structure (fractions, roots, scripts,
groups, fonts); pylatexenc supplies the symbol table (Greek, operators,
arrows). `$...$` becomes inline text, `$$...$$` a centred-looking block.
Code spans and fenced code are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SUPERSCRIPT = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzTᵀ*",
                       "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀᵀ*"))
SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
WORD_OPERATORS = {"log", "exp", "ln", "sin", "cos", "tan", "tanh", "max", "min", "arg", "argmax", "argmin",
                  "softmax", "det", "lim", "sup", "inf", "Pr", "sign", "sgn", "ReLU", "diag"}
FONTS = {"mathbf", "mathrm", "mathit", "boldsymbol", "bm", "mathsf", "mathtt", "text", "textbf", "textit",
         "operatorname", "mbox", "textrm", "emph"}
SPECIAL = {
    "mathbb": {"R": "ℝ", "E": "𝔼", "N": "ℕ", "Z": "ℤ", "P": "ℙ", "Q": "ℚ", "C": "ℂ", "1": "𝟙"},
    "mathcal": {"L": "ℒ", "N": "𝒩", "D": "𝒟", "O": "𝒪", "X": "𝒳", "Y": "𝒴", "H": "ℋ"},
}
SYMBOLS = {
    "cdot": "·", "times": "×", "top": "ᵀ", "intercal": "ᵀ", "odot": "⊙", "otimes": "⊗", "oplus": "⊕",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "~",
    "propto": "∝", "infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "in": "∈", "notin": "∉", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
    "mapsto": "↦", "pm": "±", "mp": "∓", "ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮",
    "quad": "  ", "qquad": "    ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "|": "‖",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "mid": "|", "langle": "⟨",
    "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "circ": "∘",
    "ell": "ℓ", "forall": "∀", "exists": "∃", "emptyset": "∅", "cup": "∪", "cap": "∩",
    "subset": "⊂", "subseteq": "⊆", "land": "∧", "lor": "∨", "neg": "¬", "star": "⋆", "ast": "∗",
    "equiv": "≡", "triangleq": "≜", "coloneqq": "≔", "gg": "≫", "ll": "≪", "leftrightarrow": "↔",
    "{": "{", "}": "}", "_": "_", "%": "%", "$": "$", "#": "#", "&": "&", "\\": " ",
}
DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
        "limits", "nolimits", "tfrac", "dfrac", "scriptstyle", "textstyle"}
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7", "dot": "\u0307",
           "widehat": "\u0302", "overline": "\u0305", "widetilde": "\u0303"}


@lru_cache(maxsize=None)
def _symbol(name: str) -> str:
    """A macro's Unicode from our table, else pylatexenc's, else its bare name."""
    if name in SYMBOLS:
        return SYMBOLS[name]
    try:
        from pylatexenc.latex2text import LatexNodes2Text

        text = LatexNodes2Text(math_mode="text").latex_to_text("\\" + name).strip()
    except Exception:
        text = ""
    if not text or text.startswith("\\"):
        return name
    return text


class _Reader:
    """Recursive descent over a LaTeX math string."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0

    def parse(self, stop: str = "") -> str:
        out: list[str] = []
        while self.i < len(self.s):
            ch = self.s[self.i]
            if stop and ch == stop:
                break
            if ch == "{":
                self.i += 1
                out.append(self.parse("}"))
                self.i += 1
            elif ch == "}":  # stray closing brace
                self.i += 1
            elif ch in "^_":
                self.i += 1
                arg = self._argument()
                out.append(_script(arg, superscript=(ch == "^")))
            elif ch == "\\":
                out.append(self._macro())
            elif ch == "&":
                self.i += 1
                out.append(" ")
            elif ch == "~":
                self.i += 1
                out.append(" ")
            else:
                out.append(ch)
                self.i += 1
        return "".join(out)

    def _argument(self) -> str:
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1
        if self.i >= len(self.s):
            return ""
        ch = self.s[self.i]
        if ch == "{":
            self.i += 1
            text = self.parse("}")
            self.i += 1
            return text
        if ch == "\\":
            return self._macro()
        self.i += 1
        return ch

    def _optional(self) -> str:
        if self.i < len(self.s) and self.s[self.i] == "[":
            end = self.s.find("]", self.i)
            if end != -1:
                inner = _Reader(self.s[self.i + 1:end]).parse()
                self.i = end + 1
                return inner
        return ""

    def _macro(self) -> str:
        self.i += 1  # the backslash
        match = re.compile(r"[A-Za-z]+").match(self.s, self.i)
        if match:
            name = match.group(0)
            self.i = match.end()
        elif self.i < len(self.s):
            name = self.s[self.i]
            self.i += 1
            return SYMBOLS.get(name, name)
        else:
            return ""
        if name in ("frac", "tfrac", "dfrac"):
            top, bottom = self._argument(), self._argument()
            return f"{_wrap(top)}/{_wrap(bottom)}"
        if name == "sqrt":
            degree = self._optional()
            body = self._argument()
            root = {"3": "∛", "4": "∜"}.get(degree, "√")
            return f"{root}{_wrap(body) if len(body) > 1 else body}"
        if name in SPECIAL:
            arg = self._argument()
            return "".join(SPECIAL[name].get(c, c) for c in arg)
        if name in FONTS:
            return self._argument()
        if name in ACCENTS:
            arg = self._argument()
            return arg + ACCENTS[name] if len(arg) == 1 else f"{name}({arg})"
        if name in ("begin", "end"):
            self._argument()
            return ""
        if name in DROP:
            return ""
        if name in WORD_OPERATORS:
            return name + " "
        return _symbol(name)


def _wrap(text: str) -> str:
    """Parenthesise a fraction part unless it is a single term."""
    text = text.strip()
    if re.fullmatch(r"[\w.·ᵀ⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₜₙ\u0302\u0304\u0303\u20d7\u0307]+", text) or (
        text.startswith("(") and text.endswith(")") and text.count("(") == 1
    ):
        return text
    return f"({text})"


def _script(text: str, superscript: bool) -> str:
    table = SUPERSCRIPT if superscript else SUBSCRIPT
    text = text.strip()
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    mark = "^" if superscript else "_"
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


@lru_cache(maxsize=4096)
def latex_to_unicode(source: str) -> str:
    """One math expression (without dollars) as plain Unicode text."""
    try:
        text = _Reader(source.replace("\\\\", " ; ")).parse()
    except Exception:  # unparseable math is shown as written rather than crashing
        return source
    text = re.sub(r"\b(" + "|".join(WORD_OPERATORS) + r") ([(\[])", r"\1\2", text)
    # precomposed letters (ŷ rather than y + U+0302) draw in one cell in every terminal
    return unicodedata.normalize("NFC", re.sub(r"[ \t]{2,}", " ", text).strip())


DISPLAY_RE = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE_RE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\d)")
CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _render_prose(text: str) -> str:
    def display(match: re.Match[str]) -> str:
        return "\n\n> " + latex_to_unicode(match.group(1).strip()) + "\n\n"

    def inline(match: re.Match[str]) -> str:
        return latex_to_unicode(match.group(1))

    text = DISPLAY_RE.sub(display, text)
    parts = CODE_SPAN_RE.split(text)
    # split() interleaves: text, fence, code, text, ...; convert only the text parts
    out: list[str] = []
    index = 0
    while index < len(parts):
        out.append(INLINE_RE.sub(inline, parts[index]))
        if index + 2 < len(parts):
            out.append(parts[index + 1] + parts[index + 2] + parts[index + 1])
        index += 3
    return "".join(out)


def render_math(markdown: str) -> str:
    """Replace $...$ and $$...$$ in markdown with Unicode, outside code."""
    chunks: list[tuple[bool, list[str]]] = []  # (is_code, lines)
    fence: str | None = None
    for line in markdown.split("\n"):
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)
            chunks.append((True, [line]))
            continue
        if fence is not None:
            chunks[-1][1].append(line)
            if line.strip().startswith(fence[0] * len(fence)) and set(line.strip()) == {fence[0]}:
                fence = None
            continue
        if chunks and not chunks[-1][0]:
            chunks[-1][1].append(line)
        else:
            chunks.append((False, [line]))
    rendered = ["\n".join(lines) if is_code else _render_prose("\n".join(lines)) for is_code, lines in chunks]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(rendered))
