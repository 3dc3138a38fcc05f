#!/usr/bin/env bash
# Builds the Debian package from the agent's jar, with dpkg-deb from a staged tree.
#
#   packaging/build-deb.sh [JAR] [OUT_DIR]
#
# JAR: the shaded jar (default agent/target/certferry.jar, made by `mvn -B -DskipTests package`).
# OUT_DIR: where certferry_VERSION_all.deb goes (default target/deb). Prints the package's path.
# The version is the project's (pom.xml): 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT, which sorts
# before 0.1.0. DEB_VERSION overrides it (the package test builds an upgrade with it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
jar="${1:-$repo/agent/target/certferry.jar}"
out="${2:-$repo/target/deb}"

fail() { echo "build-deb: $*" >&2; exit 1; }
[[ -f "$jar" ]] || fail "$jar not found: build it first with 'mvn -B -DskipTests package', or pass the jar's path"
command -v dpkg-deb >/dev/null || fail "dpkg-deb not found: install the dpkg package"

# The project's own <version> is the first one in the parent pom (it has no <parent>).
pom_version="$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$repo/pom.xml" | head -1)"
[[ -n "$pom_version" ]] || fail "no <version> found in $repo/pom.xml"
version="${DEB_VERSION:-${pom_version//-/\~}}"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/certferry"
install -d -m 0755 "$pkg/DEBIAN" "$pkg/usr/lib/certferry" "$pkg/usr/bin" "$pkg/lib/systemd/system" \
  "$pkg/usr/share/doc/certferry/examples"
install -d -m 0750 "$pkg/etc/certferry"
install -m 0644 "$jar" "$pkg/usr/lib/certferry/certferry.jar"
install -m 0755 "$here/certferry.sh" "$pkg/usr/bin/certferry"
install -m 0644 "$here/certferry.service" "$pkg/lib/systemd/system/certferry.service"
# 0640 from the start: postinst gives it to group certferry, which does not exist at unpack time.
install -m 0640 "$here/agent.yaml" "$pkg/etc/certferry/agent.yaml"
install -m 0644 "$repo"/examples/*.yaml "$pkg/usr/share/doc/certferry/examples/"

for script in postinst prerm postrm; do
  install -m 0755 "$here/deb/$script" "$pkg/DEBIAN/$script"
done
# dpkg keeps an operator's edits to a conffile on upgrade and removes it only on purge.
echo /etc/certferry/agent.yaml > "$pkg/DEBIAN/conffiles"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' \
  | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
size="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$size/" "$here/deb/control" > "$pkg/DEBIAN/control"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/certferry_${version}_all.deb"
# The jar is compressed already: a fast gzip level costs little size and keeps the build at seconds.
dpkg-deb --root-owner-group -Zgzip -z1 --build "$pkg" "$deb" >/dev/null
echo "$deb"
