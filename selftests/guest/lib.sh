# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the in-guest selftests (busybox sh).
# Each test script: . /selftests/lib.sh; plan N; ok/fail/skip ...; done_testing

_tap_n=0
_tap_failed=0

plan() { echo "1..$1"; }

ok() {	# ok DESC -- pass
	_tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"
}

not_ok() {	# not_ok DESC [DETAIL...]
	_tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1"; shift
	for l in "$@"; do echo "#   $l"; done
}

skip() {	# skip DESC REASON
	_tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"
}

check() {	# check DESC COMMAND...: passes when COMMAND succeeds
	_d=$1; shift
	if "$@" >/tmp/tap.out 2>&1; then ok "$_d"; else not_ok "$_d" "command: $*" "$(tail -5 /tmp/tap.out)"; fi
}

is() {	# is DESC GOT EXPECTED
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected: '$3'"; fi
}

like() {	# like DESC TEXT PATTERN (grep -E)
	if printf '%s\n' "$2" | grep -qE -- "$3"; then ok "$1"; else not_ok "$1" "text: '$(printf '%s' "$2" | head -c 300)'" "pattern: '$3'"; fi
}

# run_tap DESC PROGRAM [ARG...]: a test program that prints its own TAP
# (its plan first).  Its lines pass through as they come; then one result
# of ours: it exited 0 and printed every result it planned.  A program
# that cannot run, crashes or stops half-way fails here, whatever its
# own lines said (and the plan it printed is then not met either).
run_tap() {
	_d=$1; shift
	{ "$@" 2>&1; echo $? > /tmp/tap.rc; } | tee /tmp/tap.prog
	_rc=$(cat /tmp/tap.rc)
	_pl=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' /tmp/tap.prog | head -n 1)
	_seen=$(grep -cE '^(not )?ok [0-9]+' /tmp/tap.prog)
	if [ "$_rc" = 0 ] && [ -n "$_pl" ] && [ "$_seen" -eq "$_pl" ]; then
		ok "$_d"
	else
		not_ok "$_d" "command: $*" "exit status $_rc; planned ${_pl:-nothing}, printed $_seen results"
	fi
}

done_testing() { [ "$_tap_failed" -eq 0 ]; }

# Module helpers.
xmhf_loaded() { grep -q '^xmhf ' /proc/modules; }
# Free memory in kB: MemFree plus the pages parked on the per-CPU free
# lists ("count:" in /proc/zoneinfo).  Those are free too, but MemFree
# leaves them out, which makes it jump by hundreds of kB between samples.
mem_free_kb() {
	sync; echo 3 > /proc/sys/vm/drop_caches
	_mf=$(awk '/^MemFree:/ { print $2 }' /proc/meminfo)
	_pcp=$(awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo)
	echo $((_mf + _pcp))
}
# Free memory for a leak check over many cycles (soak.sh), in kB, read
# once the kernel has settled: caches dropped, every slab cache shrunk
# (empty slab pages go back), memory compacted.  MemFree, plus the per-CPU
# free lists, plus the free space left inside slab pages: objects freed on
# pages that live objects still share (fragmentation from whatever ran,
# reused by the next allocation of that size).  A leaked page, vmalloc
# area or slab object still counts as used.  mem_settled_why prints the
# parts of the last reading (a file: the reading runs in $(...)).
mem_settled_kb() {
	sync; echo 3 > /proc/sys/vm/drop_caches
	for _f in /sys/kernel/slab/*/shrink; do echo 1 > "$_f"; done 2>/dev/null
	echo 1 > /proc/sys/vm/compact_memory 2>/dev/null
	_mf=$(awk '/^MemFree:/ { print $2 }' /proc/meminfo)
	_pcp=$(awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo)
	_sfree=$(awk 'NR > 2 { s += ($3 - $2) * $4 } END { print int(s / 1024) }' /proc/slabinfo)
	echo "MemFree $_mf + per-CPU lists $_pcp + free in slabs $_sfree kB;" \
		$(grep -E '^(SUnreclaim|VmallocUsed|PageTables|KernelStack):' /proc/meminfo) \
		> /tmp/mem-settled.why
	echo $((_mf + _pcp + _sfree))
}
mem_settled_why() { cat /tmp/mem-settled.why; }
# dmesg lines the module printed since the marker was set.
# By timestamp, not by line count: the kernel's ring drops old lines once
# full, and every unload copies the hypervisor's log into it.
dmesg_mark() { dmesg | tail -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' > /tmp/dmesg.mark; }
dmesg_since() {
	dmesg | awk -v m="$(cat /tmp/dmesg.mark 2>/dev/null)" \
		'{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 > m + 0) print }'
}
dmesg_new() { dmesg_since | grep 'xmhf:'; }
# Flip one byte of a file in place: flip_byte FILE OFFSET
flip_byte() {
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %o $(( (_b ^ 0xff) & 0xff )))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
