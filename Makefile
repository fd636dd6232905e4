# The two commands in the README: `make run` and `make test`.
.PHONY: run test bench

run:
	@bash scripts/install.sh
	.venv/bin/quizapp

test:
	@bash scripts/install.sh --test
	.venv/bin/python -m pytest -q

bench:
	@bash scripts/install.sh
	.venv/bin/python bench/run_all.py
