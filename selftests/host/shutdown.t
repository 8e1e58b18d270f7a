#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# SHUTDOWN (one boot, 2 CPUs): while hoisted, CPU 1 triple-faults in the
# kernel (selftests/kmod/triplefault: an empty IDT, then #UD).  The
# hypervisor logs the shutdown with the CPU and halts that CPU only; the
# machine does not reset (the testbench runs QEMU with -no-reboot, so a
# reset would end QEMU), and CPU 0 goes on running Linux and reports.
#
# Linux cannot power off with a CPU that never answers (it waits for it),
# so the guest ends with "@done" and sleeps; this script checks that QEMU
# still runs a few seconds later, then stops the testbench itself.
# Console and hypervisor log: build/check/shutdown.{console,hv.log}.
. "$(dirname "$0")/tap.sh"
plan 13

dir=$BUILD/check
mkdir -p "$dir"
console=$dir/shutdown.console
hv=$dir/shutdown.hv.log
T=$(mktemp -d "${TMPDIR:-/tmp}/shutdown-t.XXXXXXXX")
tb=""
trap '[ -n "$tb" ] && kill -TERM "$tb" 2>/dev/null && wait "$tb"; rm -rf -- "$T"' EXIT

cat > "$T/shutdown.sh" <<'EOF'
echo 1 > /proc/sys/kernel/printk
say() { echo "@$1=$2"; }
loc() { awk '$1 == "LOC:" { print $2, $3 }' /proc/interrupts; }
# This shell and what it starts stay on CPU 0, which must live on.
taskset -p -c 0 $$ > /dev/null
modprobe triplefault 2> /dev/null; say native $?
modprobe xmhf launch=emulated; say modprobe $?
say before "$(xmhfctl status | awk '$1 == "1" { print $3 }')"
# modprobe, pinned to CPU 1, runs the module's init there; it never returns.
(taskset -c 1 modprobe triplefault &)
for i in 1 2 3 4 5 6 7 8 9 10; do
	dmesg | grep -q 'triplefault: triple-faulting' && break
	sleep 0.5
done
sleep 1
say fault "$(dmesg | sed -n 's/.*triplefault: \(triple-faulting CPU [0-9]*\).*/\1/p')"
say status "$(xmhfctl status | awk '$1 ~ /^[01]$/ { printf "%s:%s ", $1, $3 }')"
say json "$(xmhfctl --json status | grep -o '"cpu":1,[^}]*"shutdown":[0-9]*')"
# CPU 1 takes no more timer interrupts; CPU 0 does.
l0=$(loc); sleep 1; l1=$(loc)
say loc "$l0 -> $l1"
say oops "$(dmesg | grep -cE 'BUG:|Oops|WARNING:|soft lockup|Kernel panic|Call Trace')"
echo "@done"
exec sleep 600
EOF

: > "$console"
"$TOP/scripts/testbench" --smp 2 --hvlog "$hv" --timeout 240 \
	--add "$T/shutdown.sh" -- sh /extra/shutdown.sh > "$console" 2>&1 &
tb=$!
for _ in $(seq 1 2400); do
	grep -q '^@done' "$console" && break
	kill -0 "$tb" 2>/dev/null || break
	sleep 0.1
done
sleep 3
if kill -0 "$tb" 2>/dev/null; then alive=yes; else alive=no; fi
kill -TERM "$tb" 2>/dev/null
wait "$tb"
tb=""

out=$(tr -d '\r' < "$console")
log=$(tr -d '\r' < "$hv")
val() { sed -n "s/^@$1=//p" <<<"$out" | tail -n 1; }
is "natively, the test module refuses to triple-fault (it would reset the machine)" "$(val native)" 1
is "modprobe xmhf launches" "$(val modprobe)" 0
is "CPU 1 runs the guest before" "$(val before)" guest
is "the module triple-faulted CPU 1" "$(val fault)" "triple-faulting CPU 1"
like "the guest went on after the fault, on CPU 0" "$out" "^@done$"
is "QEMU still runs 3 s later: no reset" "$alive" yes
like "the hypervisor logged the shutdown of CPU 1 and halted it" "$log" \
	"^xmhf: CPU 1 \(APIC ID 1\): guest shutdown \(triple fault\): exit 0x7f .*; CPU halted$"
is "... and nothing else died" "$(grep -c 'CPU halted' <<<"$log")" 1
is "xmhfctl status: CPU 0 guest, CPU 1 failed" "$(val status)" "0:guest 1:failed "
like "xmhfctl --json: CPU 1 failed, one shutdown exit" "$(val json)" '"state":"failed".*"shutdown":1$'
loc=$(val loc)
read -r a0 a1 _ b0 b1 <<<"$loc"
if [ -n "$b1" ] && [ "$a1" = "$b1" ]; then ok "CPU 1 takes no timer interrupt: halted"; else not_ok "CPU 1 takes no timer interrupt: halted" "LOC: '$loc'"; fi
if [ -n "$b0" ] && [ "$b0" -gt "$a0" ]; then ok "CPU 0 still does"; else not_ok "CPU 0 still does" "LOC: '$loc'"; fi
is "no oops on CPU 0" "$(val oops)" 0
if [ "$_failed" -gt 0 ]; then
	echo "# the hypervisor's log, last 20 lines ($hv):"
	tail -n 20 <<<"$log" | sed 's/^/# hv: /'
	echo "# console, last 30 lines ($console):"
	tail -n 30 <<<"$out" | sed 's/^/# /'
fi
done_testing
