#!/usr/bin/env bash
# Make .venv and install quizapp into it (editable), with the test tools when given --test.
# torch: ask first for 2.13.0, which this project's build machines carry as a local CPU wheel
# (seconds, no download); where that is not to be had, the range in pyproject.toml decides.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    "${pip[@]}" "torch==${QUIZAPP_TORCH_VERSION:-2.13.0}" \
        || echo "install: torch ${QUIZAPP_TORCH_VERSION:-2.13.0} is not available here; using pyproject's range" >&2
fi
"${pip[@]}" -e ".${extra}"
