#!/usr/bin/env bash
# Fleet benchmark: CERTS local-CA certificates x 3 fake targets (50 ms a call) on a real PostgreSQL 15
# started for the run (Debian's postgresql package; as nobody under root) and on a FileStore, side by side.
#
#   bench/fleet/run.sh [CERTS] [RUNS]      (defaults: 1000 and 5)
#
# Measures: `run --once` finding everything in sync on each store (median of 3); then 3 agents on the
# database, and RUNS times: kill -9 of the leader to another agent holding the lease (default lease time,
# 30 s), and to that agent's first pass done; medians. The agents are the shipped jar as processes
# (-Xmx256m -XX:+UseSerialGC, as the systemd unit runs it) with the test-only bench-latency target.
# Needs java, mvn and postgresql 15: installed from Debian when run as root, else the script says what to
# install. Extra Maven flags go in BENCH_MAVEN_ARGS. Results in bench/out/fleet/ (results.md, configs, logs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

certs="${1:-1000}"
runs="${2:-5}"
[[ $certs =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]] || bench_fail "CERTS and RUNS must be positive numbers"
cd "$BENCH_REPO"
out=bench/out/fleet
rm -rf "$out" && mkdir -p "$out"

bench_need java=openjdk-17-jdk-headless mvn=maven /usr/lib/postgresql/15/bin/initdb=postgresql
echo "bench: building (mvn install -DskipTests)" >&2
bench_mvn install -DskipTests
bench_mvn -pl agent dependency:build-classpath -Dmdep.outputFile="$PWD/$out/deps.txt" -Dmdep.includeScope=test
cp="agent/target/test-classes:agent/target/classes:$(cat "$out/deps.txt")"
agent="java -Xmx256m -XX:+UseSerialGC -cp $PWD/agent/target/certferry.jar:$PWD/agent/target/test-classes io.certferry.agent.Main"
java -Xmx512m -Dbench.java="$agent" -cp "$cp" io.certferry.agent.bench.FleetBench "$certs" "$runs" "$out" \
  > "$out/result.txt" 2> "$out/bench.log" \
  || { tail -20 "$out/result.txt" "$out/bench.log" >&2; bench_fail "FleetBench failed (its logs: $out/)"; }
{
  echo "## Fleet: $certs certificates x 3 targets, 3 agents on PostgreSQL; the same pass on a FileStore"
  echo
  echo "Command: \`bench/fleet/run.sh $certs $runs\`"
  echo
  cat "$out/result.txt"
  echo
  bench_environment
} > "$out/results.md"
cat "$out/results.md"
