"""Which key points a typed answer covers: a simple matcher whose every tick can be explained.

A key point is reduced to its key terms: its words, lower-cased, without punctuation and
stop-words. A phrase listed in the card's `synonyms` that occurs in the point counts as one
term, met by the phrase itself or by any of its synonyms. A word of the answer matches a word
of a term when their Snowball stems are equal (explains / explained / explanation) or, for
words of five letters or more, when they are within a typo of each other (rapidfuzz ratio).
A point counts as covered when at least half of its key terms (at least one) are in the answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

WORD_RE = re.compile(r"[^\W_]+(?:_[^\W_]+)*", re.UNICODE)  # fan_in stays one word
FUZZY_MIN_LEN = 5  # shorter words differ by a letter too often to be the same word (ReLU vs GeLU)
FUZZY_CUTOFF = 85.0  # rapidfuzz ratio: one typo in a 7-letter word is ~86
COVERED_SHARE = 0.5

# Common English function words: they carry no technical meaning, so matching them proves nothing.
STOP_WORDS = frozenset("""
a about above after again against all also an and any are as at be because been before being below
between both but by can could did do does doing down during each either else etc even ever every few
for from further get gets got had has have having he her here hers him his how however i if in into is
it its itself just less let like made make makes many may me might more most much must my near need
needs no nor not now of off often on once one only or other our out over own per rather same say
says she should so some such than that the their them then there these they this those through thus
to too two under until up upon us use used uses using usually very via was we well were what when
where whether which while who whom why will with within without would yet you your
""".split())


@dataclass(frozen=True)
class Term:
    """One key term of a point: its words, and alternatives (from the card's synonyms) that also count."""

    text: str
    words: tuple[str, ...]
    alternatives: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (phrase as written, its words)


@dataclass(frozen=True)
class TermMatch:
    term: str
    via: str | None  # the answer's words that matched it ("identical units"), None when not found


@dataclass(frozen=True)
class PointMatch:
    """The matcher's verdict on one key point, with the evidence."""

    point: str
    terms: tuple[TermMatch, ...]
    needed: int  # how many terms must be found for the point to count

    @property
    def matched(self) -> tuple[TermMatch, ...]:
        return tuple(t for t in self.terms if t.via is not None)

    @property
    def covered(self) -> bool:
        return bool(self.terms) and len(self.matched) >= self.needed

    def explain(self) -> str:
        """'matched ddp, all-reduce (as "allreduce") · 2 of 3 terms'."""
        if not self.terms:
            return "no key terms to look for"
        found = [t.term if t.via == t.term.lower() else f'{t.term} (as "{t.via}")' for t in self.matched]
        head = f"matched {', '.join(found)}" if found else "no key term found"
        return f"{head} · {len(found)} of {len(self.terms)} terms, {self.needed} needed"


def words(text: str) -> list[str]:
    """Lower-case words without punctuation ('n-dimensional' -> 'n', 'dimensional')."""
    return WORD_RE.findall(text.lower())


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _keys(word: str) -> tuple[str, ...]:
    """The stem, and for a plural Snowball leaves alone (ReLUs, GPUs) the stem without its s."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return (stem(word), stem(word[:-1]))
    return (stem(word),)


def _contains(sequence: Sequence[str], part: Sequence[str]) -> int:
    """Where `part` starts as a run inside `sequence` (by stems), or -1."""
    n = len(part)
    stems = [stem(w) for w in sequence]
    wanted = [stem(w) for w in part]
    for start in range(len(sequence) - n + 1):
        if stems[start:start + n] == wanted:
            return start
    return -1


def key_terms(point: str, synonyms: Mapping[str, Sequence[str]] | None = None) -> list[Term]:
    """The terms to look for in an answer: synonym phrases found in the point first, then its other words."""
    tokens = words(point)
    taken = [False] * len(tokens)
    terms: list[Term] = []
    for phrase, alternatives in (synonyms or {}).items():
        phrase_words = words(phrase)
        if not phrase_words:
            continue
        start = _contains(tokens, phrase_words)
        if start < 0 or any(taken[start:start + len(phrase_words)]):
            continue
        for i in range(start, start + len(phrase_words)):
            taken[i] = True
        alts = tuple((alt, tuple(content_words(alt) or words(alt))) for alt in alternatives if words(alt))
        terms.append(Term(phrase, tuple(content_words(phrase) or phrase_words), alts))
    seen: set[str] = set()
    for token, used in zip(tokens, taken):
        if used or token in STOP_WORDS or (len(token) < 2 and not token.isdigit()):
            continue
        key = stem(token)
        if key in seen or any(key in {stem(w) for w in t.words} for t in terms):
            continue
        seen.add(key)
        terms.append(Term(token, (token,)))
    return terms


class Answer:
    """A typed answer, indexed once for matching many terms."""

    def __init__(self, text: str) -> None:
        self.words = words(text)
        self.stems: dict[str, str] = {}
        for w in self.words:
            for key in _keys(w):
                self.stems.setdefault(key, w)
        self.long_words = sorted({w for w in self.words if len(w) >= FUZZY_MIN_LEN})

    def find_word(self, word: str) -> str | None:
        """The answer's word that matches `word` (same stem, or a typo away), or None."""
        for key in _keys(word):
            hit = self.stems.get(key)
            if hit is not None:
                return hit
        if len(word) >= FUZZY_MIN_LEN and self.long_words:
            from rapidfuzz import fuzz, process

            best = process.extractOne(word, self.long_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None:
                return best[0]
        return None

    def find_phrase(self, phrase_words: Sequence[str]) -> str | None:
        """All of a phrase's words present (in any order): the answer's words that matched, else None."""
        found = [self.find_word(w) for w in phrase_words]
        if not found or any(f is None for f in found):
            return None
        return " ".join(found)  # type: ignore[arg-type]


def match_point(answer: Answer | str, point: str,
                synonyms: Mapping[str, Sequence[str]] | None = None) -> PointMatch:
    answer = answer if isinstance(answer, Answer) else Answer(answer)
    results: list[TermMatch] = []
    terms = key_terms(point, synonyms)
    for term in terms:
        via = answer.find_phrase(term.words)
        if via is None:
            for written, alt_words in term.alternatives:
                if answer.find_phrase(alt_words) is not None:
                    via = written
                    break
        results.append(TermMatch(term.text, via))
    needed = max(1, math.ceil(COVERED_SHARE * len(terms)))
    return PointMatch(point, tuple(results), needed)


def match_points(answer_text: str, points: Iterable[str],
                 synonyms: Mapping[str, Sequence[str]] | None = None) -> list[PointMatch]:
    """The verdict on every key point of a card for one answer (an empty answer covers nothing)."""
    answer = Answer(answer_text)
    return [match_point(answer, point, synonyms) for point in points]
