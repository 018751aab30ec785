#!/usr/bin/env bash
# The packages as a volunteer gets them: builds the .deb and .rpm
# (scripts/package.sh), looks inside the .deb (both binaries, the menu
# entry, the icons, the runtime dependencies, no paths of the machine that
# built it, no private keys), installs it on this machine, runs the
# real-app end-to-end suite against the installed /usr/bin binaries rather
# than the build tree, checks `quietline --version` from the PATH, and
# removes the package again. This is the one run of the end-to-end suite
# in scripts/test.sh: the installed binaries are the ones that were built.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-toolchain.sh
ensure_debs rpm

started=$(date +%s)
mapfile -t packages < <(bash scripts/package.sh)
deb=$(printf '%s\n' "${packages[@]}" | grep '\.deb$')
rpm_file=$(printf '%s\n' "${packages[@]}" | grep '\.rpm$')
echo "Packages built in $(($(date +%s) - started)) s: $deb $rpm_file" >&2

fail() {
  echo "package check failed: $*" >&2
  exit 1
}

name=$(dpkg-deb --field "$deb" Package)
version=$(dpkg-deb --field "$deb" Version)
crate_version=$(cargo metadata --format-version 1 --no-deps |
  sed -E 's/.*"name":"quietline","version":"([^"]*)".*/\1/')
[ "$version" = "$crate_version" ] || fail "the .deb is version $version, the crate $crate_version"
depends=$(dpkg-deb --field "$deb" Depends)
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  grep -qw -- "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
! grep -q -- '-dev' <<<"$depends" || fail "Depends names a -dev package: $depends"

contents=$(dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./||')
for path in usr/bin/quietline usr/bin/quietline-desktop usr/share/applications/Quietline.desktop \
  usr/share/icons/hicolor/32x32/apps/quietline-desktop.png \
  usr/share/icons/hicolor/128x128/apps/quietline-desktop.png; do
  grep -qx -- "$path" <<<"$contents" || fail "$path is missing from the .deb"
done

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb --extract "$deb" "$unpacked"
desktop="$unpacked/usr/share/applications/Quietline.desktop"
grep -qx 'Name=Quietline' "$desktop" || fail "the menu entry is not named Quietline"
grep -qx 'Exec=quietline-desktop' "$desktop" || fail "the menu entry does not start the app"
grep -q '^Comment=.' "$desktop" || fail "the menu entry has no comment"
grep -q '^Categories=.' "$desktop" || fail "the menu entry has no category"
grep -q '^Icon=.' "$desktop" || fail "the menu entry has no icon"
# Nothing from the machine that built it: its home, this checkout, the
# target directory. Nor anything that looks like a private key.
target_dir=$(cargo_target_dir)
for leak in "$HOME/" "$PWD/" "$target_dir/"; do
  if grep -rlF -- "$leak" "$unpacked" >&2; then fail "the files above hold the build path $leak"; fi
done
# Private keys as their files hold them: a Tauri update key (as text or
# base64), an age identity, a PEM private key. The libraries' own marker
# strings alone do not match.
if grep -rlaE -- 'rsign encrypted secret key|dW50cnVzdGVkIGNvbW1lbnQ6IHJzaWdu|AGE-SECRET-KEY-1[0-9A-Z]{58}' "$unpacked" >&2 ||
  grep -rlaPz -- '-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[A-Za-z0-9+/]{40}' "$unpacked" >&2; then
  fail "the files above look like they hold a private key"
fi
rpm -qlp "$rpm_file" | grep -qx /usr/bin/quietline || fail "/usr/bin/quietline is missing from the .rpm"
rpm -qp --requires "$rpm_file" | grep -q webkit2gtk4.1 || fail "the .rpm does not require webkit2gtk4.1"
echo "The .deb and .rpm hold what they should" >&2

# Install it as a volunteer would. A Quietline installed some other way is
# left alone: this test must not replace someone's real app.
if dpkg -s "$name" >/dev/null 2>&1; then
  fail "$name is already installed on this machine; remove it first (sudo apt remove $name)"
fi
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$(realpath "$deb")" >&2
trap 'as_root dpkg -r "$name" >&2 || true; rm -rf "$unpacked"' EXIT

[ "$(command -v quietline)" = /usr/bin/quietline ] || fail "quietline is not on the PATH from /usr/bin"
quietline --version | grep -qx "quietline $version" || fail "quietline --version says $(quietline --version)"

QUIETLINE_APP_BIN=/usr/bin/quietline-desktop QUIETLINE_CLI_BIN=/usr/bin/quietline bash scripts/e2e.sh

as_root dpkg -r "$name" >&2
trap 'rm -rf "$unpacked"' EXIT
hash -r
! command -v quietline >/dev/null 2>&1 || fail "quietline is still on the PATH after removing $name"
echo "Installed, tested and removed $name $version" >&2
