#!/bin/bash
# ACME throughput benchmark: N single-name certificates over http-01 against one local Pebble
# (PEBBLE_VA_NOSLEEP=1), whole-process wall time, certs/s and peak RSS (/usr/bin/time -v) for:
# the certferry library driver (one JVM), a bare acme4j loop (the floor), certbot, lego,
# 4 parallel lego processes and uacme.
#
# Usage: bench/acme/run.sh [N] [TOOLS...]   (default N=50, TOOLS="certferry certferry-par4 bare certbot lego lego4 uacme";
#        also certferry-mem: the driver with an in-memory store, to separate issuance from fsync'd store writes)
# Needs: pebble, pebble-challtestsrv, openssl, java, mvn, certbot, lego, uacme, python3, /usr/bin/time, unshare (root, for uacme).
set -euo pipefail
N=${1:-50}
shift || true
TOOLS=${*:-"certferry certferry-par4 bare certbot lego lego4 uacme"}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/certferry-bench-acme.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- build the driver (core classes + test classes) ---
(cd "$ROOT" && mvn -B -o -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile="$W/cp.txt" >/dev/null)
CP="$ROOT/core/target/classes:$ROOT/core/target/test-classes:$(cat "$W/cp.txt")"
JAVA_OPTS=${JAVA_OPTS:-"-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"}

# --- Pebble's TLS certificate (Debian ships none) ---
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench root" \
  -keyout "$W/root.key" -out "$W/root.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$W/key.pem" -out "$W/cert.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$W/ext.cnf"
openssl x509 -req -in "$W/cert.csr" -CA "$W/root.pem" -CAkey "$W/root.key" -CAcreateserial -days 2 \
  -extfile "$W/ext.cnf" -out "$W/cert.pem" 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt "$W/root.pem" > "$W/bundle.pem"

CHALL=$(free_port); DNS=$(free_port); ACME=$(free_port); MGMT=$(free_port); HTTP=$(free_port); TLS=$(free_port)
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
for i in $(seq 1 200); do curl -sf --cacert "$W/root.pem" "$DIR" >/dev/null && break; sleep 0.05; done
curl -sf --cacert "$W/root.pem" "$DIR" >/dev/null || { echo "pebble did not start"; cat "$W/pebble.log"; exit 1; }

RESULTS="$W/results.txt"
: > "$RESULTS"
# measure NAME COMMAND...: runs under /usr/bin/time -v, records wall s, certs/s, peak RSS MiB
measure() {
  local name=$1; shift
  echo ">> $name" >&2
  /usr/bin/time -v -o "$W/time-$name.txt" "$@" > "$W/out-$name.txt" 2>&1 || { echo "$name FAILED"; tail -20 "$W/out-$name.txt"; return 0; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$W/time-$name.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$W/time-$name.txt")
  printf '%-16s %4d certs  %7.2f s  %6.2f certs/s  peak RSS %4d MiB\n' "$name" "$N" "$wall" "$(echo "$N / $wall" | bc -l)" "$rss" | tee -a "$RESULTS"
  grep -h "in-batch" "$W/out-$name.txt" | sed 's/^/                  /' | tee -a "$RESULTS" || true
}

serve_webroot() { # static server on the validation port for webroot-based tools
  mkdir -p "$W/webroot"
  python3 -m http.server "$HTTP" --bind 127.0.0.1 --directory "$W/webroot" > "$W/http.log" 2>&1 &
  WEBPID=$!
  for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$HTTP/" && break; sleep 0.05; done
}
stop_webroot() { kill "$WEBPID"; wait "$WEBPID" 2>/dev/null || true; }

for tool in $TOOLS; do
  case $tool in
    certferry) measure certferry java $JAVA_OPTS -cp "$CP" io.certferry.core.bench.AcmeBench "$DIR" "$W/root.pem" "$HTTP" "$N" "$W/store" 1 cf ;;
    certferry-mem) measure certferry-mem java $JAVA_OPTS -cp "$CP" io.certferry.core.bench.AcmeBench "$DIR" "$W/root.pem" "$HTTP" "$N" memory 1 cfm ;;
    certferry-par4) measure certferry-par4 java $JAVA_OPTS -cp "$CP" io.certferry.core.bench.AcmeBench "$DIR" "$W/root.pem" "$HTTP" "$N" "$W/store4" 4 cf4 ;;
    bare) measure bare-acme4j java $JAVA_OPTS -cp "$CP" io.certferry.core.bench.BareAcme4jLoop "$DIR" "$W/root.pem" "$HTTP" "$N" ;;
    certbot)
      measure certbot bash -c 'for i in $(seq 1 '"$N"'); do REQUESTS_CA_BUNDLE='"$W/bundle.pem"' certbot certonly --standalone \
        --non-interactive --agree-tos --register-unsafely-without-email --server '"$DIR"' --http-01-port '"$HTTP"' \
        --http-01-address 127.0.0.1 --config-dir '"$W/certbot"' --work-dir '"$W/certbot"' --logs-dir '"$W/certbot"' \
        -d certbot-$i.bench.example.com -q || exit 1; done' ;;
    lego)
      measure lego bash -c 'for i in $(seq 1 '"$N"'); do LEGO_CA_CERTIFICATES='"$W/root.pem"' lego --server '"$DIR"' \
        --accept-tos --email bench@example.com --path '"$W/lego"' --http --http.port 127.0.0.1:'"$HTTP"' \
        -d lego-$i.bench.example.com run >/dev/null 2>&1 || exit 1; done' ;;
    lego4)
      serve_webroot
      measure lego4 bash -c 'seq 1 '"$N"' | xargs -P4 -I{} sh -c "LEGO_CA_CERTIFICATES='"$W/root.pem"' lego --server '"$DIR"' \
        --accept-tos --email bench@example.com --path '"$W/lego4"'-\$(( {} % 4 )) --http --http.webroot '"$W/webroot"' \
        -d lego4-{}.bench.example.com run >/dev/null 2>&1"'
      stop_webroot ;;
    uacme)
      serve_webroot
      measure uacme unshare -m bash -c 'mount --bind '"$W/bundle.pem"' /etc/ssl/certs/ca-certificates.crt && \
        export WEBROOT='"$W/webroot"' && uacme -a '"$DIR"' -c '"$W/uacme"' -y -t EC new >/dev/null 2>&1 && \
        for i in $(seq 1 '"$N"'); do uacme -a '"$DIR"' -c '"$W/uacme"' -y -t EC -h '"$ROOT/bench/acme/uacme-hook.sh"' \
        issue uacme-$i.bench.example.com >/dev/null 2>&1 || exit 1; done'
      stop_webroot ;;
    *) echo "unknown tool $tool" >&2 ;;
  esac
done
echo
echo "== $N single-name certificates over http-01, one Pebble (PEBBLE_VA_NOSLEEP=1), $(nproc) cores, $(date -u +%FT%TZ)"
cat "$RESULTS"
