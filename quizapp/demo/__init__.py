"""Running demo programs as child processes and reading their protocol (no torch here)."""
