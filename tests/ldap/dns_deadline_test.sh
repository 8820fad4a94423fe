#!/bin/sh
# dns_deadline_test.sh KEEL SILENT_UDP - a directory whose host name the DNS
# never answers: `keel login` must give up within timeouts.connect_ms with
# exit 5 and say the name was not resolved, not wait out the resolver's own
# timeouts (here 5 s a try, 3 tries). In a private mount namespace,
# /etc/resolv.conf is replaced by one naming a silent server on 127.0.0.9.
# Needs root (unshare, mount, port 53): it fails, loudly, without it.
set -u
keel=$1 silent=$2
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root for a private mount namespace and port 53"
home=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid"; rm -rf "$home"' EXIT
"$silent" 127.0.0.9 53 > "$home/ready" 2> "$home/silent.err" &
pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
  grep -q ready "$home/ready" && break
  sleep 0.1
done
grep -q ready "$home/ready" || fail "silent DNS server: $(cat "$home/silent.err")"
printf 'nameserver 127.0.0.9\noptions timeout:5 attempts:3\n' > "$home/resolv.conf"
cat > "$home/config.json" <<CONF
{"directory": {"servers": ["ldap://ldap.keel-dns-test.example:389"],
  "tls": {"mode": "insecure"},
  "bind": {"dn": "cn=keel,dc=keel,dc=test", "password_file": "$home/pw"},
  "users": {"base": "dc=keel,dc=test"},
  "timeouts": {"connect_ms": 700, "operation_ms": 1000, "total_ms": 3000}}}
CONF
echo secret > "$home/pw"
export HOME="$home" XDG_STATE_HOME="$home/state" KEEL_CONFIG="$home/config.json"
start=$(date +%s%N)
unshare -m sh -c 'mount --bind "$1/resolv.conf" /etc/resolv.conf &&
  exec "$2" login --user alice --password-file "$1/pw"' sh "$home" "$keel" \
  > "$home/out" 2> "$home/err"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $rc = 5 ] || fail "exit $rc, not 5: $(cat "$home/err")"
grep -q "was not resolved in time (timeouts.connect_ms)" "$home/err" ||
  fail "message: $(cat "$home/err")"
# the resolver alone would take 15 s; connect_ms is 700 (a wide margin
# for a loaded machine: this checks the deadline, not speed)
[ $ms -lt 10000 ] || fail "took $ms ms (connect_ms is 700)"
echo "dns_deadline_test: ok, gave up after $ms ms"
