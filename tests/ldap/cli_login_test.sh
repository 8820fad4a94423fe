#!/bin/sh
# cli_login_test.sh KEEL MOCK_LLM SOURCE_DIR - `keel login`, `whoami`, `run` and
# `logout` against a real slapd (tests/ldap/slapd.sh): the session's groups
# drive a policy decision (alice, in admins through ops, may run a plan
# that bob may not), a wrong password is exit 6, an unreachable directory
# exit 5, --verbose shows every stage, the session file is 0600 without the
# password, and an expired session asks to log in again.
set -u
keel=$1 mock=$2 src=$3
fail() { echo "FAIL: $*"; exit 1; }
dir=$(mktemp -d /tmp/keel-slapd.XXXXXX) || exit 1
home=$(mktemp -d) || exit 1
trap 'sh "$src/tests/ldap/slapd.sh" stop "$dir"; rm -rf "$home"' EXIT
# random ports; slapd refuses a port in use, so try again a few times
for attempt in 1 2 3 4 5; do
  plain=$(shuf -i 20000-60000 -n 1) tls=$(shuf -i 20000-60000 -n 1)
  sh "$src/tests/ldap/slapd.sh" start "$dir" "$plain" "$tls" 2> "$home/slapd.err" && break
  [ $attempt = 5 ] && fail "slapd did not start: $(cat "$home/slapd.err")"
done

cat > "$home/config.json" <<CONF
{"directory": {"servers": ["ldaps://127.0.0.1:$tls"],
  "tls": {"ca_file": "$dir/ca.pem"},
  "bind": {"dn": "cn=keel,ou=services,dc=keel,dc=test", "password_file": "$home/service.pw"},
  "users": {"base": "dc=keel,dc=test"},
  "session_ttl_s": 60}}
CONF
echo service-secret > "$home/service.pw"
for u in alice bob; do echo "$u-pw" > "$home/$u.pw"; done
echo wrong > "$home/wrong.pw"
export HOME="$home" XDG_STATE_HOME="$home/state" KEEL_CONFIG="$home/config.json"
unset KEEL_PLUGIN_PATH KEEL_PASSWORD_FILE
k() { "$keel" "$@" > "$home/out" 2> "$home/err"; echo $?; }
plan="$src/tests/ldap/upper_plan.json" policy="$src/tests/ldap/admins_policy.xml"

[ "$(k run "$plan" --policy "$policy")" = 6 ] || fail "run before login: $(cat "$home/err")"
grep -q "run \`keel login\` first" "$home/err" || fail "no hint to log in"

[ "$(k login --user alice --password-file "$home/wrong.pw")" = 6 ] || fail "wrong password"
grep -q "unknown user or wrong password" "$home/err" || fail "wrong password message"
[ "$(k login --user nobody --password-file "$home/wrong.pw")" = 6 ] || fail "unknown user"

[ "$(k login --user alice --password-file "$home/alice.pw" --verbose)" = 0 ] || fail "login: $(cat "$home/err")"
for stage in connect tls "service bind" search "user bind" groups; do
  grep -q "keel: $stage " "$home/err" || fail "--verbose misses stage '$stage': $(cat "$home/err")"
done
grep -q "logged in as alice (Alice Admin), 3 groups" "$home/out" || fail "login output: $(cat "$home/out")"
session="$home/state/keel/session.json"
[ "$(stat -c %a "$session")" = 600 ] || fail "session mode $(stat -c %a "$session")"
grep -q "alice-pw" "$session" && fail "the session holds the password"

[ "$(k whoami)" = 0 ] || fail "whoami"
grep -q "cn=admins,ou=groups,dc=keel,dc=test" "$home/out" || fail "whoami groups: $(cat "$home/out")"
[ "$(k run "$plan" --policy "$policy")" = 0 ] || fail "alice's run: $(cat "$home/err")"
grep -q HELLO "$home/out" || fail "alice's run output"
[ "$(k run "$plan" --policy "$policy" --user bob)" = 2 ] || fail "--user with a directory"

