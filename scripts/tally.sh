# scripts/tally.sh - the one test protocol (tests/harness/README.md), sourced
# by every test script: what a stage prints, and how run-tests.sh counts it.
#
#   ok NAME               "ok   NAME"
#   bad NAME [DETAIL]     "FAIL NAME", then DETAIL's lines indented
#   skip NAME WHY         "skip NAME: WHY"
#   total [STAGE]         "STAGE: N passed, N failed, N skipped", the last line
#
#   tally_log LOG         for run-tests.sh: the counts of LOG as
#                         "PASSED FAILED SKIPPED", from its ok, FAIL and skip
#                         lines; status 1 when its last total line is missing
#                         or does not add up to them
passed=0
failed=0
skipped=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() {
    echo "FAIL $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | head -30 | sed 's/^/    /'
    failed=$((failed + 1))
}
skip() { echo "skip $1: $2"; skipped=$((skipped + 1)); }
total() { echo "${1:+$1: }$passed passed, $failed failed, $skipped skipped"; }

tally_log() {
    awk '
        /^ok   / { p++ }
        /^FAIL / { f++ }
        /^skip / { s++ }
        /^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$/ {
            line = $0
            sub(/^[A-Za-z0-9_-]+: /, "", line)
            split(line, w, /[ ,]+/)
            tp = w[1]; tf = w[3]; ts = (w[5] == "" ? 0 : w[5])
            have = 1
        }
        END {
            printf "%d %d %d\n", p, f, s
            exit !(have && tp == p && tf == f && ts == s)
        }' "$1"
}
