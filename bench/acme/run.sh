#!/usr/bin/env bash
# ACME throughput benchmark: N single-name certificates over http-01 against one local Pebble
# (PEBBLE_VA_NOSLEEP=1, no authorization reuse), every tool in one run on the same Pebble.
# Whole-process wall time, certs/s and peak RSS (/usr/bin/time -v), then the product path's ratios
# against the library driver and bare acme4j at the same parallelism, and the environment.
#
#   bench/acme/run.sh [N] [TOOLS...]        (default N=50, every tool below)
#
# TOOLS (run in the order given):
#   run-once-p4  run-once-p1     ./certferry run --once over a generated config of N ACME
#                                certificates (http-01 built-in server, directory targets),
#                                schedule.parallelism 4 / 1: the program a user runs
#   driver-p4    driver-p1       the library driver (AcmeBench: AcmeIssuer + FileStore, one JVM)
#   driver-mem                   the driver, 1 thread, in-memory store (issuance without fsyncs)
#   bare-p4      bare-p1         bare acme4j (BareAcme4jLoop, polls every 10 ms): the floor
#   certbot  lego  lego4  uacme  the peers (lego4: 4 lego processes; uacme needs root)
#   first-run-once  first-issue  first-uacme
#                                the first certificate with a fresh account: one name, whole
#                                process (./certferry run --once, ./certferry issue, uacme new+issue)
#
# Peers missing are installed from Debian when run as root, else the script says what to install.
# Raw output: bench/out/acme/ (results.md, each tool's time -v and output). KEEP=1 keeps the work folder.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

N=${1:-50}
shift || true
TOOLS=${*:-"run-once-p4 run-once-p1 driver-p4 driver-p1 bare-p4 bare-p1 certbot lego lego4 uacme first-run-once first-issue first-uacme"}
[[ $N =~ ^[1-9][0-9]*$ ]] || bench_fail "N must be a positive number of certificates, not '$N'"
ROOT=$BENCH_REPO
OUT=$ROOT/bench/out/acme
W=$(mktemp -d /tmp/certferry-bench-acme.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [[ -n "${KEEP:-}" ]]; then echo "bench: work folder kept: $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT

# --- what this run needs ---
need=(java=openjdk-17-jdk-headless mvn=maven openssl=openssl curl=curl python3=python3
  pebble=pebble pebble-challtestsrv=pebble /usr/bin/time=time)
for tool in $TOOLS; do
  case $tool in
    run-once-p4|run-once-p1|driver-p4|driver-p1|driver-mem|bare-p4|bare-p1|first-run-once|first-issue) ;;
    certbot) need+=(certbot=certbot) ;;
    lego|lego4) need+=(lego=lego) ;;
    uacme|first-uacme)
      need+=(uacme=uacme unshare=util-linux)
      # uacme's libcurl-gnutls reads only the system CA bundle: the test root goes into a bind-mounted
      # bundle in a private mount namespace, which takes root.
      [[ $(id -u) -eq 0 ]] || bench_fail "$tool needs root (a private mount namespace for the test CA); leave it out or run as root" ;;
    *) bench_fail "unknown tool '$tool' (see the list at the top of $0)" ;;
  esac
done
bench_need "${need[@]}"

# --- build: the product (agent/target/certferry.jar) and the drivers (core's test classes) ---
echo "bench: building (mvn -DskipTests package)" >&2
bench_mvn -DskipTests package
bench_mvn -pl core dependency:build-classpath -Dmdep.outputFile="$W/cp.txt"
CP="$ROOT/core/target/classes:$ROOT/core/target/test-classes:$(cat "$W/cp.txt")"
JAVA_OPTS=${JAVA_OPTS:-"-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"}
# The launcher makes its class-data sharing archive on first use: not part of any measurement.
"$ROOT/certferry" --version > /dev/null

# --- Pebble with a TLS certificate of its own (Debian ships none) ---
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench root" \
  -keyout "$W/root.key" -out "$W/root.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$W/key.pem" -out "$W/cert.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$W/ext.cnf"
openssl x509 -req -in "$W/cert.csr" -CA "$W/root.pem" -CAkey "$W/root.key" -CAcreateserial -days 2 \
  -extfile "$W/ext.cnf" -out "$W/cert.pem" 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt "$W/root.pem" > "$W/bundle.pem"

