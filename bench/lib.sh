# shellcheck shell=bash
# Shared by the bench/ scripts (source it; bash). What every benchmark needs to run on a fresh
# clone on a fresh machine: loud failures, Maven offline with an online fallback, peers installed
# from Debian when run as root, and the environment printed beside the figures.
#
# BENCH_MAVEN_ARGS: extra Maven flags for every build step (e.g. -Dmaven.repo.local=/path; no -o:
# bench_mvn tries offline first on its own).

BENCH_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

# bench_fail MESSAGE: the reason on stderr, exit 1.
bench_fail() {
  echo "bench: FAILED: $*" >&2
  exit 1
}

# A command that fails under `set -e` names itself instead of ending the script in silence.
bench_on_error() {
  echo "bench: FAILED: line ${BASH_LINENO[0]} of ${BASH_SOURCE[1]}: '${BASH_COMMAND}' exited non-zero" >&2
}
trap bench_on_error ERR
set -o errtrace

# bench_mvn ARGS...: Maven from the repository root, offline first (fast, no network), online when
# offline cannot resolve something (a plugin or dependency this machine never downloaded). Output
# goes to a log that is printed when both fail.
bench_mvn() {
  local log
  log="$(mktemp)"
  # shellcheck disable=SC2086  # BENCH_MAVEN_ARGS is a list of flags on purpose
  if (cd "$BENCH_REPO" && mvn -B -q -o ${BENCH_MAVEN_ARGS:-} "$@") > "$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  echo "bench: offline Maven failed (mvn -o $*): $(grep -m1 '^\[ERROR\]' "$log" | cut -c1-300)" >&2
  echo "bench: retrying online" >&2
  # shellcheck disable=SC2086
  if (cd "$BENCH_REPO" && mvn -B -q ${BENCH_MAVEN_ARGS:-} "$@") > "$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  tail -40 "$log" >&2
  rm -f "$log"
  bench_fail "mvn $* failed (the lines above are Maven's)"
}

# bench_need COMMAND=PACKAGE...: every command on PATH, else installed from Debian when root with
# apt-get, else a failure that lists the packages to install.
bench_need() {
  local spec missing=() packages=()
  for spec in "$@"; do
    command -v "${spec%%=*}" >/dev/null 2>&1 && continue
    [[ " ${missing[*]} " == *" ${spec%%=*} "* ]] || missing+=("${spec%%=*}")
    [[ " ${packages[*]} " == *" ${spec#*=} "* ]] || packages+=("${spec#*=}")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "bench: installing ${packages[*]} (for ${missing[*]})" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || bench_fail "apt-get update failed"
    # No service a package brings may start: the benchmarks start their own on free ports.
    local policy=/usr/sbin/policy-rc.d own_policy=""
    if [[ ! -e $policy ]]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=1
    fi
    local rc=0
    apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null || rc=$?
    [[ -z $own_policy ]] || rm -f "$policy"
    [[ $rc -eq 0 ]] || bench_fail "apt-get install ${packages[*]} failed"
    return 0
  fi
  bench_fail "missing ${missing[*]}: install them (sudo apt-get install ${packages[*]}) or run this script as root"
}

# bench_free_port: a free TCP port on 127.0.0.1.
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_environment: what the figures were measured on, printed beside them.
bench_environment() {
  local java cpu
  java="$(java -version 2>&1 | head -1)"
  cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)"
  echo "environment:"
  echo "  date:     $(date -u +%FT%TZ)"
  echo "  cores:    $(nproc) (${cpu:-unknown CPU}), memory $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "  load:     ${BENCH_LOAD_START} at start, $(cut -d' ' -f1-3 /proc/loadavg) at end (1, 5, 15 min)"
  echo "  java:     ${java}"
  echo "  kernel:   $(uname -sr)"
  echo "  commit:   $(git -C "$BENCH_REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$BENCH_REPO" diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)')"
}
