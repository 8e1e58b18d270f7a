#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The in-guest half of `make bench` (scripts/bench boots the testbench once
# and runs this with busybox sh).  In one boot:
#   1. native:  microbench getpid, forkexec, mmap (before any module loads);
#               then, with the module loaded but not launched (launch=none),
#               the IPI round trip (xmhfctl bench-smp --kind ipi);
#   2. peer:    modprobe kvm_amd, kvm-vmmcall, rmmod kvm_amd kvm;
#   3. hoisted: modprobe xmhf launch=emulated (timed: the launch latency) and,
#               only if /sys/kernel/xmhf/state says "launched", the same
#               microbenchmarks, the null hypercall (xmhfctl bench-hypercall),
#               the IPI round trip and the quiesce test hypercall (xmhfctl
#               bench-smp --kind ipi / quiesce), and the unload (xmhfctl
#               unload, else rmmod xmhf; timed);
#   4. after:   the microbenchmarks natively again, after a successful
#               unload: the drift between 1 and 4 shows how steady the
#               machine was (the host's load moves TCG's speed).
#
#   run-bench.sh [--quick]      --quick: few iterations, for a smoke test
#
# Output for the host, one line each (anything else is commentary):
#   BENCH KEY NS            a figure, in ns (per iteration, or per call)
#   BENCH-NA KEY REASON     a figure that could not be taken, and why
#   BENCH-INFO KEY VALUE    context (kernel, CPU, iterations, unload method)
#   BENCH-PHASE NAME        progress: native, ipi, kvm, launch, hoisted,
#                           hypercall, smp, unload, after, done; tells the
#                           host where a dead guest died
# KEYs: native.{getpid,forkexec,mmap}, hoisted.{getpid,forkexec,mmap},
#       after.{getpid,forkexec,mmap}, kvm.vmmcall, ours.hypercall, launch,
#       unload, native.ipi, hoisted.ipi, ours.quiesce.
#
# The hypervisor-side seam: `xmhfctl bench-hypercall --iterations N --json`
# is expected to print one JSON object with "ns_per_op" (ns per null
# hypercall round trip; "ns_per_call" is accepted too), like microbench and
# kvm-vmmcall do; it is called REPEAT_HV times and the fastest counts.
# While it, `xmhfctl unload` or the launch itself are
# missing, the rows say n/a and why.  The same holds for `xmhfctl bench-smp
# --kind ipi|quiesce --iterations N --json` ("ns_per_op", and "stopped":
# the other CPUs each quiesce stopped), which needs XMHF_IOC_BENCH_SMP in
# the module and, for quiesce, XMHF_HC_QUIESCE_TEST in the hypervisor.
#
# Exit status: 0 when the native and KVM figures were taken (the hoisted
# ones may be n/a: they depend on the hypervisor), 1 otherwise.

quick=0
case "${1:-}" in
	--quick) quick=1 ;;
	"") ;;
	*) echo "usage: run-bench.sh [--quick]" >&2; exit 2 ;;
esac

# Iterations per timed loop, and loops per figure: every figure is the
# fastest loop (noise only adds time; see userspace/bench/microbench.c).
# Each figure takes 1-4 s under TCG.
if [ $quick -eq 1 ]; then
	N_GETPID=5000 N_FORKEXEC=3 N_MMAP=20 N_KVM=1000 N_HCALL=500 REPEAT=3 REPEAT_HV=2
	N_IPI=200 N_QUIESCE=50
else
	N_GETPID=100000 N_FORKEXEC=20 N_MMAP=200 N_KVM=20000 N_HCALL=4000 REPEAT=15 REPEAT_HV=5
	N_IPI=2000 N_QUIESCE=500
fi

# The benchmark programs: scripts/bench adds them under /extra; a staged
# tree may also put them on PATH.
if [ -x /extra/microbench ] && [ -x /extra/kvm-vmmcall ]; then
	MB=/extra/microbench KV=/extra/kvm-vmmcall
else
	MB=$(command -v microbench) KV=$(command -v kvm-vmmcall)
fi
if [ -z "$MB" ] || [ -z "$KV" ]; then
	echo "run-bench: microbench and kvm-vmmcall not found (in /extra or on PATH)" >&2
	exit 1
