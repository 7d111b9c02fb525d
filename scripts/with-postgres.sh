#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster (issue 12): initdb in a
# temporary directory, the server listening only on a Unix socket in that
# directory (no TCP port to collide with), one database `webfb` owned by the
# role `webfb`, DATABASE_URL exported to the command; the cluster is stopped
# and removed when the command ends — on success, failure or Ctrl-C.
#
# Usage: scripts/with-postgres.sh <command…>
#   e.g. scripts/with-postgres.sh npx jest -c jest.pg.config.js
# Env:   PG_BIN — the directory of initdb/pg_ctl (default: PATH, then the
#        newest /usr/lib/postgresql/*/bin, Debian's `postgresql` package).
#
# initdb refuses to run as root. As root the cluster belongs to the
# `postgres` system user (Debian's package creates it) and its commands run
# through runuser; the command itself still runs as root and connects through
# the socket. Other users run everything as themselves.
set -euo pipefail

[[ $# -gt 0 ]] || { echo "usage: $0 <command…>" >&2; exit 2; }

if [[ -z "${PG_BIN:-}" ]]; then
  if command -v initdb >/dev/null 2>&1; then
    PG_BIN="$(dirname "$(readlink -f "$(command -v initdb)")")"
  else
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
fi
[[ -x "${PG_BIN}/initdb" && -x "${PG_BIN}/pg_ctl" ]] || {
  echo "with-postgres: initdb/pg_ctl not found (install Debian's postgresql package, or set PG_BIN)" >&2
  exit 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/webfb-pg.XXXXXX")"
DATA="${WORK}/data"
as_owner() { "$@"; }
if [[ "$(id -u)" -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || { echo "with-postgres: running as root needs the 'postgres' user to own the cluster" >&2; exit 1; }
  chown postgres "${WORK}"
  as_owner() { runuser -u postgres -- "$@"; }
fi

STARTED=""
CHILD=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # -m immediate: the cluster is thrown away, so nothing needs a clean shutdown.
  if [[ -n "${STARTED}" ]]; then as_owner "${PG_BIN}/pg_ctl" -D "${DATA}" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "${WORK}"
  exit "${rc}"
}
# Ctrl-C or a CI timeout: end the command first (it runs in the background, so
# that this trap runs at once rather than after it), then the cleanup above.
on_signal() {
  if [[ -n "${CHILD}" ]]; then kill -TERM "${CHILD}" 2>/dev/null || true; wait "${CHILD}" 2>/dev/null || true; fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# --no-sync only skips initdb's own final fsync of the template files; the
# server below runs with fsync=on, so commits in the tests are durable ones.
as_owner "${PG_BIN}/initdb" -D "${DATA}" -A trust -U webfb -E UTF8 --locale=C --no-sync >"${WORK}/initdb.log" 2>&1 || {
  cat "${WORK}/initdb.log" >&2
  exit 1
}
STARTED=1
as_owner "${PG_BIN}/pg_ctl" -D "${DATA}" -l "${WORK}/server.log" -w -t 30 \
  -o "-c listen_addresses='' -k ${WORK} -c fsync=on -c max_connections=200" start >/dev/null || {
  cat "${WORK}/server.log" >&2
  exit 1
}
as_owner "${PG_BIN}/createdb" -h "${WORK}" -U webfb webfb

export DATABASE_URL="postgres://webfb@/webfb?host=${WORK}"
# For tests that restart the server (fault tests) and for psql by hand.
export PG_BIN PGDATA="${DATA}" PGHOST="${WORK}" PGUSER=webfb PGDATABASE=webfb
export PG_CLUSTER_OWNER="$([[ "$(id -u)" -eq 0 ]] && echo postgres || id -un)"
echo "with-postgres: DATABASE_URL=${DATABASE_URL} ($("${PG_BIN}/postgres" --version))" >&2

# <&0: a background command would otherwise read from /dev/null.
"$@" <&0 &
CHILD=$!
wait "${CHILD}"
