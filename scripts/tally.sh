# scripts/tally.sh - sourced by the test scripts that count their own checks:
# `ok NAME` and `bad NAME [DETAIL]` print one line each and count it; the
# script ends with its "N passed, N failed" line from $passed and $failed.
passed=0
failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() {
    echo "FAIL $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | head -30
    failed=$((failed + 1))
}