fi

status=0
tmp=/tmp/bench.$$
mkdir -p "$tmp"

# The value of the JSON key "ns_per_op" (or "ns_per_call") on stdin.
json_ns() {
	sed -nE 's/.*"ns_per_(op|call)" *: *([0-9][0-9.]*).*/\2/p' | head -n 1
}
# One line of text, for a reason: first non-empty line, whitespace squeezed.
first_line() {
	grep -v '^[[:space:]]*$' | head -n 1 | tr -s ' \t' '  ' | cut -c 1-160
}
module_loaded() { grep -q "^$1 " /proc/modules; }

# run_micro PREFIX: the three microbenchmarks, as PREFIX.getpid etc.
# Returns non-zero if any failed.  They run on CPU 0 (the BSP, online in
# every phase), children included: the figure then does not depend on how
# many CPUs are online (the hypervisor may keep the APs offline), and
# fork+exec does not pay for waking the other vCPU, which under TCG made it
# vary two-fold between runs.
run_micro() {
	_rc=0
	for _b in getpid forkexec mmap; do
		case $_b in
			getpid) _n=$N_GETPID ;;
			forkexec) _n=$N_FORKEXEC ;;
			mmap) _n=$N_MMAP ;;
		esac
		if "$MB" "$_b" --iterations "$_n" --repeat "$REPEAT" --cpu 0 --json \
			> "$tmp/out" 2> "$tmp/err"; then
			_v=$(json_ns < "$tmp/out")
		else
			_v=
		fi
		if [ -n "$_v" ]; then
			echo "BENCH $1.$_b $_v"
		else
			echo "BENCH-NA $1.$_b microbench $_b failed: $(first_line < "$tmp/err")"
			_rc=1
		fi
	done
	return $_rc
}

echo "BENCH-INFO kernel $(uname -r)"
echo "BENCH-INFO cpu $(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)"
echo "BENCH-INFO cpus $(grep -c '^processor' /proc/cpuinfo)"
echo "BENCH-INFO iterations fastest of $REPEAT loops (getpid x$N_GETPID, forkexec x$N_FORKEXEC, mmap x$N_MMAP), of $REPEAT_HV runs (KVM x$N_KVM, ours x$N_HCALL, IPI x$N_IPI, quiesce x$N_QUIESCE)"

# fastest COMMAND...: runs COMMAND (which prints JSON with "ns") REPEAT_HV
# times and prints the lowest ns; nothing once a run fails.  The last run's
# output stays in $tmp/out, its errors in $tmp/err.
fastest() {
	_best='' _i=0
	while [ $_i -lt $REPEAT_HV ]; do
		_i=$((_i + 1))
		if "$@" > "$tmp/out" 2> "$tmp/err" &&
			_v=$(json_ns < "$tmp/out") && [ -n "$_v" ]; then
			_best=$(awk -v a="$_v" -v b="$_best" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }')
		else
			return
		fi
	done
	echo "$_best"
}

# bench_smp KEY KIND N: the fastest of REPEAT_HV runs of xmhfctl bench-smp
# (from CPU 0; the IPIs go to the first other online CPU), as BENCH KEY, or
# BENCH-NA KEY and why.  For quiesce, also BENCH-INFO quiesce.stopped (the
# table's label says how many CPUs it stopped, even none).
bench_smp() {
	_on=$(cat /sys/devices/system/cpu/online)
	case $2:$_on in
	quiesce:*|*-*|*,*) ;;
	*)	echo "BENCH-NA $1 only CPU $_on is online in this phase"
		return ;;
	esac
	_best=$(fastest xmhfctl bench-smp --kind "$2" --from 0 --iterations "$3" --json)
	if [ -n "$_best" ]; then
		echo "BENCH $1 $_best"
		[ "$2" = quiesce ] &&
			echo "BENCH-INFO quiesce.stopped $(sed -n 's/.*"stopped":\([0-9]*\).*/\1/p' "$tmp/out")"
	elif grep -q "unknown command" "$tmp/err"; then
		echo "BENCH-NA $1 xmhfctl has no bench-smp"
	elif grep -q "module too old" "$tmp/err"; then
		echo "BENCH-NA $1 the module has no XMHF_IOC_BENCH_SMP yet"
	else
		echo "BENCH-NA $1 xmhfctl bench-smp --kind $2 failed: $(first_line < "$tmp/err")"
	fi
}