[ "$(k login --user bob --password-file "$home/bob.pw")" = 0 ] || fail "bob's login"
[ "$(k run "$plan" --policy "$policy")" = 3 ] || fail "bob's run was not denied: $(cat "$home/err")"
[ "$(k validate "$plan" --policy "$policy")" = 3 ] || fail "bob's validate was not denied"

# keel goal with the demo's scripted model (keel-mock-llm serving
# examples/demo/model-replies.jsonl in order: a plan, then a refusal): the
# policy's ops role is the directory's ops group; alice (in it) gets a plan
# that runs, bob is never shown the functions and the model cannot plan
sed 's/dc=example,dc=com/dc=keel,dc=test/' "$src/examples/policy.xml" > "$home/ops_policy.xml"
. "$src/examples/demo/goal.env"
"$mock" "$src/examples/demo/model-replies.jsonl" > "$home/mock.url" &
mpid=$!
trap 'kill $mpid 2>/dev/null; sh "$src/tests/ldap/slapd.sh" stop "$dir"; rm -rf "$home"' EXIT
while [ ! -s "$home/mock.url" ]; do sleep 0.05; done
goal() { (cd "$src" && OPENAI_API_KEY=sk-test "$keel" goal "$GOAL" --policy "$home/ops_policy.xml" \
          --examples examples/golden --llm "$MODEL" --llm-url "$(cat "$home/mock.url")" \
          --no-cache --yes > "$home/out" 2> "$home/err"; echo $?); }
[ "$(k login --user alice --password-file "$home/alice.pw")" = 0 ] || fail "alice again"
[ "$(goal)" = 0 ] || fail "alice's goal: $(cat "$home/out" "$home/err")"
grep -q "for alice" "$home/err" || fail "alice's goal names her: $(cat "$home/err")"
[ "$(k login --user bob --password-file "$home/bob.pw")" = 0 ] || fail "bob again"
[ "$(goal)" = 2 ] || fail "bob's goal: $(cat "$home/out" "$home/err")"

# approvals record the approver's DN from their own session: bob's run
# waits for approval, alice approves it
[ "$(k run "$plan" --policy "$src/tests/ldap/approval_policy.xml")" = 4 ] || fail "bob's run did not wait: $(cat "$home/err")"
id=$(sed -n 's/^keel: run \([^ ]*\).*/\1/p' "$home/err" | head -1)
[ -n "$id" ] || fail "no run id: $(cat "$home/err")"
[ "$(k login --user alice --password-file "$home/alice.pw")" = 0 ] || fail "alice for approval"
[ "$(k approve "$id" up)" = 0 ] || fail "alice's approval: $(cat "$home/out" "$home/err")"
[ "$(k runs show "$id" --json)" = 0 ] || fail "runs show: $(cat "$home/err")"
grep -q "uid=alice,ou=people,dc=keel,dc=test" "$home/out" || fail "the approval lacks alice's DN: $(cat "$home/out")"

# expiry: a session that ended asks for a new login
sed -i -E 's/"expires":[0-9]+/"expires":1/; s/"created":[0-9]+/"created":0/' "$session"
[ "$(k run "$plan" --policy "$policy")" = 6 ] || fail "expired session accepted"
grep -q "expired" "$home/err" || fail "expiry message: $(cat "$home/err")"

[ "$(k logout)" = 0 ] && grep -q "logged out" "$home/out" || fail "logout"
[ "$(k whoami)" = 6 ] || fail "whoami after logout"

# unreachable is exit 5, not 6
sed -i "s/127.0.0.1:$tls/127.0.0.1:$plain/" "$home/config.json"
sed -i 's/"ldaps:/"ldap:/; s/"tls": {/"tls": {"mode": "starttls", /' "$home/config.json"
echo "wrong" > "$home/service.pw"
[ "$(k login --user alice --password-file "$home/alice.pw")" = 5 ] || fail "service refused: $(cat "$home/err")"
grep -q "directory unreachable" "$home/err" || fail "unreachable message"
echo "cli_login_test: ok"
