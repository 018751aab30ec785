#!/usr/bin/env bash
# The real app end to end: builds the front end and the release app with
# the custom protocol, then drives it with tauri-driver under Xvfb.
# Screenshots of each screen go to $QUIETLINE_SCREENSHOTS if it is set.
# With QUIETLINE_APP_BIN and QUIETLINE_CLI_BIN both set it builds nothing
# and drives those binaries instead (scripts/test-package.sh points them at
# the installed package).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-toolchain.sh
. scripts/ensure-desktop-deps.sh
ensure_debs xvfb xauth webkit2gtk-driver

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "Installing tauri-driver" >&2
  cargo install tauri-driver --locked
fi

if [ -z "${QUIETLINE_APP_BIN:-}" ] || [ -z "${QUIETLINE_CLI_BIN:-}" ]; then
  npm --prefix ui run build >&2
  cargo build --release --locked -p quietline -p quietline-desktop --features quietline-desktop/custom-protocol >&2
  target_dir=$(cargo_target_dir)
  export QUIETLINE_APP_BIN="$target_dir/release/quietline-desktop"
  export QUIETLINE_CLI_BIN="$target_dir/release/quietline"
fi
echo "Driving $QUIETLINE_APP_BIN and $QUIETLINE_CLI_BIN" >&2

xvfb-run -a node --test --test-concurrency=1 ui/tests/e2e/
