#!/usr/bin/env bash
# The desktop app's build dependencies: WebKitGTK and friends from Debian,
# and the front end's npm packages from the committed lockfile. Sourced
# after ensure-toolchain.sh (which defines ensure_debs).
ensure_debs libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev \
  libxdo-dev libssl-dev
command -v node >/dev/null 2>&1 || ensure_debs nodejs npm

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  local major minor
  major=$(node -p 'process.versions.node.split(".")[0]')
  minor=$(node -p 'process.versions.node.split(".")[1]')
  [ "$major" -gt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; }
}
if ! node_is_recent; then
  echo "Node.js 20.19 or newer is needed for the front end (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "Install it from https://nodejs.org or your distribution's backports, then run this again." >&2
  exit 1
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi
