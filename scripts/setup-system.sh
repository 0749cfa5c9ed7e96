#!/usr/bin/env bash
# Installs the system parts vecpods' local stack needs: PostgreSQL 15 with its server headers,
# pgvector (>= 0.8), with --browser Debian's Chromium for the real-browser tests, and with --bench
# the neutral load generators the benchmarks use (wrk; pgbench comes with PostgreSQL) and
# stress-ng, the CPU hog `pnpm test:busy` runs the timing-sensitive suites beside.
# Idempotent: every step checks first and returns at once when it is already done.
set -euo pipefail

PG_MAJOR="${VECPODS_PG_MAJOR:-15}"
PGVECTOR_MIN="0.8.0"
want_browser=0
want_bench=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --bench) want_bench=1 ;;
    -h|--help) echo "usage: setup-system.sh [--browser] [--bench]"; exit 0 ;;
    *) echo "setup-system: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

say() { printf '  %-10s %s\n' "$1" "$2"; }
die() { printf 'setup-system: %s\n' "$1" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
fi
need_root() {
  [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ] || die "$1 needs root. Run 'sudo bash scripts/setup-system.sh' once, or install it yourself: $2"
}

apt_updated=0
apt_install() {
  need_root "installing $*" "apt-get install $*"
  if [ "$apt_updated" -eq 0 ]; then $SUDO apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin="/usr/lib/postgresql/$PG_MAJOR/bin"

# 1. PostgreSQL server
if [ -x "$pg_bin/postgres" ]; then
  say postgres "PostgreSQL $PG_MAJOR present ($("$pg_bin/postgres" --version | awk '{print $3}'))"
else
  say postgres "installing postgresql-$PG_MAJOR"
  apt_install "postgresql-$PG_MAJOR" "postgresql-contrib"
fi
server_version=$(dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR" 2>/dev/null || true)

# 2. pgvector
sharedir=$("$pg_bin/pg_config" --sharedir)
installed_vector() {
  [ -f "$sharedir/extension/vector.control" ] || return 1
  sed -n "s/^default_version = '\(.*\)'/\1/p" "$sharedir/extension/vector.control"
}
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

have=$(installed_vector || true)
if [ -n "$have" ] && version_ge "$have" "$PGVECTOR_MIN"; then
  say pgvector "pgvector $have present"
else
  need_root "installing pgvector" "see docs/architecture.md and the README, or build pgvector 0.8+ from source against postgresql-server-dev-$PG_MAJOR"
  if [ "$apt_updated" -eq 0 ]; then $SUDO apt-get update -qq >/dev/null; apt_updated=1; fi
  candidate=$(apt-cache policy "postgresql-$PG_MAJOR-pgvector" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && version_ge "${candidate%%-*}" "$PGVECTOR_MIN"; then
    say pgvector "installing postgresql-$PG_MAJOR-pgvector $candidate"
    apt_install "postgresql-$PG_MAJOR-pgvector"
  else
    say pgvector "building from Debian trixie's source package (bookworm has no binary)"
    # Server headers matching the installed server exactly, when that version is still served.
    if ! dpkg -s "postgresql-server-dev-$PG_MAJOR" >/dev/null 2>&1; then
      apt_install "postgresql-server-dev-$PG_MAJOR=$server_version" 2>/dev/null \
        || apt_install "postgresql-server-dev-$PG_MAJOR"
    fi
    command -v make >/dev/null && command -v gcc >/dev/null || apt_install build-essential
    command -v dpkg-source >/dev/null || apt_install dpkg-dev
    # A private apt configuration: its own source list and lists directory, so the system's
    # sources are never touched. The mirror is the one this machine already uses.
    mirror=$(grep -rhoE '^(URIs:|deb)[[:space:]]+[a-z]+://[^[:space:]]+/debian/?([[:space:]]|$)' \
               /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
             | awk '{print $2}' | grep -v security | head -n1 || true)
    [ -n "$mirror" ] || die "cannot find the Debian mirror in /etc/apt/sources.list*; install pgvector >= $PGVECTOR_MIN by hand"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/src"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$work/sources.list"
    aptopts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
             -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives"
             -o "APT::Sandbox::User=root")
    apt-get "${aptopts[@]}" update -qq >/dev/null || die "cannot read trixie's source index from $mirror"
    (cd "$work/src" && apt-get "${aptopts[@]}" source -qq --download-only pgvector >/dev/null) \
      || die "apt-get source pgvector failed"
    (cd "$work/src" && dpkg-source -x --no-check ./*.dsc build >/dev/null)
    make -s -C "$work/src/build" PG_CONFIG="$pg_bin/pg_config" OPTFLAGS="" >/dev/null 2>&1 \
      || die "building pgvector failed; rerun 'make -C $work/src/build OPTFLAGS=' to see why"
    $SUDO make -s -C "$work/src/build" PG_CONFIG="$pg_bin/pg_config" OPTFLAGS="" install >/dev/null
    have=$(installed_vector || true)
    version_ge "${have:-0}" "$PGVECTOR_MIN" || die "pgvector install finished but vector.control says '${have:-missing}'"
    say pgvector "pgvector $have built and installed"
  fi
fi

# 3. Chromium for the browser tests (optional)
if [ "$want_browser" -eq 1 ]; then
  if [ -x /usr/bin/chromium ]; then
    say chromium "$(/usr/bin/chromium --version 2>/dev/null | head -n1)"
  else
    say chromium "installing Debian chromium"
    apt_install chromium fonts-liberation
  fi
fi

# 4. Neutral load generators for the benchmarks (optional)
if [ "$want_bench" -eq 1 ]; then
  if command -v wrk >/dev/null 2>&1; then
    say wrk "$(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}')"
  else
    say wrk "installing Debian wrk"
    apt_install wrk
  fi
  if command -v stress-ng >/dev/null 2>&1; then
    say stress-ng "$(stress-ng --version 2>&1 | head -n1 | awk '{print $1, $3}')"
  else
    say stress-ng "installing Debian stress-ng"
    apt_install stress-ng
  fi
  command -v pgbench >/dev/null 2>&1 && say pgbench "$(pgbench --version)" || die "pgbench not found (it ships with PostgreSQL's packages)"
fi