CHALL=$(bench_free_port); DNS=$(bench_free_port); ACME=$(bench_free_port); MGMT=$(bench_free_port)
HTTP=$(bench_free_port); TLS=$(bench_free_port)
pebble-challtestsrv -management 127.0.0.1:$CHALL -dns01 127.0.0.1:$DNS -http01 "" -https01 "" -tlsalpn01 "" \
  -defaultIPv4 127.0.0.1 -defaultIPv6 "" > "$W/challtestsrv.log" 2>&1 &
PIDS+=($!)
cat > "$W/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$ACME", "managementListenAddress": "127.0.0.1:$MGMT",
  "certificate": "$W/cert.pem", "privateKey": "$W/key.pem", "httpPort": $HTTP, "tlsPort": $TLS,
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
  pebble -config "$W/pebble.json" -dnsserver 127.0.0.1:$DNS > "$W/pebble.log" 2>&1 &
PIDS+=($!)
DIR="https://localhost:$ACME/dir"
for _ in $(seq 1 200); do curl -sf --cacert "$W/root.pem" "$DIR" >/dev/null && break; sleep 0.05; done
curl -sf --cacert "$W/root.pem" "$DIR" >/dev/null || { cat "$W/pebble.log" >&2; bench_fail "pebble did not start"; }

# --- measuring ---
RESULTS="$W/results.tsv"   # name, certificates, wall s, peak RSS MiB
: > "$RESULTS"
FAILED=()
# measure NAME COUNT COMMAND...: whole process under /usr/bin/time -v; a failure is printed,
# recorded, and makes the script exit non-zero after the other tools ran.
measure() {
  local name=$1 count=$2; shift 2
  echo "bench: $name ($count certificate(s))" >&2
  if ! /usr/bin/time -v -o "$W/time-$name.txt" "$@" > "$W/out-$name.txt" 2>&1; then
    echo "bench: $name FAILED; its last lines:" >&2
    tail -20 "$W/out-$name.txt" >&2
    FAILED+=("$name")
    return 0
  fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$W/time-$name.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$W/time-$name.txt")
  printf '%s\t%s\t%s\t%s\n' "$name" "$count" "$wall" "$rss" >> "$RESULTS"
}

# run_once_config FILE STORE OUT PARALLELISM PREFIX COUNT: the config a user would write for COUNT
# certificates from this Pebble, each to its own folder.
run_once_config() {
  local file=$1 store=$2 out=$3 par=$4 prefix=$5 count=$6 i
  {
    echo "store: $store"
    echo "schedule: {parallelism: $par}"
    echo "http: {enabled: false}"
    echo "certificates:"
    for i in $(seq 1 "$count"); do
      echo "  - name: $prefix-$i"
      echo "    domains: [$prefix-$i.bench.example.com]"
      echo "    issuer: {type: acme, server: '$DIR', serverCa: '$W/root.pem', agreeTos: true, challenge: http-01,"
      echo "             http: {address: 127.0.0.1, port: $HTTP}}"
      echo "    targets:"
      echo "      - {id: files, type: directory, path: '$out/$prefix-$i'}"
    done
  } > "$file"
}

# run_once NAME PARALLELISM COUNT: ./certferry run --once over a fresh store, then checks every
# certificate reached its folder (exit 0 alone says so too; this guards the benchmark itself).
run_once() {
  local name=$1 par=$2 count=$3
  run_once_config "$W/$name.yaml" "$W/$name/store" "$W/$name/out" "$par" "$name" "$count"
  "$ROOT/certferry" check-config --config "$W/$name.yaml" > /dev/null
  measure "$name" "$count" "$ROOT/certferry" run --once --config "$W/$name.yaml"
  local got
  got=$(find "$W/$name/out" -name cert.pem 2>/dev/null | wc -l)
  if [[ $got -ne $count && " ${FAILED[*]} " != *" $name "* ]]; then
    echo "bench: $name wrote $got of $count certificates" >&2
    FAILED+=("$name")
  fi
}

serve_webroot() { # static server on the validation port for webroot-based tools
  mkdir -p "$W/webroot"
  python3 -m http.server "$HTTP" --bind 127.0.0.1 --directory "$W/webroot" > "$W/http.log" 2>&1 &
  WEBPID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$HTTP/" && break; sleep 0.05; done
}
stop_webroot() { kill "$WEBPID"; wait "$WEBPID" 2>/dev/null || true; }

uacme_cmd() { # COUNT PREFIX: a fresh uacme account, then COUNT certificates, one process each
  echo 'mount --bind '"$W/bundle.pem"' /etc/ssl/certs/ca-certificates.crt && export WEBROOT='"$W/webroot"' &&
    uacme -a '"$DIR"' -c '"$W/$2"' -y -t EC new >/dev/null 2>&1 &&
    for i in $(seq 1 '"$1"'); do uacme -a '"$DIR"' -c '"$W/$2"' -y -t EC -h '"$ROOT/bench/acme/uacme-hook.sh"' \
      issue '"$2"'-$i.bench.example.com >/dev/null 2>&1 || exit 1; done'
}

# shellcheck disable=SC2206  # JAVA_OPTS is a list of flags on purpose
driver=(java $JAVA_OPTS -cp "$CP" io.certferry.core.bench.AcmeBench "$DIR" "$W/root.pem" "$HTTP")
# shellcheck disable=SC2206
bare=(java $JAVA_OPTS -cp "$CP" io.certferry.core.bench.BareAcme4jLoop "$DIR" "$W/root.pem" "$HTTP")

for tool in $TOOLS; do
  case $tool in
    run-once-p4) run_once run-once-p4 4 "$N" ;;
    run-once-p1) run_once run-once-p1 1 "$N" ;;
    driver-p4) measure driver-p4 "$N" "${driver[@]}" "$N" "$W/store-driver-p4" 4 driver4 ;;
    driver-p1) measure driver-p1 "$N" "${driver[@]}" "$N" "$W/store-driver-p1" 1 driver1 ;;
    driver-mem) measure driver-mem "$N" "${driver[@]}" "$N" memory 1 drivermem ;;
    bare-p4) measure bare-p4 "$N" "${bare[@]}" "$N" 4 bare4 ;;
    bare-p1) measure bare-p1 "$N" "${bare[@]}" "$N" 1 bare1 ;;
    certbot)
      measure certbot "$N" bash -c 'for i in $(seq 1 '"$N"'); do REQUESTS_CA_BUNDLE='"$W/bundle.pem"' certbot certonly --standalone \
        --non-interactive --agree-tos --register-unsafely-without-email --server '"$DIR"' --http-01-port '"$HTTP"' \
        --http-01-address 127.0.0.1 --config-dir '"$W/certbot"' --work-dir '"$W/certbot"' --logs-dir '"$W/certbot"' \
        -d certbot-$i.bench.example.com -q || exit 1; done' ;;
    lego)
      measure lego "$N" bash -c 'for i in $(seq 1 '"$N"'); do LEGO_CA_CERTIFICATES='"$W/root.pem"' lego --server '"$DIR"' \
        --accept-tos --email bench@example.com --path '"$W/lego"' --http --http.port 127.0.0.1:'"$HTTP"' \
        -d lego-$i.bench.example.com run >/dev/null 2>&1 || exit 1; done' ;;
    lego4)
      serve_webroot
      measure lego4 "$N" bash -c 'seq 1 '"$N"' | xargs -P4 -I{} sh -c "LEGO_CA_CERTIFICATES='"$W/root.pem"' lego --server '"$DIR"' \
        --accept-tos --email bench@example.com --path '"$W/lego4"'-\$(( {} % 4 )) --http --http.webroot '"$W/webroot"' \
        -d lego4-{}.bench.example.com run >/dev/null 2>&1"'
      stop_webroot ;;
    uacme)
      serve_webroot
      measure uacme "$N" unshare -m bash -c "$(uacme_cmd "$N" uacme)"
      stop_webroot ;;
    first-run-once) run_once first-run-once 1 1 ;;
    first-issue)
      measure first-issue 1 "$ROOT/certferry" issue --store "$W/first-issue" --name first --domain first-issue.bench.example.com \
        --server "$DIR" --server-ca "$W/root.pem" --agree-tos --challenge http-01 --http-address 127.0.0.1 --http-port "$HTTP" ;;
    first-uacme)
      serve_webroot
      measure first-uacme 1 unshare -m bash -c "$(uacme_cmd 1 first-uacme)"
      stop_webroot ;;
  esac