# ------------------------------------------------------------ 1. native
echo "BENCH-PHASE native"
for m in xmhf kvm_amd; do
	module_loaded $m && rmmod $m 2>/dev/null
done
echo "BENCH-INFO online.native $(cat /sys/devices/system/cpu/online)"
run_micro native || status=1

# The IPI round trip needs the module (its ioctl), not the hypervisor.
echo "BENCH-PHASE ipi"
if modprobe xmhf launch=none 2> "$tmp/err"; then
	bench_smp native.ipi ipi "$N_IPI"
	rmmod xmhf
else
	echo "BENCH-NA native.ipi modprobe xmhf launch=none failed: $(first_line < "$tmp/err")"
fi

# ------------------------------------------------------------ 2. KVM peer
echo "BENCH-PHASE kvm"
if ! modprobe kvm_amd 2> "$tmp/err"; then
	echo "BENCH-NA kvm.vmmcall modprobe kvm_amd failed: $(first_line < "$tmp/err")"
	status=1
else
	if "$KV" --iterations "$N_KVM" --repeat "$REPEAT_HV" --json \
		> "$tmp/out" 2> "$tmp/err" &&
		v=$(json_ns < "$tmp/out") && [ -n "$v" ]; then
		echo "BENCH kvm.vmmcall $v"
	else
		echo "BENCH-NA kvm.vmmcall kvm-vmmcall failed: $(first_line < "$tmp/err")"
		status=1
	fi
	# SVM must be free again before our hypervisor launches.
	if ! rmmod kvm_amd kvm 2> "$tmp/err"; then
		echo "run-bench: rmmod kvm_amd kvm failed: $(first_line < "$tmp/err")" >&2
		status=1
	fi
fi

