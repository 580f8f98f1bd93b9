#!/usr/bin/env bash
# Sets weir up on a Debian/Ubuntu machine: the system packages it builds against or tests
# with, then the npm dependencies and the build (npm ci runs `prepare`, which builds the
# native Hyperscan binding and the TypeScript). Safe to run again: apt skips what is
# installed, npm ci starts node_modules afresh. Runs as root, or through sudo when not root.
#
#   bash scripts/setup.sh && npx weir serve     # start weir with its built-in signatures
#   bash scripts/setup.sh && npm test           # run the full test suite
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# libvectorscan-dev: the Hyperscan-compatible matcher weir links (pkg-config name libhs).
# pkg-config, g++, make, python3: node-gyp's build of packages/hyperscan-js.
# sqlmap: the end-to-end test attacks weir proxy with it.
# prometheus: promtool checks deploy/prometheus and lints weir's /metrics; the dashboard test
#   runs the prometheus server against a live weir.
# libmodsecurity-dev, modsecurity-crs, python3-yaml: `npm run bench` compares weir with
#   ModSecurity v3 + OWASP CRS on the same requests (bench/modsec/).
APT_PACKAGES=(libvectorscan-dev pkg-config g++ make python3 sqlmap prometheus
  libmodsecurity-dev modsecurity-crs python3-yaml)
NODE_MIN=20.12.0

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- Node.js and npm: installed by the user (see README); checked, not installed, here.
command -v node >/dev/null || die "node is not installed; install Node.js >= ${NODE_MIN} (see .nvmrc), then run this again"
command -v npm >/dev/null || die "npm is not installed; it comes with Node.js >= ${NODE_MIN}"
node -e "
  const [a, b, c] = process.versions.node.split('.').map(Number);
  const [x, y, z] = '${NODE_MIN}'.split('.').map(Number);
  process.exit(a !== x ? (a > x ? 0 : 1) : b !== y ? (b > y ? 0 : 1) : c >= z ? 0 : 1);
" || die "node $(node --version) is too old; weir needs Node.js >= ${NODE_MIN} (see .nvmrc)"

# --- System packages, only when one is missing (so a set-up machine needs no root).
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install them by hand"
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    die "missing ${missing[*]}: run this script as root, or install sudo"
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian's prometheus package enables a Prometheus service on :9090 where systemd runs; weir
# only needs its binaries (the tests start their own server on loopback), so a service this
# script just brought in is stopped and disabled again.
if [[ " ${missing[*]} " == *" prometheus "* ]] && [[ -d /run/systemd/system ]]; then
  "${as_root[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
pkg-config --exists libhs || die "pkg-config cannot find libhs after installing libvectorscan-dev"

# --- npm dependencies and the build. `npm ci` runs each workspace's `install` script (node-gyp
# builds packages/hyperscan-js against libhs) and then the root `prepare` script (npm run build).
say "installing npm dependencies and building (npm ci)"
npm ci --no-audit --no-fund

# --- `npx weir` in this folder runs the project's own bin: on its first use npm links the
# project into its npx cache and runs `prepare` once more. Doing that here checks that the
# built executable starts and keeps that build out of the first `npx weir serve`. CI never
# runs `npx weir`, so there the executable is only started directly (saving a build).
if [[ -n ${CI:-} ]]; then
  version=$(node dist/cli/main.js --version) || die "the built weir executable does not start"
else
  version=$(npx --yes weir --version) ||
    die "npx weir does not start (see above); if npm reports ENOENT under ~/.npm/_npx, an earlier failed build left that cache behind: remove ~/.npm/_npx and run this again"
fi
say "built ${version##*$'\n'}"
