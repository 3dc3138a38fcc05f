#!/usr/bin/env bash
# Benchmark: `certferry list --json` over a store of COUNT lineages, side by side with
# `certbot certificates` over COUNT certbot lineages of the same certificates.
#
#   bench/list/run.sh [COUNT] [CERTBOT_COUNT]      (defaults: 10000 and COUNT)
#
# Needs: java, mvn, hyperfine, GNU time (/usr/bin/time), certbot (for the comparison).
# Work folder: $BENCH_DIR (default /tmp/certferry-bench-list); generated once per COUNT, reused.
set -euo pipefail

count="${1:-10000}"
certbot_count="${2:-$count}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${BENCH_DIR:-/tmp/certferry-bench-list}"
store="$work/store-$count"
certbot_dir="$work/certbot-$certbot_count"

cd "$repo"
[[ -f agent/target/certferry.jar ]] || mvn -q -B -DskipTests package
mvn -q -B -o -pl agent -am test-compile
cp="agent/target/certferry.jar:agent/target/test-classes:core/target/test-classes"

generate() { # COUNT STORE CERTBOT_DIR
  if [[ ! -f "$2/.complete" ]]; then
    rm -rf "$2" "$3"
    echo "generating $1 lineages in $2 and $3 ..." >&2
    # eatmydata (if installed) skips the store's fsyncs while generating: 10,000 lineages then take
    # minutes instead of half an hour on a busy disk. The measured runs never use it.
    $(command -v eatmydata || true) java -XX:+UseSerialGC -cp "$cp" io.certferry.agent.bench.ListBenchStore "$1" "$2" "$3"
    touch "$2/.complete"
  fi
}
generate "$count" "$store" "$work/certbot-$count"
if [[ "$certbot_count" != "$count" ]]; then
  generate "$certbot_count" "$work/store-$certbot_count" "$certbot_dir"
fi

./certferry list --json --store "$store" > "$work/list.json" # also builds the CDS archive once
echo "lineages listed: $(grep -c '"name"' "$work/list.json")" >&2

echo "== certferry list --json, $count lineages (wall time)"
hyperfine --warmup 1 --runs 5 --export-markdown "$work/certferry.md" \
  "./certferry list --json --store $store > /dev/null"

echo "== certferry list --json, $count lineages (peak RSS)"
for i in 1 2 3; do
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KiB" ./certferry list --json --store "$store" 2>&1 >/dev/null | tail -1
done

if command -v certbot >/dev/null; then
  echo "== certbot certificates, $certbot_count lineages"
  mkdir -p "$work/certbot-work" "$work/certbot-logs"
  # One run: it takes minutes at 10,000 lineages.
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KiB" certbot certificates --config-dir "$certbot_dir" \
    --work-dir "$work/certbot-work" --logs-dir "$work/certbot-logs" 2>&1 >/dev/null | tail -1
else
  echo "certbot is not installed: skipping the comparison" >&2
fi
