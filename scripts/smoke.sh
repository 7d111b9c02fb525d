#!/usr/bin/env bash
# Smoke test of the built service (dist/): start `node dist/server.js` on a
# fresh temporary database with demo data, wait for /healthz on both listeners,
# check the login page, log in as the demo administrator, then send SIGTERM and
# require a clean exit 0 (graceful shutdown).
#
# Usage: npm run build && scripts/smoke.sh
# Env:   SMOKE_PORT (default 3900), SMOKE_STAFF_PORT (3901), SMOKE_TIMEOUT (seconds, 30)
# Needs only node (HTTP checks use Node's fetch, so curl is not required).
set -euo pipefail

cd "$(dirname "$0")/.."
PORT="${SMOKE_PORT:-3900}"
STAFF_PORT="${SMOKE_STAFF_PORT:-3901}"
TIMEOUT="${SMOKE_TIMEOUT:-30}"
BASE="http://127.0.0.1:${PORT}"
STAFF_BASE="http://127.0.0.1:${STAFF_PORT}"

[[ -f dist/server.js ]] || { echo "smoke: dist/server.js is missing; run npm run build first" >&2; exit 1; }

WORK="$(mktemp -d)"
LOG="${WORK}/server.log"
SERVER_PID=""
cleanup() {
  if [[ -n "${SERVER_PID}" ]] && kill -0 "${SERVER_PID}" 2>/dev/null; then kill -KILL "${SERVER_PID}" 2>/dev/null || true; fi
  rm -rf "${WORK}"
}
trap cleanup EXIT

fail() {
  echo "smoke: FAILED: $*" >&2
  echo "---- server log (${LOG}) ----" >&2
  cat "${LOG}" >&2 2>/dev/null || true
  echo "-----------------------------" >&2
  exit 1
}

# A port already taken would let another process answer our checks.
port_free() {
  node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close(()=>process.exit(0)))' "$1"
}
for p in "${PORT}" "${STAFF_PORT}"; do
  port_free "${p}" || { echo "smoke: port ${p} is in use; set SMOKE_PORT / SMOKE_STAFF_PORT" >&2; exit 1; }
done

echo "smoke: starting node dist/server.js (PORT=${PORT} STAFF_PORT=${STAFF_PORT} DEMO=1, database in ${WORK})"
env NODE_ENV=development DEMO=1 PORT="${PORT}" HOST=127.0.0.1 STAFF_PORT="${STAFF_PORT}" STAFF_HOST=127.0.0.1 \
  DATABASE_FILE="${WORK}/webfb.db" LOG_LEVEL=info \
  node dist/server.js >"${LOG}" 2>&1 &
SERVER_PID=$!

# GET url → prints "<status> <body>"; exits non-zero when nothing answers.
http_get() {
  node -e 'fetch(process.argv[1],{redirect:"manual"}).then(async r=>{process.stdout.write(r.status+" "+await r.text())}).catch(()=>process.exit(7))' "$1"
}

wait_healthy() {
  local url="$1/healthz" deadline=$((SECONDS + TIMEOUT)) out
  while ((SECONDS < deadline)); do
    kill -0 "${SERVER_PID}" 2>/dev/null || fail "the server exited during start-up"
    # 200 with "status":"ok" first (the body goes on with the outbox backlog, issue 14).
    if out="$(http_get "${url}")" && [[ "${out}" == '200 {"status":"ok"'* ]]; then
      echo "smoke: ok   GET ${url} → ${out}"
      return 0
    fi
    sleep 0.5
  done
  fail "no healthy answer from ${url} within ${TIMEOUT}s (last: ${out:-nothing})"
}
wait_healthy "${BASE}"
wait_healthy "${STAFF_BASE}"

page="$(http_get "${BASE}/login")" || fail "GET /login did not answer"
[[ "${page}" == 200\ * ]] || fail "GET /login answered ${page%% *}, expected 200"
[[ "${page}" == *ログイン* ]] || fail "GET /login does not contain ログイン"
echo "smoke: ok   GET ${BASE}/login → 200, contains ログイン"

# The demo administrator can sign in and sees the balance of the representative
# account: proves bcrypt (native), sessions in SQLite and CSRF work in the build.
node - "${BASE}" <<'NODE' || fail "demo login did not reach the menu"
const base = process.argv[2];
(async () => {
  const page = await fetch(`${base}/login`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!cookie || !csrf) throw new Error('no session cookie or _csrf on /login');
  const body = new URLSearchParams({ _csrf: csrf, loginId: 'demo-admin', password: 'Admin-Pass-1' });
  const login = await fetch(`${base}/login`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' });
  if (login.status !== 303) throw new Error(`POST /login answered ${login.status}`);
  const signedIn = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const menu = await fetch(`${base}/`, { headers: { cookie: signedIn }, redirect: 'manual' });
  const html = await menu.text();
  if (menu.status !== 200 || !html.includes('残高')) throw new Error(`menu answered ${menu.status}`);
})().catch((err) => { console.error(`smoke: ${err.message}`); process.exit(1); });
NODE
echo "smoke: ok   demo-admin logs in and GET / shows 残高"

echo "smoke: sending SIGTERM, expecting exit 0 within 5s"
kill -TERM "${SERVER_PID}"
for _ in $(seq 1 50); do
  kill -0 "${SERVER_PID}" 2>/dev/null || break
  sleep 0.1
done
kill -0 "${SERVER_PID}" 2>/dev/null && fail "the server is still running 5s after SIGTERM"
status=0
wait "${SERVER_PID}" || status=$?
SERVER_PID=""
((status == 0)) || fail "the server exited with status ${status} after SIGTERM"
grep -q '"msg":"stopped"' "${LOG}" || fail "the server did not log its orderly stop"
echo "smoke: ok   graceful shutdown, exit 0"
