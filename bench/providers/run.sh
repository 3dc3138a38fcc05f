#!/usr/bin/env bash
# Provider API benchmark: CERTS certificates on LBS DigitalOcean load balancers, CDNS CDN endpoints and
# SITES Netlify sites, against fakes that count every request and enforce each provider's published limit
# (DigitalOcean: 250 a minute and 5,000 an hour per token; Netlify: 500 a minute) with 429s.
#
#   bench/providers/run.sh [CERTS] [LBS] [CDNS] [SITES]      (defaults: 1000 10 10 10)
#
# Lineage i is served by load balancer ((i-1) mod LBS)+1 (its own rule, port 10000+i); lineages 1..CDNS
# also by a CDN endpoint each, lineages CDNS+1..CDNS+SITES by a Netlify site each.
# Measures, with `./certferry run --once` (a new process each time, as cron would run it):
#   in-sync (new records)  the first pass with these targets, the fakes already serving every version
#   in-sync                the next pass: what every pass costs when nothing changed
#   redeploy               every target serving someone else's certificate: requests sent, the most in
#                          any minute / hour, 429s, and how many targets were deployed and how many wait
# Needs java, mvn, curl and GNU time (installed from Debian when run as root). Results: bench/out/providers/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

CERTS=${1:-1000}
LBS=${2:-10}
CDNS=${3:-10}
SITES=${4:-10}
for n in "$CERTS" "$LBS" "$CDNS" "$SITES"; do
  [[ $n =~ ^[0-9]+$ ]] || bench_fail "CERTS, LBS, CDNS and SITES must be numbers, not '$n'"
done
(( CERTS >= 1 && LBS >= 1 && CDNS + SITES <= CERTS )) || bench_fail "need CERTS >= 1, LBS >= 1 and CDNS + SITES <= CERTS"
cd "$BENCH_REPO"
W=$PWD
OUT=bench/out/providers
rm -rf "$OUT" && mkdir -p "$OUT"

bench_need java=openjdk-17-jdk-headless mvn=maven curl=curl /usr/bin/time=time
# install, not package: the classpath below is resolved for the agent alone, and its providers' test jars
# (the fakes) must then come from the local repository; on a fresh machine they are not there otherwise.
echo "bench: building (mvn install -DskipTests)" >&2
bench_mvn install -DskipTests
# A copy of what runs, so a build started meanwhile (target/ rewritten) cannot change it between passes.
mkdir -p "$OUT/lib"
cp agent/target/certferry.jar providers/digitalocean/target/certferry-provider-digitalocean-*-tests.jar \
  providers/netlify/target/certferry-provider-netlify-*-tests.jar "$OUT/lib/"
cp -r agent/target/test-classes "$OUT/lib/agent-test-classes"
CP="$W/$OUT/lib/certferry.jar:$W/$OUT/lib/agent-test-classes"
CP="$CP:$(ls "$W/$OUT"/lib/certferry-provider-digitalocean-*-tests.jar):$(ls "$W/$OUT"/lib/certferry-provider-netlify-*-tests.jar)"
bench_mvn -pl agent dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$W/$OUT/test.classpath"
CP="$CP:$(cat "$OUT/test.classpath")"
JAVA=(java -Xmx256m -XX:+UseSerialGC -cp "$CP" io.certferry.agent.Main)

echo "bench: starting the fakes" >&2
java -Xmx512m -cp "$CP" io.certferry.agent.bench.ProviderFakes "$LBS" "$CDNS" "$SITES" "$W/$OUT/port" \
  > "$OUT/fakes.log" 2>&1 &
FAKES=$!
stop_fakes() { curl -s -X POST "http://127.0.0.1:$(cat "$OUT/port" 2>/dev/null)/__bench/stop" >/dev/null 2>&1 || true
  kill "$FAKES" 2>/dev/null || true; wait "$FAKES" 2>/dev/null || true; }
trap stop_fakes EXIT
for _ in $(seq 1 100); do [[ -s $OUT/port ]] && break; kill -0 $FAKES 2>/dev/null || break; sleep 0.2; done
[[ -s $OUT/port ]] || { cat "$OUT/fakes.log" >&2; bench_fail "the fakes did not start"; }
FAKE="http://127.0.0.1:$(cat "$OUT/port")"
control() { curl -sf -X "$1" "$FAKE/__bench/$2" || bench_fail "the fakes refused $1 /__bench/$2"; }

