#!/usr/bin/env bash
# The Dockerfile's build and start, without a Docker engine (none runs in CI):
#   build stage   → copy what the Dockerfile COPYs into a clean folder and compile it there
#   deps stage    → `npm ci --omit=dev` in another clean folder: production dependencies only
#   runtime stage → assemble /app as the image does (no dev dependencies, no source tree), start it with the image's
#                   ENV and CMD in a clean environment, then check /healthz (the HEALTHCHECK command), /readyz, one
#                   webhook, and a SIGTERM that must exit 0. (The image's non-root user and tini are not reproduced.)
# Keep the COPY lists below in step with the Dockerfile.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-notify-container.XXXXXX")
pid=
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'container:check FAILED: %s\n' "$*" >&2; [[ -f "$work/server.log" ]] && tail -n 40 "$work/server.log" >&2; exit 1; }

step "build stage (COPY package.json package-lock.json tsconfig.json src adapters rules; npm run build)"
mkdir -p "$work/build"
cp package.json package-lock.json tsconfig.json "$work/build/"
cp -r src adapters rules "$work/build/"
# Same lockfile as this checkout, so its installed dev tree stands in for the stage's `npm ci --ignore-scripts`.
ln -s "$repo/node_modules" "$work/build/node_modules"
(cd "$work/build" && npm run build --silent)

step "deps stage (npm ci --omit=dev)"
mkdir -p "$work/deps"
cp package.json package-lock.json "$work/deps/"
# No prebuilt better-sqlite3 binary reachable (offline CI) means a source build: let node-gyp use every core.
(cd "$work/deps" && npm_config_jobs="${npm_config_jobs:-max}" npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error)
for dev in typescript vitest @types/node; do
  [[ ! -e "$work/deps/node_modules/$dev" ]] || fail "dev dependency $dev was installed by --omit=dev"
done

step "runtime stage (assemble /app, start CMD with the image's ENV)"
app="$work/app"
mkdir -p "$app" "$work/data" "$work/etc/ci-notify"
mv "$work/deps/node_modules" "$app/node_modules"
cp -r "$work/build/dist" "$app/dist"
cp package.json rules.example.yaml "$app/"
cp -r examples "$app/examples"
# The rules file the operator mounts at /etc/ci-notify/rules.yaml; the example has empty webhooks (dry run).
cp rules.example.yaml "$work/etc/ci-notify/rules.yaml"
(
  cd "$app"
  exec env -i PATH="$PATH" HOME="$work" NODE_ENV=production PORT=0 HOST=127.0.0.1 DATA_DIR="$work/data" \
    RULES_FILE="$work/etc/ci-notify/rules.yaml" LOG_FORMAT=json \
    node --max-semi-space-size=4 --heap-growing-percent=50 dist/src/cli.js serve
) >"$work/server.log" 2>&1 &
pid=$!

port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*"port":\([0-9]*\).*"msg":"listening".*/\1/p' "$work/server.log" | head -n1)
  [[ -n "$port" ]] && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited at start"
  sleep 0.1
done
[[ -n "$port" ]] || fail "the server did not log \"listening\""
base="http://127.0.0.1:$port"
echo "listening on $base"

probe() { # METHOD PATH [curl-args…] → prints the HTTP status
  node -e '
    const [method, url, body, event] = process.argv.slice(1)
    const init = { method }
    if (body) init.body = require("fs").readFileSync(body), init.headers = { "content-type": "application/json", "x-gitlab-event": event }
    fetch(url, init).then(async (r) => { console.log(r.status); console.error(await r.text()) }, (e) => { console.log(0); console.error(String(e)) })
  ' "$@"
}

step "HEALTHCHECK /healthz"
(cd "$app" && PORT=$port node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))") \
  || fail "HEALTHCHECK command failed"
step "GET /readyz"
[[ "$(probe GET "$base/readyz")" == 200 ]] || fail "/readyz is not 200"
step "POST /webhooks/gitlab (examples/gitlab-deployment-production-failed.json)"
[[ "$(probe POST "$base/webhooks/gitlab" "$app/examples/gitlab-deployment-production-failed.json" 'Deployment Hook')" == 202 ]] \
  || fail "the example webhook was not accepted with 202"

step "SIGTERM"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[[ "$rc" == 0 ]] || fail "exit code $rc after SIGTERM (want 0)"
grep -q '"msg":"stopped"' "$work/server.log" || fail "no \"stopped\" log line"
printf '\ncontainer:check OK: production install, start, /healthz, /readyz, webhook 202, SIGTERM → exit 0\n'
