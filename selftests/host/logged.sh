# SPDX-License-Identifier: GPL-2.0
# Sourced by host tests that boot with the hypervisor's log kept.
#
# run_logged NAME [TESTBENCH-OPTION...] -- COMMAND...: one testbench boot,
# the hypervisor's log channel kept in $BUILD/check/NAME.hv.log and the
# console in NAME.console.  On a failure the log's last 80 lines are
# printed as TAP comments, so that a CI log alone shows what the
# hypervisor saw.
run_logged() {
	local name=$1 dir=${BUILD:-$TOP/build}/check rc
	shift
	mkdir -p "$dir"
	"$TOP/scripts/testbench" --hvlog "$dir/$name.hv.log" "$@" | tee "$dir/$name.console"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ] || grep -q '^not ok' "$dir/$name.console"; then
		echo "# the hypervisor's log, last 80 lines ($dir/$name.hv.log):"
		tail -n 80 "$dir/$name.hv.log" | sed 's/^/# hv: /'
	fi
	return "$rc"
}

# run_smp4 NAME [TESTBENCH-OPTION...]: selftests/guest/52-smp.t on 4 CPUs.
run_smp4() {
	local name=$1
	shift
	run_logged "$name" --smp 4 --timeout 600 "$@" -- \
		sh -c 'echo 1 > /proc/sys/kernel/printk; exec sh /selftests/52-smp.t'
}

# refused_ports NAME [PORT...]: one TAP test on the log run_logged kept:
# across the whole boot, every launch included, the port policy's default
# deny (hv/arch/x86/ioports.c) refused no port but the PORTs an attack
# touches on purpose (0x-numbers, as the log writes them).  A log with
# no launch in it fails: the check would prove nothing.
refused_ports() {
	local name=$1 log=${BUILD:-$TOP/build}/check/$1.hv.log got p
	shift
	echo "1..1"
	if ! grep -q 'xmhf: I/O ports: ' "$log" 2>/dev/null; then
		echo "not ok 1 - $name: the default deny refused no port Linux used # no launch in $log"
		return 1
	fi
	got=$(grep -o 'at refused port 0x[0-9a-f]*' "$log" | sed 's/.* //' | sort -u)
	for p in "$@"; do
		got=$(echo "$got" | grep -vx "$p")
	done
	if [ -z "$got" ]; then
		echo "ok 1 - $name: the default deny refused no port Linux used (deliberate: ${*:-none})"
	else
		echo "not ok 1 - $name: the default deny refused ports Linux used:" $got
		grep 'at refused port' "$log" | sed 's/^/# hv: /' | head -n 20
		return 1
	fi
}