# config TARGETS: the store and every certificate; with TARGETS=yes each lineage's targets as above.
config() {
  echo "store: $W/$OUT/store"
  echo "schedule: {parallelism: 32, maxInterval: 12h}"
  echo "http: {listen: 127.0.0.1:0}"
  echo "certificates:"
  for i in $(seq 1 "$CERTS"); do
    n=$(printf 'c%04d' "$i")
    echo "  - name: $n"
    echo "    domains: [$n.bench.test]"
    echo "    issuer: {type: local}"
    [[ $1 == yes ]] || continue
    local do="token: '\${env:DO_TOKEN}', apiUrl: '$FAKE/', verify: false, lineage: $n"
    echo "    targets:"
    echo "      - {id: $n-lb, type: digitalocean-lb, $do, loadBalancerId: $(printf '00000000-0000-4000-8000-0000000%05d' $(( (i - 1) % LBS + 1 ))), entryPorts: [$(( 10000 + i ))]}"
    if (( i <= CDNS )); then
      echo "      - {id: $n-cdn, type: digitalocean-cdn, $do, endpointId: $(printf '00000000-0000-4000-9000-0000000%05d' "$i"), customDomain: $n.bench.test}"
    elif (( i <= CDNS + SITES )); then
      echo "      - {id: $n-site, type: netlify, token: '\${env:NETLIFY_TOKEN}', apiUrl: '${FAKE}/api/v1', verify: false, siteId: $(printf '00000000-0000-4000-a000-0000000%05d' $(( i - CDNS )))}"
    fi
  done
}
config no > "$OUT/issue.yaml"
config yes > "$OUT/bench.yaml"
export DO_TOKEN=dop_v1_7c3e9a41b25f8d06e1a94c7b3f52d8e6a0b9c4f1e7d2a5b8c3f6e9d1a4b7c0e3
export NETLIFY_TOKEN=nfp_Q8vK3mZp7RtX2wLs9YbN4cHj6FgD1aUe

echo "bench: setup: issue $CERTS certificates (local CA) and make the fakes serve them (not timed)" >&2
"${JAVA[@]}" run --once --config "$OUT/issue.yaml" > "$OUT/setup.txt" 2> "$OUT/setup.log" \
  || { tail -5 "$OUT/setup.txt" "$OUT/setup.log" >&2; bench_fail "setup pass exited non-zero (output in $OUT/setup.*)"; }
control POST "adopt?store=$W/$OUT/store&certs=$CERTS"

# pass NAME: one `run --once` over bench.yaml, the fakes' counts before and after; "exit N" when it is not 0.
pass() {
  local name=$1 rc=0
  control POST reset
  /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "${JAVA[@]}" run --once --config "$OUT/bench.yaml" \
    > "$OUT/$name.txt" 2> "$OUT/$name.log" || rc=$?
  control GET counts > "$OUT/$name.counts.json"
  "${JAVA[@]}" list --json --config "$OUT/bench.yaml" > "$OUT/$name.list.json" 2>> "$OUT/$name.log" || true
  python3 - "$OUT/$name.counts.json" "$OUT/$name.list.json" "$OUT/$name.time" "$rc" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
states = {}
try:
    for cert in json.load(open(sys.argv[2])):
        for t in cert.get("targets", []):
            states[t["state"]] = states.get(t["state"], 0) + 1
except Exception as e:
    states = {"unreadable list --json": str(e)}
wall, rss = open(sys.argv[3]).read().split()[:2]
d, n = c["digitalocean"], c["netlify"]
print("| %d | %d | %d | %d / 250 | %d / 5000 | %d | %d / 500 | %s | %s s, %d MiB%s |" % (
    d["requests"] + n["requests"], d["requests"], d["refused429"], d["mostPerMinute"], d["mostPerHour"],
    n["requests"], n["mostPerMinute"], ", ".join("%d %s" % (v, k) for k, v in sorted(states.items())),
    wall, int(rss) // 1024, "" if sys.argv[4] == "0" else ", exit " + sys.argv[4]))
EOF
}

echo "bench: first pass with the targets (everything already served)" >&2
first="$(pass in-sync-first)"
echo "bench: in-sync pass" >&2
in_sync="$(pass in-sync)"
# A new process knows nothing of the minute before it (DigitalOcean's headers report only the hour's quota):
# the redeploy starts once the passes before it have left the fakes' minute window, as passes a minute or
# more apart (the agent's, cron's) do.
echo "bench: waiting 61 s for the minute window of the passes before" >&2
sleep 61
echo "bench: redeploy: every target serves someone else's certificate" >&2
control POST drift
redeploy="$(pass redeploy)"
echo "bench: the pass after the redeploy (what waited goes when the budget is back)" >&2
after="$(pass after-redeploy)"

{
  echo "## Providers: $CERTS certificates on $LBS load balancers, $CDNS CDN endpoints, $SITES Netlify sites"
  echo
  echo "Command: \`bench/providers/run.sh $CERTS $LBS $CDNS $SITES\` (each pass a new \`run --once\`, parallelism 32)"
  echo
  echo "| pass | requests | DigitalOcean | DO 429s | DO most in a minute | DO most in an hour | Netlify | Netlify most in a minute | targets after (list --json) | wall, peak RSS |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
  echo "| in sync, first pass with these targets $first"
  echo "| in sync $in_sync"
  echo "| redeploy everything $redeploy"
  echo "| the pass after it $after"
  echo
  echo "Requests by call (in-sync pass):"
  echo
  python3 -c 'import json,sys; [print("    %5d  %s" % (v, k)) for k, v in sorted(json.load(open(sys.argv[1]))["byCall"].items())]' "$OUT/in-sync.counts.json"
  echo
  echo "Requests by call (redeploy):"
  echo
  python3 -c 'import json,sys; [print("    %5d  %s" % (v, k)) for k, v in sorted(json.load(open(sys.argv[1]))["byCall"].items())]' "$OUT/redeploy.counts.json"
  echo
  bench_environment
} > "$OUT/results.md"
echo
cat "$OUT/results.md"
echo
echo "raw runs: $OUT/"
