#!/usr/bin/env bash
# Sets up everything the tests need, then runs every check and test:
# formatting, clippy with warnings as errors, unit and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-toolchain.sh
# The HTML report test prints it with headless Chromium and reads the PDF
# back with poppler's pdftotext and pdfinfo.
ensure_debs chromium fonts-liberation poppler-utils

echo "== cargo fmt --check" >&2
cargo fmt --all --check
echo "== cargo clippy --all-targets -- -D warnings" >&2
cargo clippy --all-targets --locked -- -D warnings
echo "== benchmark smoke run (small; every variant must count the same)" >&2
cargo bench --locked --bench vault -- --calls 3000 --runs 1 --log-samples 20
echo "== cargo test" >&2
cargo test --lib --bins --tests --locked
