#!/usr/bin/env bash
# Package test (CI runs it after the build): builds the .deb, installs it, checks what an operator
# gets, upgrades it over an edited config, removes and purges it, and checks nothing is left.
#
#   packaging/test-deb.sh [JAR]        (root; default JAR agent/target/certferry.jar)
#
# It installs the package on this machine for a few seconds, so it refuses to run where certferry
# is installed already (under CI=true it purges a copy a killed run left behind).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${1:-$here/../agent/target/certferry.jar}"
unit=/lib/systemd/system/certferry.service
max_exposure=2.0

passed=0
step() { echo "deb: $*"; }
ok() { passed=$((passed + 1)); step "ok: $*"; }
fail() { echo "deb: FAILED: $*" >&2; exit 1; }
installed() { dpkg-query -W -f='${db:Status-Status}' certferry 2>/dev/null | grep -qv '^not-installed$'; }

[[ $(id -u) -eq 0 ]] || fail "run as root: the test installs the package with dpkg -i"
for tool in dpkg-deb systemd-analyze runuser; do
  command -v "$tool" >/dev/null || fail "$tool not found (apt-get install systemd util-linux dpkg)"
done
if installed; then
  [[ "${CI:-}" == true ]] || fail "certferry is installed on this machine; purge it first (dpkg --purge certferry)"
  step "purging a certferry package left by an earlier run"
  dpkg --purge certferry >/dev/null
fi
work="$(mktemp -d)"
trap 'if installed; then dpkg --purge certferry >/dev/null 2>&1 || true; fi; rm -rf "$work"' EXIT

# Ownership and mode of PATH, as "MODE USER:GROUP".
perms() { stat -c '%a %U:%G' "$1"; }
expect_perms() { # PATH WANT
  local got; got="$(perms "$1")"
  [[ "$got" == "$2" ]] || fail "$1 is $got, want $2"
}

deb="$("$here/build-deb.sh" "$jar" "$work/v1")"
version="$(dpkg-deb -f "$deb" Version)"
step "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

step "dpkg -i"
dpkg -i "$deb" > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i $deb"; }

got="$(certferry --version)"
[[ "$got" == "certferry ${version//\~/-}" ]] || fail "certferry --version printed '$got', want 'certferry ${version//\~/-}'"
ok "certferry --version: $got"

getent passwd certferry | grep -q ':/var/lib/certferry:/usr/sbin/nologin$' \
  || fail "user certferry: $(getent passwd certferry || echo missing), want home /var/lib/certferry and shell nologin"
(( $(id -u certferry) < 1000 )) || fail "certferry is not a system user (uid $(id -u certferry))"
expect_perms /etc/certferry "750 root:certferry"
expect_perms /etc/certferry/agent.yaml "640 root:certferry"
expect_perms /var/lib/certferry "700 certferry:certferry"
expect_perms /usr/lib/certferry/certferry.jar "644 root:root"
[[ -s /var/cache/certferry/certferry.jsa ]] || fail "postinst made no class-data sharing archive"
ok "user, folders and modes as documented"

as_agent() { runuser -u certferry -- "$@"; }
as_agent certferry check-config --config /etc/certferry/agent.yaml || fail "check-config of the shipped example"
# The shipped config works as it is: one pass issues from the local CA and writes the files.
as_agent certferry run --once --config /etc/certferry/agent.yaml > "$work/run.log" 2>&1 \
  || { cat "$work/run.log"; fail "run --once on the shipped example"; }
expect_perms /var/lib/certferry/out/example/key.pem "600 certferry:certferry"
as_agent certferry list --json | grep -q '"name" *: *"example"' || fail "list (store from the launcher's default) shows no 'example'"
# The commented ACME example at the end of the shipped config is valid once uncommented and its
# webroot exists (check-config requires the folder the web server serves for the name).
mkdir -p /var/www/acme
awk '/^#  - name: www/ { on = 1 } on { sub(/^#/, "") } { print }' /etc/certferry/agent.yaml > "$work/acme.yaml"
certferry check-config --config "$work/acme.yaml" | grep -q 'OK (2 certificate' || fail "the commented ACME example does not pass check-config"
ok "check-config (shipped and commented examples), run --once and list as user certferry"

