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