done

# --- report ---
certs_per_s() { awk -F'\t' -v n="$1" '$1 == n { printf "%.2f", $2 / $3 }' "$RESULTS"; }
ratio_row() { # PRODUCT BASE AIM: the product's certs/s over BASE's, against the aim
  local a b; a=$(certs_per_s "$1"); b=$(certs_per_s "$2")
  [[ -n $a && -n $b ]] || return 0
  awk -v a="$a" -v b="$b" -v p="$1" -v base="$2" -v aim="$3" 'BEGIN {
    r = a / b; printf "| %s / %s | %.2f / %.2f | **%.0f%%** | >= %d%% | %s |\n", p, base, a, b, 100 * r, 100 * aim, (r >= aim ? "met" : "MISSED") }'
}
times_row() { # PRODUCT PEER: how many times the peer's certs/s
  local a b; a=$(certs_per_s "$1"); b=$(certs_per_s "$2")
  [[ -n $a && -n $b ]] || return 0
  awk -v a="$a" -v b="$b" -v p="$1" -v peer="$2" 'BEGIN { printf "| %s / %s | %.2f / %.2f | %.1fx | | |\n", p, peer, a, b, a / b }'
}
{
  echo "## ACME benchmark: $N single-name certificates over http-01, one Pebble"
  echo
  echo "Command: \`bench/acme/run.sh $N $TOOLS\`"
  echo
  echo "| tool | certificates | wall s | certs/s (whole process) | peak RSS MiB |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  awk -F'\t' '{ printf "| %s | %d | %.2f | %.2f | %d |\n", $1, $2, $3, $2 / $3, $4 }' "$RESULTS"
  echo
  for f in "$W"/out-driver-* "$W"/out-bare-*; do
    [[ -f $f ]] && { grep -h "in-batch" "$f" | sed 's/^/    /' || true; }
  done
  echo
  ratios="$(ratio_row run-once-p4 driver-p4 0.90; ratio_row run-once-p4 bare-p4 0.80
    ratio_row run-once-p1 driver-p1 0.90; ratio_row run-once-p1 bare-p1 0.80
    for peer in certbot lego lego4 uacme; do times_row run-once-p4 "$peer"; done)"
  if [[ -n $ratios ]]; then
    echo "| ratio (whole process) | certs/s | ratio | aim | |"
    echo "| --- | ---: | ---: | ---: | --- |"
    echo "$ratios"
    echo
  fi
  for name in run-once-p4 run-once-p1; do
    awk -F'\t' -v n="$name" '$1 == n { printf "- %s peak RSS %d MiB (aim < 160 MiB): %s\n", n, $4, ($4 < 160 ? "met" : "MISSED") }' "$RESULTS"
  done
  for name in first-run-once first-issue first-uacme; do
    awk -F'\t' -v n="$name" '$1 == n { printf "- %s: first certificate with a fresh account in %.2f s, peak RSS %d MiB\n", n, $3, $4 }' "$RESULTS"
  done
  echo
  echo "Pebble 2.4 (Debian) with PEBBLE_VA_NOSLEEP=1, PEBBLE_AUTHZREUSE=0; driver JVM options: $JAVA_OPTS"
  for v in "certbot --version" "lego --version" "uacme -V"; do
    command -v "${v%% *}" >/dev/null && echo "peer: $( ($v 2>&1 || true) | head -1)"
  done
  bench_environment
} > "$W/results.md"

rm -rf "$OUT" && mkdir -p "$OUT"
cp "$W"/results.md "$W"/results.tsv "$W"/time-*.txt "$W"/out-*.txt "$OUT/" 2>/dev/null || true
echo
cat "$W/results.md"
echo
echo "raw runs: $OUT/"
[[ ${#FAILED[@]} -eq 0 ]] || bench_fail "${FAILED[*]} failed (their output is in $OUT/)"
