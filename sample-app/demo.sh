#!/usr/bin/env bash
# Two sample instances on two ports over one cache directory. Fires concurrent requests at both, shows the locks
# while the download is in progress, then how many times each artifact was fetched from the origin (once).
#
# usage: sample-app/demo.sh   (environment: PORT_A, PORT_B, DELAY, REQUESTS; KEEP=1 keeps the cache and the logs)
set -euo pipefail

cd "$(dirname "$0")/.."
PORT_A=${PORT_A:-8081}
PORT_B=${PORT_B:-8082}
DELAY=${DELAY:-4s}
REQUESTS=${REQUESTS:-10}
ARTIFACTS=(model.safetensors tokenizer.json)
JAR=sample-app/target/sample-app.jar

command -v curl >/dev/null || { echo "demo.sh needs curl" >&2; exit 1; }

echo "== building the sample (./mvnw -q -pl sample-app -am package -DskipTests)"
./mvnw -q -B -pl sample-app -am package -DskipTests

WORK=$(mktemp -d "${TMPDIR:-/tmp}/filelock-demo.XXXXXX")
CACHE=$WORK/cache
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then
    echo "== instances stopped; cache and logs kept in $WORK"
  else
    rm -rf "$WORK"
    echo "== instances stopped; cache and logs deleted (KEEP=1 keeps them)"
  fi
}
trap cleanup EXIT

start() { # name port
  java -jar "$JAR" --server.port="$2" --server.address=127.0.0.1 --sample.instance="$1" \
    --sample.cache-directory="$CACHE" --sample.origin.delay="$DELAY" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}

await_ready() { # name port
  for _ in $(seq 1 900); do
    if grep -q "ready at" "$WORK/$1.log" 2>/dev/null; then return 0; fi
    if ! kill -0 "${PIDS[$3]}" 2>/dev/null; then echo "instance $1 died:"; cat "$WORK/$1.log"; exit 1; fi
    sleep 0.2
  done
  echo "instance $1 did not start in 180 s:"; cat "$WORK/$1.log"; exit 1
}

echo "== starting instances a (port $PORT_A) and b (port $PORT_B) over $CACHE"
start a "$PORT_A"
start b "$PORT_B"
await_ready a "$PORT_A" 0
await_ready b "$PORT_B" 1

echo "== $REQUESTS concurrent requests per artifact, half to each instance: ${ARTIFACTS[*]}"
for artifact in "${ARTIFACTS[@]}"; do
  for i in $(seq 1 "$REQUESTS"); do
    port=$(( i % 2 == 0 ? PORT_A : PORT_B ))
    curl -s -o /dev/null -w "GET :$port/artifacts/$artifact -> %{http_code}, %{size_download} bytes, cache %header{x-cache}\n" \
      "http://127.0.0.1:$port/artifacts/$artifact" >"$WORK/request-$artifact-$i.txt" 2>&1 &
    REQUEST_PIDS+=($!)
  done
done

# Wait until a download has started (its partial file exists), then look at the locks.
for _ in $(seq 1 300); do
  if [ -n "$(ls -A "$CACHE/partial" 2>/dev/null)" ]; then break; fi
  sleep 0.1
done
echo "== while the downloads are in progress: GET /actuator/filelocks"
for port in "$PORT_A" "$PORT_B"; do
  echo "-- :$port"
  locks=$(curl -s "http://127.0.0.1:$port/actuator/filelocks" || true)
  if command -v jq >/dev/null; then
    jq -c '.totals, (.entries[] | {path, type, mode, owners: [.owners[].name], waiting: .waitingThreads})' \
      <<<"$locks"
  else
    echo "$locks"
  fi
done
echo "-- partial downloads in $CACHE/partial:"
ls -l "$CACHE/partial"

wait "${REQUEST_PIDS[@]}"
echo "== responses"
cat "$WORK"/request-*.txt | sort | uniq -c

echo "== fetches from the origin per artifact (GET /fetches, read from the shared fetch log)"
curl -s "http://127.0.0.1:$PORT_A/fetches"; echo
for artifact in "${ARTIFACTS[@]}"; do
  curl -s "http://127.0.0.1:$PORT_B/artifacts/$artifact/stats"; echo
done
echo "== origin downloads in the logs"
grep -h "Fetched .* from the origin" "$WORK/a.log" "$WORK/b.log" | sed 's/^.*INFO/INFO/'
