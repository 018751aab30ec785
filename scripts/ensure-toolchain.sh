#!/usr/bin/env bash
# Makes sure a Rust toolchain new enough for this project (edition 2024,
# Rust 1.85+), rustfmt, clippy and a C compiler (for the bundled SQLite) are
# present. Installs only what is missing. Sourced by the other scripts.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the given Debian packages, skipping those already installed so a
# warm machine never touches apt.
ensure_debs() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

ensure_debs build-essential pkg-config curl ca-certificates

[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

rust_is_recent() {
  command -v cargo >/dev/null 2>&1 || return 1
  local minor
  minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
  [ "$minor" -ge 85 ]
}

if ! rust_is_recent; then
  if command -v rustup >/dev/null 2>&1; then
    rustup toolchain install stable --profile minimal --component rustfmt,clippy
    rustup default stable
  else
    echo "Installing Rust with rustup (distribution packages are too old for this project)" >&2
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
    . "$HOME/.cargo/env"
  fi
fi

if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || rustup component add "$component"
  done
fi

# Where cargo puts binaries: CARGO_TARGET_DIR if set (CI sets it), else target/.
cargo_target_dir() {
  cargo metadata --format-version 1 --no-deps | sed -E 's/.*"target_directory":"([^"]*)".*/\1/'
}

# The release binaries are shipped (scripts/package.sh), so they must not
# name paths of the machine that built them (cargo's registry under the
# home folder, the target directory) in their panic locations: every
# script's build maps those to /cargo and /target. All the scripts use the
# same flags, so they share one build; a `cargo` command typed by hand
# without them rebuilds (and the next script run rebuilds again).
quietline_cargo_home="${CARGO_HOME:-$HOME/.cargo}"
case " ${RUSTFLAGS:-} " in
  *" --remap-path-prefix=$quietline_cargo_home=/cargo "*) ;;
  *)
    RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--remap-path-prefix=$quietline_cargo_home=/cargo"
    RUSTFLAGS="$RUSTFLAGS --remap-path-prefix=${CARGO_TARGET_DIR:-$PWD/target}=/target"
    export RUSTFLAGS
    ;;
esac
