# SPDX-License-Identifier: GPL-2.0
# Load/unload soak (issue 12, "Tests"): sh /selftests/soak.sh [CYCLES]
# (default 30).  CYCLES hoists (launch=emulated) and unloads while
# stress-ng loads the CPUs, memory and I/O, and a data workload in a tmpfs
# writes files of known content and checks their SHA-256 the whole time.
# Then: every cycle launched and unloaded, every checksum matched, free
# memory (lib.sh's mem_settled_kb) within 1 MiB of what it was before, and
# no oops.  selftests/host/soak.t runs 30 cycles in make check, make soak
# runs 100.  The two memory readings are taken in the same state: stress-ng
# and the workload gone, the tmpfs mounted and empty, the test's own files
# (kept small: only the dmesg lines it checks) the same size; see
# docs/isolation-fuzz.md for why the settled reading.
. /selftests/lib.sh
CYCLES=${1:-30}
plan 8

D=/mnt/soak
W=/tmp/soak	# the workload's counters and stop flag
mkdir -p $D $W
mount -t tmpfs -o size=32m soak $D || { echo "Bail out! no tmpfs"; exit 1; }
rm -f $W/*
echo "0 0" > $W/count
# The reference: 64 KiB of a known pattern, and its digest computed once.
seq 1 12000 > $W/ref
REF=$(sha256sum < $W/ref)

# One pass: a known file and a random one, each written, copied, read back.
workload_pass() {
	seq 1 12000 > $D/known.$1 &&
	[ "$(sha256sum < $D/known.$1)" = "$REF" ] &&
	dd if=/dev/urandom of=$D/rand.$1 bs=4k count=32 2>/dev/null &&
	sum=$(sha256sum < $D/rand.$1) &&
	cp $D/rand.$1 $D/copy.$1 &&
	[ "$(sha256sum < $D/copy.$1)" = "$sum" ] &&
	[ "$(sha256sum < $D/rand.$1)" = "$sum" ] &&
	rm -f $D/known.$1 $D/rand.$1 $D/copy.$1
}

# Runs until $W/stop appears; counts passes and mismatches in files.
workload() {
	p=0 bad=0
	while [ ! -e $W/stop ]; do
		if workload_pass $((p % 4)); then p=$((p + 1)); else bad=$((bad + 1)); p=$((p + 1)); fi
		echo "$p $bad" > $W/count
	done
}

# One hoist and unload, each checked through sysfs.
cycle() {
	modprobe xmhf launch=emulated || return 1
	[ "$(cat /sys/kernel/xmhf/state)" = launched ] || { rmmod xmhf; return 1; }
	rmmod xmhf || return 1
	! xmhf_loaded
}

have_stress=0
command -v stress-ng > /dev/null && have_stress=1
ncpus=$(grep -c "^processor" /proc/cpuinfo)
ncpu_stress=$(( ncpus > 2 ? ncpus / 2 : 1 ))
stress() {	# stress SECONDS: cpu, vm and io stressors in the background
	stress-ng --cpu "$ncpu_stress" --vm 1 --vm-bytes 64M --io 1 --timeout "$1" \
		--quiet > /dev/null 2>&1 &
	echo $! > $W/stress.pid
}
# Everything gone, stress-ng's workers too (at most 30 s): their memory
# must not count in a reading.
stop_all() {
	touch $W/stop
	[ -s $W/stress.pid ] && kill "$(cat $W/stress.pid)" 2>/dev/null
	wait
	_i=0
	while grep -qx stress-ng /proc/[0-9]*/comm 2>/dev/null && [ $_i -lt 30 ]; do
		sleep 1; _i=$((_i + 1))
	done
	rm -f $W/stop $W/stress.pid
}

# Warm-up: one cycle with everything running, so that slab caches, the
# firmware path and stress-ng's own first-run costs are paid before the
# "before" figure.
[ $have_stress = 1 ] && stress 30
workload &
cycle
stop_all
rm -f $D/*
before=$(mem_settled_kb)
before_why=$(mem_settled_why)

# The kernel's ring wraps over 100 cycles (the module copies the
# hypervisor's log into it at every unload): collect what the checks read
# as it comes, and only that (the file is in RAM too).
BAD='BUG:|Oops|WARNING:|Call Trace|general protection|rcu.*stall|hung_task'
dmesg -c > /dev/null
[ $have_stress = 1 ] && stress 3600
workload &
start=$(date +%s)
fails=0
i=0
while [ $i -lt "$CYCLES" ]; do
	cycle || { fails=$((fails + 1)); echo "# cycle $i failed"; }
	dmesg -c | grep -E "$BAD|hypervisor unloaded" >> $W/dmesg
	i=$((i + 1))
	[ $((i % 10)) -eq 0 ] && echo "# $i of $CYCLES cycles, $(($(date +%s) - start)) s"
done
secs=$(($(date +%s) - start))
stress_alive=0
[ -s $W/stress.pid ] && kill -0 "$(cat $W/stress.pid)" 2>/dev/null && stress_alive=1
stop_all
read passes bad < $W/count
rm -f $D/*
dmesg -c | grep -E "$BAD|hypervisor unloaded" >> $W/dmesg
oops=$(grep -E "$BAD" $W/dmesg | head -5)
unloads=$(grep -c 'hypervisor unloaded' $W/dmesg)
rm -f $W/dmesg
after=$(mem_settled_kb)
after_why=$(mem_settled_why)
umount $D

echo "# $CYCLES cycles in $secs s; $passes workload passes"
if [ $have_stress = 1 ]; then
	is "stress-ng (cpu x$ncpu_stress, vm, io) ran through all the cycles" "$stress_alive" 1
else
	not_ok "stress-ng ran through all the cycles" "stress-ng is not installed (scripts/deps.sh installs it)"
fi
is "$CYCLES hoist/unload cycles all launched and unloaded" "$fails" 0
like "the data workload ran during the cycles ($passes passes)" "$passes" '^[1-9]'
is "every file read back with its SHA-256" "$bad" 0
echo "# memory before: $before kB ($before_why)"
echo "# memory after:  $after kB ($after_why)"
if [ $((before - after)) -lt 1024 ]; then
	ok "free memory within 1 MiB (before $before kB, after $after kB)"
else
	not_ok "free memory within 1 MiB" "before $before kB, after $after kB"
fi
is "no oops, BUG or warning in dmesg" "$oops" ""
like "the module logged each unload" "$unloads" "^$CYCLES\$"
check "no xmhf module left behind" sh -c '! grep -q "^xmhf " /proc/modules'
done_testing
