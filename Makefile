# The two commands in the README: `make run` and `make test`.
# `make run ARGS="study --all"` passes arguments to quizapp.
.PHONY: run test bench

ARGS ?=

run:
	@bash scripts/install.sh
	.venv/bin/quizapp $(ARGS)

test:
	@bash scripts/install.sh --test
	.venv/bin/python -m pytest -q

bench:
	@bash scripts/install.sh
	.venv/bin/python bench/run_all.py
