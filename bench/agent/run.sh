#!/usr/bin/env bash
# Agent benchmark: CERTS certificates x 3 targets on fakes answering in 50 ms.
#
#   bench/agent/run.sh [CERTS] [PARALLELISM]      (defaults: 1000 and 32)
#
# Measures: one `run --once` pass that finds everything in sync, one that must redeploy
# everything, and the agent's peak RSS idle after its first pass; prints them with the environment.
# Runs the agent's jar (agent/target/certferry.jar) with the test-only `bench-latency` target from
# agent/target/test-classes. Needs java, mvn and GNU time: installed from Debian when run as root.
# Results in bench/out/agent/ (results.md, the config, each pass's output and log).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

CERTS=${1:-1000}
PAR=${2:-32}
[[ $CERTS =~ ^[1-9][0-9]*$ && $PAR =~ ^[1-9][0-9]*$ ]] || bench_fail "CERTS and PARALLELISM must be positive numbers"
cd "$BENCH_REPO"
W=$PWD
OUT=bench/out/agent
rm -rf "$OUT" && mkdir -p "$OUT/state"

bench_need java=openjdk-17-jdk-headless mvn=maven /usr/bin/time=time
echo "bench: building (mvn -DskipTests package)" >&2
bench_mvn -DskipTests package
# The systemd unit's flags (packaging/certferry.service).
JAVA=(java -Xms16m -Xmx256m -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -cp "$W/agent/target/certferry.jar:$W/agent/target/test-classes" io.certferry.agent.Main)

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

# pass NAME: one timed `run --once`; it must exit 0 (everything valid and in sync afterwards).
pass() {
  local name=$1
  /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "${JAVA[@]}" run --once --config "$CFG" > "$OUT/$name.txt" 2> "$OUT/$name.log" \
    || { tail -5 "$OUT/$name.txt" "$OUT/$name.log" >&2; bench_fail "the $name pass exited non-zero (output in $OUT/$name.*)"; }
  awk '{ printf "%.2f s wall, %d MiB peak RSS\n", $1, $2 / 1024 }' "$OUT/$name.time"
}

echo "bench: setup: issue $CERTS certificates and deploy them (not timed)" >&2
"${JAVA[@]}" run --once --config "$CFG" > "$OUT/setup.txt" 2> "$OUT/setup.log" \
  || { tail -5 "$OUT/setup.txt" "$OUT/setup.log" >&2; bench_fail "setup pass exited non-zero (output in $OUT/setup.*)"; }

echo "bench: pass that finds everything in sync" >&2
in_sync="$(pass in-sync)"

echo "bench: pass that must redeploy everything" >&2
rm -f "$OUT"/state/*
redeploy="$(pass redeploy)"

echo "bench: idle agent with $CERTS certificates: peak RSS after the first pass" >&2
"${JAVA[@]}" run --config "$CFG" > "$OUT/idle.txt" 2> "$OUT/idle.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  grep -q "pass done" "$OUT/idle.log" 2>/dev/null && break
  kill -0 $PID 2>/dev/null || { tail -5 "$OUT/idle.log" >&2; bench_fail "the agent exited before its first pass was done"; }
  sleep 0.5
done
grep -q "pass done" "$OUT/idle.log" || { tail -5 "$OUT/idle.log" >&2; bench_fail "no 'pass done' in the agent's log after 300 s"; }
sleep 2
grep -E "VmHWM|VmRSS" /proc/$PID/status > "$OUT/idle.rss" || bench_fail "cannot read /proc/$PID/status"
kill -TERM $PID
wait $PID || true
trap - EXIT
idle="$(awk '/VmHWM/ { hwm = $2 } /VmRSS/ { rss = $2 } END { printf "%d MiB peak (VmHWM), %d MiB now (VmRSS)", hwm / 1024, rss / 1024 }' "$OUT/idle.rss")"

{
  echo "## Agent: $CERTS certificates x 3 targets at 50 ms per call, parallelism $PAR"
  echo
  echo "Command: \`bench/agent/run.sh $CERTS $PAR\` (JVM: -Xms16m -Xmx256m -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1)"
  echo
  echo "| measure | result |"
  echo "| --- | --- |"
  echo "| \`run --once\`, everything in sync | $in_sync |"
  echo "| \`run --once\`, redeploy everything | $redeploy |"
  echo "| agent idle after its first pass | $idle |"
  echo
  bench_environment
} > "$OUT/results.md"
echo
cat "$OUT/results.md"
echo
echo "raw runs: $OUT/"
