#!/usr/bin/env bash
# Benchmark: the PostgreSQL store over COUNT lineages (default 100,000) on a real PostgreSQL 15 started
# for the run (Debian's postgresql package; as nobody under root) and stopped after it.
#
#   bench/postgresql/run.sh [COUNT]
#
# Prints, for names(), summaries() (what `list --json` reads) and due(now) with nothing due, the median
# time of 5 runs and the number of SQL statements sent (counted by a wrapping DataSource), and the same
# per-lineage reads the SPI's default would make, on the first 1,000 lineages. Extra Maven flags (e.g.
# -o -Dmaven.repo.local=...) go in BENCH_MAVEN_ARGS.
set -euo pipefail
count="${1:-100000}"
cd "$(dirname "$0")/../.."
out=bench/out/postgresql
mkdir -p "$out"
# shellcheck disable=SC2086
mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl providers/postgresql -am install -DskipTests >/dev/null
# shellcheck disable=SC2086
mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl providers/postgresql dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$out/deps.txt" -Dmdep.includeScope=test >/dev/null
cp="providers/postgresql/target/test-classes:providers/postgresql/target/classes:$(cat "$out/deps.txt")"
java -Xmx1g -cp "$cp" io.certferry.provider.postgresql.bench.PostgresBench "$count" | tee "$out/result.txt"
