# SPDX-License-Identifier: GPL-2.0
# SMP under the hypervisor (issue 4): at launch every CPU Linux has online
# becomes a guest vCPU; APs go offline and online again through the
# intercepted INIT/SIPI, also under load; the quiesce service stops and
# resumes the other CPUs; NMIs still reach the guest; unload gives every
# CPU back to native Linux, any number of times.
#
# Needs 2 or more online CPUs; with fewer, every test is skipped.
# Every step that could hang (launch, unload, CPU hotplug, the quiesce
# benchmark, sysrq) runs with a deadline, so a hang fails its test and the
# script goes on rather than eating the testbench's timeout.
#
# XMHF_SMP_LAUNCH=none runs the same steps without launching (the hoisted
# tests then fail): the native baseline and the test's own timing.
. /selftests/lib.sh
plan 23

LAUNCH=${XMHF_SMP_LAUNCH:-emulated}
CPU_DIR=/sys/devices/system/cpu
CYCLES=10		# offline/online cycles per AP (c), launch/unload cycles (g)
QUIESCES=1000		# quiesce hypercalls (d)
# Deadlines in seconds.  Generous: a --smp 4 TCG guest on 2 host cores is
# slow, and slower still with every CPU busy.
T_LAUNCH=60
T_HOTPLUG=30
T_BENCH=300
T_SYSRQ=30

# Around the NMI backtraces in the kernel log.
SYSRQ_BEGIN="xmhf-selftest: sysrq l: NMI backtraces begin"
SYSRQ_END="xmhf-selftest: sysrq l: NMI backtraces end"
# Kernel messages that must never appear.
BAD='Oops|(^|[^A-Z_])BUG[: ]|WARNING:|general protection|rcu.*stall|CPU.*failed to come online|failed to boot|NMI received for unknown reason|Dazed and confused|soft lockup|hard LOCKUP|hung_task'