systemd-analyze verify "$unit" > "$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify $unit"; }
[[ ! -s "$work/verify.log" ]] || { cat "$work/verify.log"; fail "systemd-analyze verify $unit warned"; }
ok "systemd-analyze verify: clean"
security="$(systemd-analyze security --offline=yes "$unit" 2>&1)" || { echo "$security"; fail "systemd-analyze security"; }
exposure="$(sed -n 's/.*Overall exposure level for certferry.service: \([0-9.]*\).*/\1/p' <<<"$security")"
[[ -n "$exposure" ]] || { echo "$security"; fail "no exposure level in systemd-analyze security's output"; }
awk -v e="$exposure" -v max="$max_exposure" 'BEGIN { exit !(e <= max) }' \
  || { echo "$security"; fail "exposure $exposure is above $max_exposure"; }
ok "systemd-analyze security: exposure $exposure (at most $max_exposure)"

# An operator's `systemctl enable` (it works on the files, no running systemd needed): purge undoes it.
systemctl enable certferry.service > "$work/enable.log" 2>&1 || { cat "$work/enable.log"; fail "systemctl enable"; }
wants=/etc/systemd/system/multi-user.target.wants/certferry.service
[[ -L "$wants" ]] || fail "systemctl enable made no $wants"

# Upgrade over an operator's edit: dpkg keeps the edited conffile, postinst keeps user and modes.
echo "# edited by the operator" >> /etc/certferry/agent.yaml
edited="$(md5sum < /etc/certferry/agent.yaml)"
deb2="$(DEB_VERSION="$version+upgrade" "$here/build-deb.sh" "$jar" "$work/v2")"
dpkg -i --force-confold "$deb2" > "$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "dpkg -i (upgrade)"; }
[[ "$(dpkg-query -W -f='${Version}' certferry)" == "$version+upgrade" ]] || fail "upgrade did not install $version+upgrade"
[[ "$(md5sum < /etc/certferry/agent.yaml)" == "$edited" ]] || fail "upgrade replaced the edited /etc/certferry/agent.yaml"
expect_perms /etc/certferry/agent.yaml "640 root:certferry"
[[ -s /var/lib/certferry/out/example/key.pem ]] || fail "upgrade lost the store"
ok "upgrade to $version+upgrade kept the edited config and the store"

dpkg --remove certferry > "$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg --remove"; }
[[ ! -e /usr/bin/certferry && ! -e /usr/lib/certferry && ! -e "$unit" && ! -e /var/cache/certferry ]] \
  || fail "dpkg --remove left program files"
[[ -f /etc/certferry/agent.yaml && -d /var/lib/certferry/certs ]] && getent passwd certferry >/dev/null \
  || fail "dpkg --remove must keep the config, the store and the user"
ok "dpkg --remove: program gone; config, store and user kept"

dpkg --purge certferry > "$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge"; }
if dpkg -L certferry > "$work/left.txt" 2>/dev/null && [[ -s "$work/left.txt" ]]; then
  cat "$work/left.txt"; fail "dpkg -L certferry still lists files after purge"
fi
for path in /etc/certferry /var/lib/certferry /var/cache/certferry /usr/lib/certferry /usr/bin/certferry "$unit" "$wants"; do
  [[ ! -e "$path" && ! -L "$path" ]] || fail "$path is left after purge"
done
! getent passwd certferry >/dev/null || fail "user certferry is left after purge"
! getent group certferry >/dev/null || fail "group certferry is left after purge"
ok "dpkg --purge: nothing left (files, folders, user, group)"
# The plain summary line CI reads beside the Maven tests' own.
echo "deb: $passed passed, 0 failed"
