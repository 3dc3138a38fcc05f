#!/usr/bin/env bash
# Benchmark: `certferry list --json` over a store of COUNT lineages, beside its floor (ListFloor: a
# bare loop in one JVM reading the same metadata files) and `certbot certificates` over COUNT
# certbot lineages of the same certificates; then the CLI's start-up: `list --json` on an empty store.
#
#   bench/list/run.sh [COUNT] [CERTBOT_COUNT]      (defaults: 10000 and COUNT)
#
# Needs java, mvn, hyperfine, GNU time (/usr/bin/time) and certbot: installed from Debian when run as
# root, else the script says what to install. eatmydata, if installed, speeds up the generation only.
# Work folder: $BENCH_DIR (default /tmp/certferry-bench-list); the stores are generated once per COUNT
# and reused. Results: bench/out/list/results.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

count="${1:-10000}"
certbot_count="${2:-$count}"
[[ $count =~ ^[1-9][0-9]*$ && $certbot_count =~ ^[1-9][0-9]*$ ]] || bench_fail "COUNT and CERTBOT_COUNT must be positive numbers"
repo="$BENCH_REPO"
work="${BENCH_DIR:-/tmp/certferry-bench-list}"
out="$repo/bench/out/list"
store="$work/store-$count"
certbot_dir="$work/certbot-$certbot_count"
empty="$work/empty-store"
rm -rf "$out" && mkdir -p "$out" "$work"
cd "$repo"

bench_need java=openjdk-17-jdk-headless mvn=maven hyperfine=hyperfine /usr/bin/time=time certbot=certbot
echo "bench: building (mvn -DskipTests package)" >&2
bench_mvn -DskipTests package
cp="agent/target/certferry.jar:agent/target/test-classes:core/target/test-classes"
# The launcher's JVM flags (./certferry), so the floor differs from `list` only in what it runs.
launcher_flags="-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xms64m -Xmx160m -XX:MaxMetaspaceSize=96m"

generate() { # COUNT STORE CERTBOT_DIR
  if [[ ! -f "$2/.complete" ]]; then
    rm -rf "$2" "$3"
    echo "bench: generating $1 lineages in $2 and $3 ..." >&2
    # eatmydata (if installed) skips the store's fsyncs while generating: 10,000 lineages then take
    # minutes instead of half an hour on a busy disk. The measured runs never use it.
    $(command -v eatmydata || true) java -XX:+UseSerialGC -cp "$cp" io.certferry.agent.bench.ListBenchStore "$1" "$2" "$3" \
      || bench_fail "generating the stores (ListBenchStore) failed"
    touch "$2/.complete"
  fi
}
generate "$count" "$store" "$work/certbot-$count"
if [[ "$certbot_count" != "$count" ]]; then
  generate "$certbot_count" "$work/store-$certbot_count" "$certbot_dir"
fi
rm -rf "$empty" && mkdir -p "$empty"

# Both must list every lineage, or the timings compare different work.
./certferry list --json --store "$store" > "$work/list.json" # also builds the CDS archive once
# shellcheck disable=SC2086  # launcher_flags is a list of flags on purpose
java $launcher_flags -cp "$cp" io.certferry.agent.bench.ListFloor "$store" > "$work/floor.json"
listed="$(grep -o '"name" *: *"site-' "$work/list.json" | wc -l)"
floored="$(grep -o '"name" *: *"site-' "$work/floor.json" | wc -l)"
[[ $listed -eq $count && $floored -eq $count ]] || bench_fail "list printed $listed and the floor $floored of $count lineages"

echo "bench: list --json and its floor, $count lineages (wall time)" >&2
hyperfine --style basic --warmup 1 --runs 5 --export-markdown "$work/list.md" \
  -n "certferry list --json ($count lineages)" "./certferry list --json --store $store > /dev/null" \
  -n "floor: ListFloor ($count lineages)" "java $launcher_flags -cp $cp io.certferry.agent.bench.ListFloor $store > /dev/null" \
  > "$work/hyperfine-list.txt" || { cat "$work/hyperfine-list.txt" >&2; bench_fail "hyperfine (list) failed"; }

echo "bench: CLI start-up, list --json on an empty store" >&2
hyperfine --style basic --warmup 2 --runs 15 --export-markdown "$work/startup.md" \
  -n "certferry list --json (empty store)" "./certferry list --json --store $empty > /dev/null" \
  -n "certferry list --json (empty store, no CDS archive)" "CERTFERRY_NO_CDS=1 ./certferry list --json --store $empty > /dev/null" \
  -n "floor: java -version (launcher flags)" "java $launcher_flags -version > /dev/null 2>&1" \
  > "$work/hyperfine-startup.txt" || { cat "$work/hyperfine-startup.txt" >&2; bench_fail "hyperfine (start-up) failed"; }

# peak NAME COMMAND...: wall, CPU and peak RSS of one run, as a table row.
peak() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/peak.txt" "$@" > /dev/null 2> "$work/peak.err" \
    || { cat "$work/peak.err" >&2; bench_fail "$name failed"; }
  awk -v n="$name" '{ printf "| %s | %.2f s | %.2f s | %d MiB |\n", n, $1, $2 + $3, $4 / 1024 }' "$work/peak.txt"
}
echo "bench: peak RSS (one run each)" >&2
{
  echo "| command (one run) | wall | CPU (user + sys) | peak RSS |"
  echo "| --- | ---: | ---: | ---: |"
  for _ in 1 2 3; do peak "certferry list --json ($count lineages)" ./certferry list --json --store "$store"; done
  # shellcheck disable=SC2086
  peak "floor: ListFloor ($count lineages)" java $launcher_flags -cp "$cp" io.certferry.agent.bench.ListFloor "$store"
  peak "certferry list --json (empty store)" ./certferry list --json --store "$empty"
  echo "bench: certbot certificates, $certbot_count lineages (one run: minutes at 10,000)" >&2
  mkdir -p "$work/certbot-work" "$work/certbot-logs"
  peak "certbot certificates ($certbot_count lineages)" certbot certificates --config-dir "$certbot_dir" \
    --work-dir "$work/certbot-work" --logs-dir "$work/certbot-logs"
} > "$work/peak.md"

{
  echo "## list --json: $count lineages, its floor, certbot, and the CLI's start-up"
  echo
  echo "Command: \`bench/list/run.sh $count $certbot_count\`"
  echo
  echo "Wall time (hyperfine, --warmup 1, 5 runs):"
  echo
  cat "$work/list.md"
  echo
  echo "Start-up (hyperfine, --warmup 2, 15 runs):"
  echo
  cat "$work/startup.md"
  echo
  cat "$work/peak.md"
  echo
  echo "peer: $(certbot --version 2>&1 | head -1)"
  bench_environment
} > "$out/results.md"
cp "$work"/hyperfine-*.txt "$out/"
echo
cat "$out/results.md"
echo
echo "raw runs: $out/"
