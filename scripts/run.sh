#!/usr/bin/env bash
# Builds and opens the Quietline desktop app. With arguments, runs the
# `quietline` CLI with them instead (e.g. `scripts/run.sh init`).
# QUIETLINE_STORE chooses the store directory, as for the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-toolchain.sh

if [ $# -gt 0 ]; then
  cargo build --release --locked -p quietline >&2
  exec "$(cargo_target_dir)/release/quietline" "$@"
fi

. scripts/ensure-desktop-deps.sh
npm --prefix ui run build >&2
cargo build --release --locked -p quietline-desktop --features custom-protocol >&2
exec "$(cargo_target_dir)/release/quietline-desktop"
