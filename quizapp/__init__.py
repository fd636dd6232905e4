"""quizapp: deep-learning interview prep as spaced-repetition flashcards in the terminal."""

__version__ = "0.1.0"
