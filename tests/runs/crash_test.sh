#!/bin/sh
# crash_test.sh KEEL SOURCE_DIR BUILD_DIR [TRIALS] [SEED]
# Kills `keel run` with SIGKILL at seeded random points of a 20-step plan
# whose odd steps append a line to effects.txt (not idempotent) and whose
# even steps nap (idempotent), then resumes it as an operator would: a step
# in doubt is looked up in effects.txt and skipped with its output if its
# line is there, retried if not. Every trial must end with each line in
# effects.txt exactly once, in order, and the same output as a run that was
# never interrupted.
set -u
keel=$1 src=$2 build=$3 trials=${4:-50} seed=${5:-20261124}
plan=$src/tests/runs/crash_plan.json
policy=$src/tests/runs/crash_policy.xml
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
k() { "$keel" "$@" --plugins "$build/tests/plugins" --policy "$policy"; }

# the uninterrupted run: the reference output
k run "$plan" --state-dir "$tmp/ref" --jobs 1 > want 2> log || { cat log; exit 1; }
rm -f effects.txt
expected=$(awk 'BEGIN { for (i = 1; i <= 19; i += 2) print "s" i }')

# resume RUN: until done, deciding on steps in doubt from effects.txt
resume() {
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        args=""
        if [ -s doubt ]; then
            for s in $(cat doubt); do
                if grep -qx "$s" effects.txt 2>/dev/null; then
                    args="$args --skip $s --output '\"$s\"'"
                else
                    args="$args --retry $s"
                fi
            done
        fi
        eval "k resume $1 --state-dir \"$tmp/st\" $args" > got 2> err
        code=$?
        cat err >> log
        [ $code = 0 ] && return 0
        # "step 's7' (exectest.append) started and did not finish ..."
        sed -n "s/.*step '\([a-z0-9]*\)' (exectest.append) started and did not finish.*/\1/p" err > doubt
        [ -s doubt ] || { echo "resume failed (exit $code):"; grep -v "warning: loader" err; return 1; }
    done
    return 1
}

failed=0 doubts=0 early=0
for t in $(seq "$trials"); do
    rm -rf st effects.txt doubt log
    delay=$(awk -v s="$seed" -v t="$t" 'BEGIN { srand(s + t); printf "%.3f", 0.03 + rand() * 0.3 }')
    "$keel" run "$plan" --state-dir "$tmp/st" --jobs 1 --plugins "$build/tests/plugins" \
        --policy "$policy" > /dev/null 2>> log &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    id=$(ls st/runs 2>/dev/null | head -1)
    if [ -z "$id" ]; then # killed before the run existed: run it now
        early=$((early + 1))
        k run "$plan" --state-dir "$tmp/st" --jobs 1 > got 2>> log || { failed=1; continue; }
    else
        resume "$id" || { echo "trial $t: could not finish"; failed=1; continue; }
    fi
    [ -s doubt ] && doubts=$((doubts + 1))
    if [ "$(cat effects.txt)" != "$expected" ]; then
        echo "trial $t (kill after ${delay}s): effects differ:"; cat effects.txt
        failed=1
    elif ! cmp -s got want; then
        echo "trial $t (kill after ${delay}s): output differs:"; diff want got
        failed=1
    fi
    # the journal of every trial verifies
    [ -n "$id" ] && ! "$keel" runs verify "$id" --state-dir "$tmp/st" > /dev/null 2>&1 &&
        { echo "trial $t: journal does not verify"; failed=1; }
done
echo "$trials trials (seed $seed): $early killed before the run existed," \
     "$doubts needed an operator decision on a step in doubt"
[ $failed = 0 ] && echo "ok: every side effect exactly once, outputs equal"
exit $failed
