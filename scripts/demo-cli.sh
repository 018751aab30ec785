#!/usr/bin/env bash
# Builds the `quietline` CLI and shows what it does on a throwaway store of
# synthetic calls, so nothing real is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-toolchain.sh

cargo build --release --locked -p quietline >&2
# CARGO_TARGET_DIR (or a config) may put the build elsewhere than target/.
bin="$(cargo_target_dir)/release/quietline"

demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
export QUIETLINE_STORE="$demo/store" QUIETLINE_PASSPHRASE="demo passphrase, not for real use"
echo "Demo store in $QUIETLINE_STORE (deleted on exit); synthetic calls only." >&2
"$bin" init >/dev/null
"$bin" synth --calls 5000 --from-year 2021 --years 4 > "$demo/calls.csv"
"$bin" import "$demo/calls.csv"
"$bin" log --at 2024-09-02T09:30:00+01:00 --minutes 25 --role headteacher --setting primary \
  --region north_west --theme inspection.ofsted wellbeing.workload --risk low \
  --notes "Synthetic demo call" >/dev/null
"$bin" list --year 2024 --academic | head -5
echo >&2
"$bin" report --year 2023 --academic
echo >&2
echo "Run scripts/run.sh --help for every CLI command; scripts/run.sh init creates your own store." >&2
