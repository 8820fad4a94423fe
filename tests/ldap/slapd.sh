#!/bin/sh
# slapd.sh - a throw-away OpenLDAP server for keel's directory tests.
#
#   slapd.sh start DIR PLAIN_PORT TLS_PORT   generate and start; prints nothing
#   slapd.sh stop DIR                        stop it and remove DIR
#
# DIR (created empty by the caller) gets: a test CA and a server certificate
# for IP 127.0.0.1 only, a second CA the server does not use (ca-other.pem),
# a slapd.conf (mdb backend, memberof overlay), the database, and slapd's
# pid. slapd runs as the calling user on ldap://127.0.0.1:PLAIN_PORT (with
# StartTLS) and on ldaps://127.0.0.1:TLS_PORT and ldaps://127.0.0.2:TLS_PORT
# (the certificate does not name 127.0.0.2: the wrong-host case). Data is
# loaded with ldapadd, not slapadd, because the memberof overlay ignores
# entries loaded with slapadd. Any failure exits non-zero with a message:
# a test without its server fails loudly.
set -eu
SLAPD=${SLAPD:-/usr/sbin/slapd}
HERE=$(cd "$(dirname "$0")" && pwd)
die() { echo "slapd.sh: $*" >&2; exit 1; }

certs() {
  d=$1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=keel test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" \
    -keyout "$d/ca-other.key" -out "$d/ca-other.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    > "$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
    -CAcreateserial -days 2 -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
  chmod 600 "$d"/*.key
}

conf() {
  d=$1
  cat > "$d/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile $d/slapd.pid
TLSCACertificateFile $d/ca.pem
TLSCertificateFile $d/server.pem
TLSCertificateKeyFile $d/server.key
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
database mdb
maxsize 16777216
suffix "dc=keel,dc=test"
rootdn "cn=admin,dc=keel,dc=test"
rootpw admin-secret
directory $d/db
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint true
CONF
}

start() {
  d=$1 plain=$2 tls=$3
  [ -x "$SLAPD" ] || die "no slapd at $SLAPD (apt-get install slapd ldap-utils)"
  command -v ldapadd >/dev/null || die "no ldapadd (apt-get install ldap-utils)"
  mkdir -p "$d/db"
  certs "$d"
  conf "$d"
  "$SLAPD" -f "$d/slapd.conf" -h "ldap://127.0.0.1:$plain/ ldaps://127.0.0.1:$tls/ ldaps://127.0.0.2:$tls/" \
    -s 0 2>"$d/slapd.log" || die "slapd did not start: $(cat "$d/slapd.log")"
  i=0
  until ldapsearch -x -H "ldap://127.0.0.1:$plain" -b "" -s base >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 100 ] || die "slapd does not answer on port $plain"
    sleep 0.05
  done
  export LDAPNOINIT=1
  ldapadd -x -H "ldap://127.0.0.1:$plain" -D "cn=admin,dc=keel,dc=test" -w admin-secret \
    -f "$HERE/people.ldif" >"$d/load.log" 2>&1 || die "ldapadd: $(cat "$d/load.log")"
  ldapmodify -x -H "ldap://127.0.0.1:$plain" -D "cn=admin,dc=keel,dc=test" -w admin-secret \
    -f "$HERE/cycle.ldif" >>"$d/load.log" 2>&1 || die "ldapmodify: $(cat "$d/load.log")"
}

stop() {
  d=$1
  if [ -f "$d/slapd.pid" ]; then
    kill "$(cat "$d/slapd.pid")" 2>/dev/null || true
    i=0
    while [ -f "$d/slapd.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  fi
  case "$d" in /tmp/keel-slapd.*) rm -rf "$d" ;; esac
}

case "${1:-}" in
  start) [ $# -eq 4 ] || die "usage: slapd.sh start DIR PLAIN_PORT TLS_PORT"; start "$2" "$3" "$4" ;;
  stop) [ $# -eq 2 ] || die "usage: slapd.sh stop DIR"; stop "$2" ;;
  *) die "usage: slapd.sh start|stop ..." ;;
esac
