#!/bin/sh
# uacme hook: answer http-01 by writing into $WEBROOT (served on the validation port).
# args: method type ident token auth
METHOD=$1 TYPE=$2 TOKEN=$4 AUTH=$5
[ "$TYPE" = "http-01" ] || exit 1
DIR="$WEBROOT/.well-known/acme-challenge"
case "$METHOD" in
  begin) mkdir -p "$DIR" && printf '%s' "$AUTH" > "$DIR/$TOKEN" ;;
  done|failed) rm -f "$DIR/$TOKEN" ;;
esac
