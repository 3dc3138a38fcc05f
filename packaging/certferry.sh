#!/bin/sh
# certferry: the packaged launcher (/usr/bin/certferry). Runs /usr/lib/certferry/certferry.jar with
# the JVM flags of the repository's ./certferry launcher: tuned for a short-lived CLI (fast
# start-up, small bounded heap), with the class-data sharing archive the package made at install.
# The store defaults to the agent's, /var/lib/certferry (0700, user certferry): run commands that
# read it as that user, e.g. `sudo -u certferry certferry list`. Extra JVM flags: CERTFERRY_JAVA_OPTS.
set -eu

jar=/usr/lib/certferry/certferry.jar
cds=/var/cache/certferry/certferry.jsa

CERTFERRY_STORE="${CERTFERRY_STORE:-/var/lib/certferry}"
export CERTFERRY_STORE

cds_opts=""
if [ -r "$cds" ] && [ -z "${CERTFERRY_NO_CDS:-}" ]; then
  # -Xshare:auto falls back to normal loading if the archive does not match this JVM (say, after a
  # Java update; `dpkg-reconfigure certferry` makes a fresh one); its notices go nowhere.
  cds_opts="-XX:SharedArchiveFile=$cds -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
fi

# shellcheck disable=SC2086  # CERTFERRY_JAVA_OPTS and cds_opts are lists of flags on purpose
exec java ${CERTFERRY_JAVA_OPTS:-} $cds_opts -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 \
  -Xms64m -Xmx160m -XX:MaxMetaspaceSize=96m -jar "$jar" "$@"
