#!/usr/bin/env bash
# Agent benchmark: 1,000 certificates x 3 targets on fakes answering in 50 ms.
#   bench/agent/run.sh [CERTS] [PARALLELISM]
# Measures: one `run --once` pass that finds everything in sync, one that must redeploy
# everything, and the agent's peak RSS idle after its first pass. Results in bench/out/agent/.
set -euo pipefail
cd "$(dirname "$0")/../.."
CERTS=${1:-1000}
PAR=${2:-32}
OUT=bench/out/agent
rm -rf "$OUT" && mkdir -p "$OUT/state"
mvn -B -o -q -pl agent -am test-compile >/dev/null 2>&1
mvn -B -o -q -pl agent dependency:build-classpath -Dmdep.outputFile="$PWD/$OUT/deps.txt" -Dmdep.includeScope=test >/dev/null
W=$PWD
CP="$W/agent/target/test-classes:$W/agent/target/classes:$W/core/target/classes"
for p in nginx dnsimple digitalocean netlify; do CP="$CP:$W/providers/$p/target/classes"; done
CP="$CP:$(tr ':' '\n' < "$OUT/deps.txt" | grep -v '/io/certferry/' | paste -sd:)"
JAVA=(java -Xmx256m -XX:+UseSerialGC -cp "$CP" io.certferry.agent.Main)

CFG="$OUT/bench.yaml"
{
  echo "store: $W/$OUT/store"
  echo "schedule: {parallelism: $PAR, maxInterval: 12h}"
  echo "http: {listen: 127.0.0.1:0}"
  echo "certificates:"
  for i in $(seq -w 1 "$CERTS"); do
    echo "  - name: c$i"
    echo "    domains: [c$i.bench.test]"
    echo "    issuer: {type: local}"
    echo "    targets:"
    for t in 1 2 3; do
      echo "      - {id: c$i-t$t, type: bench-latency, stateDir: $W/$OUT/state, latencyMillis: 50}"
    done
  done
} > "$CFG"

echo "== setup: issue $CERTS certificates and deploy them (not timed)"
"${JAVA[@]}" run --once --config "$CFG" > "$OUT/setup.txt" 2> "$OUT/setup.log" || { tail -5 "$OUT/setup.txt"; exit 1; }

echo "== pass that finds everything in sync"
/usr/bin/time -f "%e s wall, %M KB max RSS" -o "$OUT/in-sync.time" "${JAVA[@]}" run --once --config "$CFG" > "$OUT/in-sync.txt" 2> "$OUT/in-sync.log"
cat "$OUT/in-sync.time"

echo "== pass that must redeploy everything"
rm -f "$OUT"/state/*
/usr/bin/time -f "%e s wall, %M KB max RSS" -o "$OUT/redeploy.time" "${JAVA[@]}" run --once --config "$CFG" > "$OUT/redeploy.txt" 2> "$OUT/redeploy.log"
cat "$OUT/redeploy.time"

echo "== idle agent with $CERTS certificates: peak RSS after the first pass"
"${JAVA[@]}" run --config "$CFG" > "$OUT/idle.txt" 2> "$OUT/idle.log" &
PID=$!
for _ in $(seq 1 600); do grep -q "pass done" "$OUT/idle.log" 2>/dev/null && break; sleep 0.5; done
sleep 2
grep -E "VmHWM|VmRSS" /proc/$PID/status | tee "$OUT/idle.rss"
kill -TERM $PID; wait $PID || true