# "0-2,5" -> "0 1 2 5"
expand() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r _a _b; do
		[ -n "$_a" ] || continue
		seq "$_a" "${_b:-$_a}"
	done | tr '\n' ' ' | sed 's/ $//'
}
count() { set -- $1; echo $#; }

# Linux CPU -> APIC ID, from /proc/cpuinfo (online CPUs only: taken before
# the launch).
apics=$(awk '/^processor/ { p = $3 } /^apicid/ { printf "%s:%s ", p, $3 }' /proc/cpuinfo)
apic_of() { echo "$apics" | tr ' ' '\n' | sed -n "s/^$1://p"; }

# The hypervisor signature CPU $1 reports (taskset pins cpuid to it).
sig_on() {
	taskset -c "$1" cpuid -1 -l 0x40000000 2>&1 |
		sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'
}

# bounded SECS COMMAND...: runs COMMAND (a function is fine) in the
# background, its output in $bout; returns its status, or 124 if it did
# not finish in SECS seconds.  It is then left behind (a task stuck in the
# kernel cannot be killed anyway), with files of its own.
_bn=0
bounded() {
	_bs=$1; _bt=$(($1 * 50)); shift
	_bn=$((_bn + 1))
	bout=/tmp/smp.out.$_bn
	_brc=/tmp/smp.rc.$_bn
	( "$@" > "$bout" 2>&1; echo $? > "$_brc" ) &
	_bp=$!
	while [ ! -s "$_brc" ]; do
		if [ $_bt -le 0 ]; then
			kill -9 $_bp 2>/dev/null
			echo "(still running after $_bs s)" >> "$bout"
			return 124
		fi
		usleep 20000
		_bt=$((_bt - 1))
	done
	wait $_bp
	return "$(cat "$_brc")"
}
# The last bounded command's output, on one line.
out() { tr '\n' ' ' < "$bout" | cut -c 1-300; }
# stdin on one line, for a diagnosis
oneline() { tr '\n' ';' | sed 's/;$//; s/;/; /g' | cut -c 1-400; }

set_online() { echo "$2" > "$CPU_DIR/cpu$1/online"; }
# The test blob: the production hypervisor plus the QUIESCE_TEST hypercall (d).
launch() { modprobe xmhf launch="$LAUNCH" blob=xmhf/xmhf-test.bin; }
state() { cat /sys/kernel/xmhf/state 2>/dev/null || echo unloaded; }
# Kernel log lines since dmesg_mark, all of them (dmesg_new keeps ours only).
klog_new() { dmesg_since; }
bad_klog() { klog_new | grep -E "$BAD" | head -5 | oneline; }

# Background loops, killed on the way out.
bg_pids=""
stop_bg() {
	[ -n "$bg_pids" ] && kill $bg_pids 2>/dev/null
	[ -n "$bg_pids" ] && wait $bg_pids 2>/dev/null
	bg_pids=""
}
trap stop_bg EXIT
# busy CPU: a shell loop pinned to the CPU
busy() {
	taskset -c "$1" sh -c 'while :; do :; done' 2> /dev/null &
	bg_pids="$bg_pids $!"
	eval "busy_$1=$!"
}
# counting CPU: the same, writing its iteration count to /tmp/progress.CPU
counting() {
	rm -f "/tmp/progress.$1"
	taskset -c "$1" sh -c 'i=0; while :; do i=$((i + 1)); [ $((i % 10)) -ne 0 ] || echo $i > /tmp/progress.'"$1"'; done' 2> /dev/null &
	bg_pids="$bg_pids $!"
}
# A counter's value.  The loop may be between truncating and rewriting the
# file, and a busy machine may leave it there a while: read again, bounded.
progress() {
	for _r in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		_v=$(cat "/tmp/progress.$1" 2>/dev/null)
		[ -n "$_v" ] && break
		usleep 20000
	done
	echo "${_v:-0}"
}

online0=$(cat $CPU_DIR/online)
cpus=$(expand "$online0")
ncpus=$(count "$cpus")
present=$(count "$(expand "$(cat $CPU_DIR/present)")")
boot_cpu=${cpus%% *}
aps=${cpus#"$boot_cpu"}

TESTS="a1 modprobe xmhf launch=$LAUNCH hoists Linux (CPUs $online0 online)
a2 every online CPU shows the signature xmhfllxmhfll
a3 the online CPUs are the same as before the launch
b1 xmhfctl status --json: num_cpus is the number of present CPUs ($present)
b2 xmhfctl status --json: every online CPU is in state guest
b3 xmhfctl status lists every CPU and the quiesce count
c1 $CYCLES offline/online cycles of every AP complete with every CPU busy
c2 every CPU is online after the cycles
c3 every CPU still shows the signature after the cycles
c4 no oops, stall or failed CPU in dmesg after the cycles
c5 the hypervisor refused none of Linux's MSR accesses (the MSR allow-list)
d1 $QUIESCES quiesce hypercalls complete with busy CPUs
d2 each quiesce stopped every other online CPU
d3 every other CPU made progress during the quiesces
e1 sysrq l: an NMI backtrace from every online CPU
e2 no unknown or lost NMI in dmesg
f1 rmmod xmhf unloads
f2 every CPU is back online after unload
f3 the signature is gone from every CPU after unload
f4 no oops, stall or failed CPU in dmesg since the launch
g1 $CYCLES launch/unload cycles: each launches and unloads
g2 every CPU comes back after each of the $CYCLES cycles
g3 free memory within 1 MiB after $CYCLES cycles"
name() { echo "$TESTS" | sed -n "s/^$1 //p"; }

if [ "$ncpus" -lt 2 ]; then
	echo "$TESTS" | while read -r _id _desc; do
		skip "$_desc" "needs 2 or more online CPUs (online: $online0)"
	done
	exit 0
fi

echo "# CPUs online: $online0, present: $present; launch=$LAUNCH"
native_sig=""
for c in $cpus; do
	native_sig="$native_sig $c:$(sig_on $c)"
done
native_sig=${native_sig# }
# No test may leave the module behind; start without it too.
xmhf_loaded && bounded $T_LAUNCH rmmod xmhf

# ---------------------------------------------------------------- a. launch
dmesg_mark
cp /tmp/dmesg.mark /tmp/dmesg.launch
t0=$(date +%s)
bounded $T_LAUNCH launch; rc=$?
launched=0
if [ $rc -eq 0 ] && [ "$(state)" = launched ]; then
	launched=1
	ok "$(name a1) ($(( $(date +%s) - t0 )) s)"
elif [ $rc -eq 0 ] && [ "$LAUNCH" = none ] && [ "$(state)" = loaded ]; then
	launched=1	# native run: go through the motions
	not_ok "$(name a1)" "launch=none: loaded only"
else
	not_ok "$(name a1)" "modprobe exit $rc, state $(state): $(out)" \
		"$(dmesg_new | grep -iE 'fail|error|abort|refus|cannot' | head -3 | oneline)"
fi
# need_hoisted ID: fails test ID when the hypervisor is not launched
need_hoisted() {
	[ $launched -eq 1 ] && return 0
	not_ok "$(name $1)" "the hypervisor is not launched (see the first test)"
	return 1
}

# sig_report WANT: "" when every CPU reports WANT, else what each bad one does
sig_report() {
	for c in $cpus; do
		_s=$(sig_on $c)
		[ "$_s" = "$1" ] && continue
		if [ -z "$_s" ]; then
			echo "cpu $c: no answer (offline? $(taskset -c $c true 2>&1 | head -1))"
		else
			echo "cpu $c: '$_s'"
		fi
	done | oneline
}

if need_hoisted a2; then
	bad=$(sig_report xmhfllxmhfll)
	if [ -z "$bad" ]; then ok "$(name a2) (CPUs $cpus)"
	else not_ok "$(name a2)" "$bad"; fi
fi
if need_hoisted a3; then
	is "$(name a3)" "$(cat $CPU_DIR/online)" "$online0"
fi

# ---------------------------------------------------------------- b. status
if need_hoisted b1; then
	json=$(xmhfctl status --json 2>&1)
	n=$(echo "$json" | sed -n 's/.*"hypervisor":{.*"num_cpus":\([0-9]*\).*/\1/p')
	if [ "$n" = "$present" ]; then ok "$(name b1)"
	else not_ok "$(name b1)" "num_cpus: '$n'" "status: $(echo "$json" | oneline)"; fi
	# "APIC STATE" per CPU the hypervisor reports
	hvcpus=$(echo "$json" | tr '{' '\n' |
		sed -n 's/^"cpu":[0-9]*,"apic_id":\([0-9]*\),"state":"\([^"]*\)".*/\1 \2/p')
	bad=""
	for c in $cpus; do
		a=$(apic_of $c)
		st=$(echo "$hvcpus" | awk -v a="$a" '$1 == a { print $2; exit }')
		[ "$st" = guest ] || bad="$bad cpu $c (APIC ID $a): '${st:-not listed}';"
	done
	if [ -z "$bad" ]; then ok "$(name b2)"
	else not_ok "$(name b2)" "$bad" "hypervisor's CPUs (APIC ID, state): $(echo $hvcpus)"; fi
	text=$(xmhfctl status 2>&1)
	rows=$(echo "$text" | grep -cE '^[0-9]+ +[0-9]+ +[a-z-]+ +[0-9]+ +[0-9]+ +[0-9]+$')
	if echo "$text" | grep -qE '^quiesces: +[0-9]+$' && [ "$rows" = "$present" ]; then
		ok "$(name b3)"
	else
		not_ok "$(name b3)" "$rows CPU rows for $present present CPUs" \
			"$(echo "$text" | tail -n 8 | oneline)"
	fi
else
	need_hoisted b2; need_hoisted b3
fi

# ---------------------------------------------------------------- c. hotplug
if need_hoisted c1; then
	dmesg_mark
	for c in $cpus; do busy $c; done
	sn=""
	if command -v stress-ng > /dev/null; then
		stress-ng --cpu "$ncpus" --timeout 900s --quiet > /dev/null 2>&1 &
		sn=$!
		bg_pids="$bg_pids $sn"
		sn=" and stress-ng --cpu $ncpus"
	fi
	t0=$(date +%s)
	fail=""
	i=0
	while [ $i -lt $CYCLES ] && [ -z "$fail" ]; do
		i=$((i + 1))
		for c in $aps; do
			bounded $T_HOTPLUG set_online $c 0; rc=$?
			if [ $rc -ne 0 ]; then
				fail="cycle $i: echo 0 > cpu$c/online: exit $rc: $(out)"
				break
			fi
			bounded $T_HOTPLUG set_online $c 1; rc=$?
			if [ $rc -ne 0 ]; then
				fail="cycle $i: echo 1 > cpu$c/online: exit $rc: $(out)"
				break
			fi
			# The loop lost its CPU while it was offline: pin it back.
			eval "taskset -p -c $c \$busy_$c" > /dev/null 2>&1
		done
	done
	secs=$(( $(date +%s) - t0 ))
	stop_bg
	if [ -z "$fail" ]; then ok "$(name c1) (busy loops$sn; $secs s)"
	else not_ok "$(name c1)" "$fail" "after $secs s; online: $(cat $CPU_DIR/online)"; fi
	is "$(name c2)" "$(cat $CPU_DIR/online)" "$online0"
	bad=$(sig_report xmhfllxmhfll)
	if [ -z "$bad" ]; then ok "$(name c3)"; else
		not_ok "$(name c3)" "$bad"
		# For the post-mortem: what the hypervisor thinks of each CPU.
		xmhfctl status 2>&1 | sed 's/^/# /'
		xmhfctl log 2>&1 | tail -n 40 | sed 's/^/# /'
	fi
	is "$(name c4)" "$(bad_klog)" ""
	# Bringing CPUs up touches the most MSRs: every one on the allow-list.
	is "$(name c5)" "$(xmhfctl log 2>&1 | grep 'MSR 0x[0-9a-f]* refused' | oneline)" ""
else
	need_hoisted c2; need_hoisted c3; need_hoisted c4; need_hoisted c5
fi

# ---------------------------------------------------------------- d. quiesce
if need_hoisted d1; then
	others=""
	for c in $cpus; do
		[ "$c" = "$boot_cpu" ] && continue
		counting $c
		others="$others $c"
	done
	# Wait (bounded) until every loop has counted.
	w=0
	for c in $others; do
		while [ ! -s /tmp/progress.$c ] && [ $w -lt 500 ]; do usleep 20000; w=$((w + 1)); done
	done
	for c in $others; do eval "before_$c=$(progress $c)"; done
	t0=$(date +%s)
	bounded $T_BENCH xmhfctl bench-smp --kind quiesce --from "$boot_cpu" \
		--iterations $QUIESCES --json; rc=$?
	for c in $others; do eval "after_$c=$(progress $c)"; done
	secs=$(( $(date +%s) - t0 ))
	res=$(cat "$bout")
	if [ $rc -eq 0 ]; then
		ok "$(name d1) ($(echo "$res" | sed -n 's/.*"ns_per_op":\([0-9]*\).*/\1/p') ns each, $secs s)"
	else
		not_ok "$(name d1)" "xmhfctl bench-smp exit $rc after $secs s: $(out)"
	fi
	stopped=$(echo "$res" | sed -n 's/.*"stopped":\([0-9]*\).*/\1/p')
	is "$(name d2)" "${stopped:-none reported}" "$((ncpus - 1))"
	stuck="" least=""
	for c in $others; do
		eval "b=\$before_$c a=\$after_$c"
		if [ "$a" -gt "$b" ]; then
			[ -n "$least" ] && [ $((a - b)) -ge "${least#*+}" ] ||
				least="cpu $c +$((a - b))"
		else
			stuck="$stuck $c"
		fi
	done
	# Did a stuck counter move on afterwards (starved) or not (stopped)?
	bad=""
	[ -n "$stuck" ] && sleep 1
	for c in $stuck; do
		eval "b=\$before_$c a=\$after_$c"
		bad="$bad cpu $c: $b -> $a during the run, $(progress $c) one second later;"
	done
	stop_bg
	if [ $rc -ne 0 ]; then not_ok "$(name d3)" "no completed run (see above)"
	elif [ -z "$bad" ]; then ok "$(name d3) (least: $least)"
	else not_ok "$(name d3)" "$bad"; fi
else
	need_hoisted d2; need_hoisted d3
fi

# ---------------------------------------------------------------- e. NMIs
if need_hoisted e1; then
	dmesg_mark
	# The backtraces carry "Call Trace" lines, which are no failure: mark
	# where they begin and end for whoever scans the whole log (99-dmesg.t).
	echo "$SYSRQ_BEGIN" > /dev/kmsg
	bounded $T_SYSRQ sh -c 'echo l > /proc/sysrq-trigger'; rc=$?
	echo "$SYSRQ_END" > /dev/kmsg
	log=$(klog_new)
	missing=""
	for c in $cpus; do
		echo "$log" | grep -qE "NMI backtrace for cpu $c( |\$)" || missing="$missing $c"
	done
	if [ $rc -eq 0 ] && [ -z "$missing" ]; then ok "$(name e1)"
	else
		not_ok "$(name e1)" "sysrq exit $rc; no backtrace from CPU(s):${missing:- none}" \
			"$(echo "$log" | grep -E 'NMI|sysrq' | head -6 | oneline)"
	fi
	is "$(name e2)" "$(echo "$log" | grep -E 'NMI received for unknown reason|Dazed and confused|NMI.*(lost|not handled)' | head -3 | oneline)" ""
else
	need_hoisted e2
fi

# ---------------------------------------------------------------- f. unload
bounded $T_LAUNCH rmmod xmhf; rc=$?
if [ $rc -eq 0 ] && ! xmhf_loaded; then ok "$(name f1)"
else not_ok "$(name f1)" "rmmod exit $rc: $(out)"; fi
is "$(name f2)" "$(cat $CPU_DIR/online)" "$online0"
now=""
for c in $cpus; do now="$now $c:$(sig_on $c)"; done
is "$(name f3)" "${now# }" "$native_sig"
cp /tmp/dmesg.launch /tmp/dmesg.mark
is "$(name f4)" "$(bad_klog)" ""

# ---------------------------------------------------------------- g. cycles
xmhf_loaded && bounded $T_LAUNCH rmmod xmhf
mem0=$(mem_free_kb)
fails="" lost=""
t0=$(date +%s)
i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	bounded $T_LAUNCH launch; rc=$?
	if [ $rc -ne 0 ]; then
		fails="$fails cycle $i: modprobe: $(out);"
		[ $rc -eq 124 ] && break
	elif [ "$(state)" != launched ]; then
		fails="$fails cycle $i: state $(state) after modprobe;"
	fi
	if xmhf_loaded && ! bounded $T_LAUNCH rmmod xmhf; then
		fails="$fails cycle $i: rmmod: $(out);"
		break
	fi
	o=$(cat $CPU_DIR/online)
	[ "$o" = "$online0" ] || lost="$lost cycle $i: online '$o';"
done
secs=$(( $(date +%s) - t0 ))
mem1=$(mem_free_kb)
if [ -z "$fails" ]; then ok "$(name g1) ($secs s)"
else not_ok "$(name g1)" "$fails"; fi
if [ -z "$lost" ]; then ok "$(name g2)"
else not_ok "$(name g2)" "expected '$online0';$lost"; fi
if [ $((mem0 - mem1)) -lt 1024 ]; then ok "$(name g3) ($mem0 -> $mem1 kB)"
else not_ok "$(name g3)" "$mem0 -> $mem1 kB"; fi
done_testing