# ------------------------------------------------------------ 3. hoisted
echo "BENCH-PHASE launch"
na_hoisted() {	# REASON: every hoisted row is n/a for this reason
	for k in hoisted.getpid hoisted.forkexec hoisted.mmap ours.hypercall launch unload \
		hoisted.ipi ours.quiesce; do
		echo "BENCH-NA $k $1"
	done
}
dmesg > "$tmp/dmesg.before"
# The test blob: the production hypervisor plus QUIESCE_TEST (ours.quiesce).
launch_ns=$("$MB" time -- modprobe xmhf launch=emulated blob=xmhf/xmhf-test.bin 2> "$tmp/err")
launch_rc=$?
state=$(cat /sys/kernel/xmhf/state 2>/dev/null)
if [ $launch_rc -eq 0 ] && [ "$state" = launched ]; then
	echo "BENCH launch $launch_ns"

	echo "BENCH-PHASE hoisted"
	echo "BENCH-INFO online.hoisted $(cat /sys/devices/system/cpu/online)"
	run_micro hoisted

	echo "BENCH-PHASE hypercall"
	# The fastest of REPEAT_HV runs, like kvm-vmmcall.
	best=$(fastest xmhfctl bench-hypercall --iterations "$N_HCALL" --json)
	if [ -n "$best" ]; then
		echo "BENCH ours.hypercall $best"
	elif grep -q "unknown command" "$tmp/err"; then
		echo "BENCH-NA ours.hypercall not available"
	else
		echo "BENCH-NA ours.hypercall xmhfctl bench-hypercall failed: $(first_line < "$tmp/err")"
	fi

	echo "BENCH-PHASE smp"
	bench_smp hoisted.ipi ipi "$N_IPI"
	bench_smp ours.quiesce quiesce "$N_QUIESCE"

	echo "BENCH-PHASE attest"
	# One quote and its verification while hoisted (TPM at locality 0).
	if [ -e /dev/tpmrm0 ] &&
	   q_ns=$("$MB" time -- xmhfctl quote --nonce 00112233445566778899aabbccddeeff --out "$tmp/q" 2> "$tmp/err"); then
		echo "BENCH quote $q_ns"
		# The golden values of the blob launched above, the test build.
		if v_ns=$("$MB" time -- xmhfctl verify --in "$tmp/q" --nonce 00112233445566778899aabbccddeeff \
			--golden /lib/firmware/xmhf/xmhf-test.golden 2> "$tmp/err"); then
			echo "BENCH verify $v_ns"
		else
			echo "BENCH-NA verify xmhfctl verify failed: $(tail -n 1 "$tmp/err")"
		fi
	else
		echo "BENCH-NA quote no TPM or xmhfctl quote failed: $(first_line < "$tmp/err" 2>/dev/null)"
		echo "BENCH-NA verify no quote to verify"
	fi

	echo "BENCH-PHASE cpuid"
	# An intercepted CPUID with hello's callback (this blob) ...
	if v=$("$MB" cpuid --iterations 2000 --repeat 5 --cpu 0 --json 2> "$tmp/err" | json_ns); then
		echo "BENCH cpuid.callback $v"
	else
		echo "BENCH-NA cpuid.callback microbench cpuid failed: $(first_line < "$tmp/err")"
	fi

	echo "BENCH-PHASE unload"
	unloaded=0
	if xmhfctl --help 2>&1 | grep -qw unload; then
		if unload_ns=$("$MB" time -- xmhfctl unload 2> "$tmp/err"); then
			echo "BENCH unload $unload_ns"
			echo "BENCH-INFO unload.method xmhfctl unload"
			unloaded=1
		else
			echo "run-bench: xmhfctl unload failed: $(first_line < "$tmp/err"); trying rmmod xmhf" >&2
		fi
	fi
	if [ $unloaded -eq 1 ]; then
		# The module may stay loaded after the hypervisor left: not timed.
		module_loaded xmhf && rmmod xmhf
	elif unload_ns=$("$MB" time -- rmmod xmhf 2> "$tmp/err"); then
		echo "BENCH unload $unload_ns"
		echo "BENCH-INFO unload.method rmmod xmhf"
	else
		echo "BENCH-NA unload rmmod xmhf failed: $(first_line < "$tmp/err")"
	fi

	# Native again: tells how much the machine's speed drifted meanwhile
	# (under TCG, other work on the host shows up here).
	if ! module_loaded xmhf; then
		echo "BENCH-PHASE after"
		echo "BENCH-INFO online.after $(cat /sys/devices/system/cpu/online)"
		run_micro after

		# ... and without any hypapp (the bare blob): the hub's own cost.
		echo "BENCH-PHASE cpuid-bare"
		if modprobe xmhf blob=xmhf/xmhf-bare.bin 2> "$tmp/err" &&
		   v=$("$MB" cpuid --iterations 2000 --repeat 5 --cpu 0 --json 2> "$tmp/err" | json_ns); then
			echo "BENCH cpuid.bare $v"
		else
			echo "BENCH-NA cpuid.bare $(first_line < "$tmp/err")"
		fi
		module_loaded xmhf && rmmod xmhf
	fi
else
	if [ $launch_rc -eq 0 ]; then
		why="state is '${state:-unknown}' after modprobe"
		module_loaded xmhf && rmmod xmhf
	else
		# The module's own explanation: the first new line of ours that
		# says what went wrong; else what modprobe said.
		why=$(dmesg | tail -n +$(($(wc -l < "$tmp/dmesg.before") + 1)) |
			sed -n 's/^\[[ 0-9.]*\] //; /xmhf: /p' |
			grep -v -e 'taints kernel' -e 'module verification failed' |
			grep -iE 'abort|fail|error|refus|cannot|can.t|unable|not (built|supported|present|found)|no |-E[A-Z]+' |
			head -n 1 | sed -E 's/^((xmhf|hv): )*//' | cut -c 1-160)
		[ -n "$why" ] || why=$(first_line < "$tmp/err")
		[ -n "$why" ] || why="modprobe xmhf launch=emulated exited $launch_rc"
	fi
	na_hoisted "hypervisor not launched: $why"
fi

echo "BENCH-PHASE done"
rm -rf "$tmp"
exit $status
