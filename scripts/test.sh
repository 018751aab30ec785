#!/usr/bin/env bash
# Sets up everything the tests need, then runs every check and test:
# formatting, clippy with warnings as errors, the library's unit and
# end-to-end tests, the generated TypeScript types, the benchmark's smoke
# run, the fuzz crate's build, the front end's formatting, lint and type
# check, unit and browser tests, the module graph, and the real app end to
# end under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-toolchain.sh
. scripts/ensure-desktop-deps.sh
# Chromium runs the browser tests and prints the HTML report, which the
# report test reads back with poppler's pdftotext and pdfinfo.
ensure_debs chromium fonts-liberation poppler-utils

echo "== cargo fmt --check" >&2
cargo fmt --all --check
echo "== cargo clippy (library and CLI)" >&2
cargo clippy --all-targets --locked -- -D warnings
echo "== the fuzz crate still compiles (fuzzing itself needs nightly: docs/fuzzing.md)" >&2
cargo check --locked --manifest-path fuzz/Cargo.toml --bins
echo "== benchmark smoke run (small; every variant must count the same)" >&2
cargo bench --locked --bench vault -- --calls 3000 --runs 1 --log-samples 20 --coordinator 2x500
echo "== cargo test (also regenerates the app's TypeScript types)" >&2
cargo test --lib --bins --tests --locked
echo "== the committed TypeScript types match the Rust types" >&2
stale=$(git status --porcelain -- ui/src/lib/bindings ui/src/lib/testing/*.json)
if [ -n "$stale" ]; then
  echo "The generated IPC types are out of date; run cargo test and commit:" >&2
  echo "$stale" >&2
  git --no-pager diff --stat -- ui/src/lib/bindings ui/src/lib/testing >&2
  exit 1
fi

echo "== front end: Prettier, eslint, svelte-check, unit tests, browser tests (chromium, IPC mocked)" >&2
npm --prefix ui run lint
npm --prefix ui run check
npm --prefix ui test
npm --prefix ui run test:browser

echo "== the packages: build the .deb and .rpm, inspect, install, the real app end to end (tauri-driver, Xvfb) against the installed binaries, remove" >&2
bash scripts/test-package.sh

# In release mode so that build scripts and proc macros compiled for the
# app above are reused.
echo "== desktop shell: clippy and its tests" >&2
cargo clippy --release --locked -p quietline-desktop --features custom-protocol --all-targets -- -D warnings
cargo test --release --locked -p quietline-desktop --features custom-protocol
