# SPDX-License-Identifier: GPL-2.0
# TAP helpers for host-side tests (bash).
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
_n=0; _failed=0
plan() { echo "1..$1"; }
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected: '$3'"; fi; }
like() { if grep -qE -- "$3" <<<"$2"; then ok "$1"; else not_ok "$1" "text: '$(head -c 400 <<<"$2")'" "pattern: '$3'"; fi; }
done_testing() { [ "$_failed" -eq 0 ]; }
