#!/usr/bin/env bash
# Set up plankb in .venv at the repo root.  Idempotent; safe to rerun.
#   bash scripts/setup.sh          runtime only
#   bash scripts/setup.sh --dev    + test tools and Debian chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# CPU torch first and alone: the local 2.13.0 file, not a CUDA build.
.venv/bin/python -c "import torch" 2>/dev/null || .venv/bin/python -m pip install -q torch==2.13.0
# Legacy Word (.doc) files are read with Debian's antiword (extract/loaders_doc.py).
if ! command -v antiword >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq antiword >/dev/null) \
      || echo "warning: could not install antiword; .doc files cannot be read" >&2
  else
    echo "warning: antiword not found (apt-get install antiword); .doc files cannot be read" >&2
  fi
fi
if [ "${1:-}" = "--dev" ]; then
  # dev includes the OCR extra, so the OCR tests run in CI.
  .venv/bin/python -m pip install -q -e '.[dev]'
  # tests/fixtures_make.py builds Chinese PDFs with fpdf2: it needs a CJK font fontconfig can list.
  if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; }; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fontconfig fonts-wqy-zenhei >/dev/null) \
        || echo "warning: could not install fonts-wqy-zenhei; PDF loader tests will be skipped" >&2
    else
      echo "warning: no CJK font (fc-list :lang=zh); PDF loader tests will be skipped" >&2
    fi
  fi
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
        || echo "warning: could not install chromium; browser tests will be skipped" >&2
    else
      echo "warning: chromium not found; browser tests will be skipped" >&2
    fi
  fi
else
  .venv/bin/python -m pip install -q -e .
fi
