#!/usr/bin/env bash
# Builds the Linux packages volunteers install: a .deb (Debian 12, Ubuntu
# 22.04 and later) and an .rpm (Fedora), each holding the desktop app with
# its menu entry and the `quietline` CLI in /usr/bin. Offline: the Tauri
# bundler from the front end's npm packages, over the same release build
# the end-to-end test makes (`scripts/e2e.sh`), so after that test only the
# bundling itself is left to do. AppImage, Windows and macOS are built by
# the release workflow (.github/workflows/release.yml), not here.
#
# Prints the path of each package on standard output, one a line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-toolchain.sh
. scripts/ensure-desktop-deps.sh

# The same front end and the same cargo command as scripts/e2e.sh: when
# that has just run, both are already up to date and cost nothing.
npm --prefix ui run build >&2
cargo build --release --locked -p quietline -p quietline-desktop --features quietline-desktop/custom-protocol >&2
target_dir=$(cargo_target_dir)
cli="$target_dir/release/quietline"

# tauri.conf.json maps /usr/bin/quietline to the workspace's own target/
# (the release workflow's layout); here the binaries may live elsewhere
# (CARGO_TARGET_DIR), so point the packages at the CLI that was just built.
# `tauri bundle` packages the app already built, without compiling it again.
overlay=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/quietline":"%s"}},"rpm":{"files":{"/usr/bin/quietline":"%s"}}}}}' "$cli" "$cli")
bundle_dir="$target_dir/release/bundle"
rm -rf "$bundle_dir/deb" "$bundle_dir/rpm"
ui/node_modules/.bin/tauri bundle --ci --bundles deb,rpm --features custom-protocol --config "$overlay" >&2

ls "$bundle_dir"/deb/*.deb "$bundle_dir"/rpm/*.rpm
