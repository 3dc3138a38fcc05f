#!/usr/bin/env bash
# Benchmark: the PostgreSQL store over COUNT lineages (default 100,000) on a real PostgreSQL 15 started
# for the run (Debian's postgresql package; as nobody under root) and stopped after it.
#
#   bench/postgresql/run.sh [COUNT]
#
# Prints, for names(), summaries() (what `list --json` reads) and due(now) with nothing due, the median
# time of 5 runs and the number of SQL statements sent (counted by a wrapping DataSource), and the same
# per-lineage reads the SPI's default would make, on the first 1,000 lineages; the engine's first pass over
# every lineage (what a new fleet leader does) and a pass with nothing due (median of 5, statements counted);
# `certferry list --json --config` as a process (the shaded jar, median of 5); then the environment.
# Needs java, mvn and postgresql 15: installed from Debian when run as root, else the script says what
# to install. Extra Maven flags (e.g. -Dmaven.repo.local=...) go in BENCH_MAVEN_ARGS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

count="${1:-100000}"
[[ $count =~ ^[1-9][0-9]*$ ]] || bench_fail "COUNT must be a positive number of lineages, not '$count'"
cd "$BENCH_REPO"
out=bench/out/postgresql
rm -rf "$out" && mkdir -p "$out"

bench_need java=openjdk-17-jdk-headless mvn=maven /usr/lib/postgresql/15/bin/initdb=postgresql
echo "bench: building (mvn install -DskipTests)" >&2
bench_mvn install -DskipTests
bench_mvn -pl providers/postgresql dependency:build-classpath -Dmdep.outputFile="$PWD/$out/deps.txt" -Dmdep.includeScope=test
cp="providers/postgresql/target/test-classes:providers/postgresql/target/classes:$(cat "$out/deps.txt")"
# The CLI as the packaged launcher runs it (./certferry's JVM flags).
cli="java -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xms16m -Xmx512m -XX:MaxMetaspaceSize=96m -cp $PWD/agent/target/certferry.jar io.certferry.agent.Main"
java -Xmx2g -Dbench.cli="$cli" -cp "$cp" io.certferry.provider.postgresql.bench.PostgresBench "$count" > "$out/result.txt" 2> "$out/bench.log" \
  || { tail -20 "$out/bench.log" >&2; bench_fail "PostgresBench failed (its log: $out/bench.log)"; }
{
  echo "## PostgreSQL store: $count lineages"
  echo
  echo "Command: \`bench/postgresql/run.sh $count\`"
  echo
  cat "$out/result.txt"
  echo
  bench_environment
} > "$out/results.md"
cat "$out/results.md"
