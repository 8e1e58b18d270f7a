# SPDX-License-Identifier: GPL-2.0
# SVM is hidden from the guest (README, "exits"): CPUID, EFER.SVME, VM_CR,
# VM_HSAVE_PA, the SVM instructions at CPL 0, and kvm_amd.  Each is first
# shown natively, where SVM is there, so that the hoisted check can fail.
# The CPL 0 probes are selftests/kmod/xmhf_svmprobe (#UD told from #GP).
. /selftests/lib.sh
plan 36

P=/sys/module/xmhf_svmprobe/parameters/cmd
EFER=0xc0000080 VM_CR=0xc0010114 VM_HSAVE_PA=0xc0010117
SVM_INSNS="vmrun vmload vmsave stgi clgi skinit invlpga"

# The online CPUs, by number.
cpus() {
	echo 0
	for c in /sys/devices/system/cpu/cpu[1-9]*; do
		[ "$(cat "$c/online" 2>/dev/null)" = 1 ] && echo "${c##*cpu}"
	done
}
# probe CPU CMD: the probe module's answer to CMD, run on CPU.
probe() { taskset -c "$1" sh -c "echo '$2' > $P && cat $P"; }
# One word per online CPU: "CPU:ANSWER".
probe_all() { for c in $(cpus); do printf '%s ' "$c:$(probe "$c" "$1")"; done; }
# What every CPU should answer: "0:WANT 1:WANT ...".
want_all() { for c in $(cpus); do printf '%s ' "$c:$1"; done; }
# Raw CPUID register REG of LEAF on CPU.
cpuid_reg() {
	taskset -c "$1" cpuid -1 -r -l "$2" | sed -n "s/.* $3=\(0x[0-9a-f]*\).*/\1/p"
}
# Bit BIT of 0x80000001 ECX on every CPU: "0:1 1:1 ".
ext_bit_all() {
	for c in $(cpus); do printf '%s ' "$c:$(( ($(cpuid_reg "$c" 0x80000001 ecx) >> $1) & 1 ))"; done
}
# The SVM leaf on every CPU, all four registers.
leaf_a_all() {
	for c in $(cpus); do
		printf '%s ' "$c:$(taskset -c "$c" cpuid -1 -r -l 0x8000000a | sed -n 's/.*: eax=//p' | tr -d ' ')"
	done
}
val() { echo "$1" | sed -n 's/^ok //p'; }	# the value of "ok 0xVALUE"
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }
svm_exits() { xmhfctl status | sed -n 's/.*svm_insn \([0-9]*\).*/\1/p'; }
kvm_loaded() { grep -q '^kvm_amd ' /proc/modules; }
unload_kvm() { rmmod kvm_amd 2>/dev/null; rmmod kvm 2>/dev/null; true; }

check "the probe module loads" modprobe xmhf_svmprobe

# ---- native: SVM is there
is "native: CPUID 0x80000001 ECX.SVM (bit 2) is set on every CPU" "$(ext_bit_all 2)" "$(want_all 1)"
like "native: the SVM leaf 0x8000000A has a revision and ASIDs" "$(leaf_a_all)" \
	"^0:0x0*[1-9a-f][0-9a-f]*ebx=0x0*[1-9a-f]"
efer=$(val "$(probe 0 "rdmsr $EFER")")
like "native: EFER reads, SVME (bit 12) clear with no hypervisor" "$efer" "^0x"
is "native: EFER.SVME can be set (and is put back at once)" \
	"$(probe 0 "flip $EFER $(printf 0x%x $((efer | 0x1000)))")" "$(printf 'ok 0x%x' $((efer | 0x1000)))"
is "native: VM_CR reads 0: SVM not disabled" "$(probe 0 "rdmsr $VM_CR")" "ok 0x0"
is "native: VM_CR takes a write of its own value" "$(probe 0 "wrmsr $VM_CR 0")" "ok"
hsave=$(val "$(probe 0 "rdmsr $VM_HSAVE_PA")")
is "native: VM_HSAVE_PA takes a write of its own value" "$(probe 0 "wrmsr $VM_HSAVE_PA $hsave")" "ok"
# With EFER.SVME clear the CPU itself gives #UD: the probe must see that.
is "native, SVME clear: CLGI gives #UD (the probe tells #UD apart)" "$(probe_all clgi)" "$(want_all ud)"
# With SVME set they run.  VMRUN would enter a guest and SKINIT would
# reinitialise the CPU: those two have no native contrast here (and
# QEMU raises #UD for SKINIT in any case).
for i in vmload vmsave stgi clgi invlpga; do
	is "native, SVME set: $i runs on every CPU" "$(probe_all "svme $i")" "$(want_all ok)"
done
unload_kvm
check "native: modprobe kvm_amd loads" modprobe kvm_amd
unload_kvm

# ---- hoisted: SVM is hidden
check "launch" modprobe xmhf launch=emulated
is "hoisted: CPUID 0x80000001 ECX.SVM is clear on every CPU" "$(ext_bit_all 2)" "$(want_all 0)"
is "hoisted: CPUID 0x80000001 ECX.SKINIT (bit 12) is clear on every CPU" "$(ext_bit_all 12)" "$(want_all 0)"
is "hoisted: the SVM leaf 0x8000000A is all zeros on every CPU" "$(leaf_a_all)" \
	"$(want_all 0x00000000ebx=0x00000000ecx=0x00000000edx=0x00000000)"
# The guest's real EFER has SVME set (VMRUN requires it); RDMSR hides it.
is "hoisted: EFER reads as natively, SVME clear, on every CPU" \
	"$(probe_all "rdmsr $EFER")" "$(want_all "ok $efer")"
is "hoisted: setting EFER.SVME gets #GP(0) on every CPU" \
	"$(probe_all "wrmsr $EFER $(printf 0x%x $((efer | 0x1000)))")" "$(want_all "gp 0")"
is "hoisted: EFER's own value (SVME clear) is written" "$(probe_all "wrmsr $EFER $efer")" "$(want_all ok)"
is "hoisted: VM_CR reads SVMDIS|LOCK (0x18): disabled by firmware" \
	"$(probe_all "rdmsr $VM_CR")" "$(want_all "ok 0x18")"
is "hoisted: VM_CR writes get #GP(0), even its own value" \
	"$(probe 0 "wrmsr $VM_CR 0x18") $(probe 0 "wrmsr $VM_CR 0")" "gp 0 gp 0"
is "hoisted: VM_HSAVE_PA reads 0" "$(probe_all "rdmsr $VM_HSAVE_PA")" "$(want_all "ok 0x0")"
is "hoisted: VM_HSAVE_PA writes get #GP(0)" \
	"$(probe 0 "wrmsr $VM_HSAVE_PA 0") $(probe 0 "wrmsr $VM_HSAVE_PA 0x100000")" "gp 0 gp 0"
exits0=$(svm_exits)
res=
for i in $SVM_INSNS; do
	res="$res$i: $(probe_all "$i")
"
done
want=
for i in $SVM_INSNS; do
	want="$want$i: $(want_all ud)
"
done
is "hoisted: VMRUN VMLOAD VMSAVE STGI CLGI SKINIT INVLPGA give #UD at CPL 0 on every CPU" \
	"$res" "$want"
ncpu=$(cpus | wc -l)
is "hoisted: each was the hypervisor's #UD (svm_insn exits counted)" \
	"$(( ${exits0:-0} + 7 * ncpu <= $(svm_exits) ))" 1
dmesg_mark
if modprobe kvm_amd 2>/tmp/kvm.err; then kvm_rc=0; else kvm_rc=$?; fi
is "hoisted: modprobe kvm_amd fails" "$kvm_rc:$(kvm_loaded && echo loaded)" "1:"
like "hoisted: kvm says why" "$(dmesg_since)" \
	"kvm: (no hardware support|support) for 'kvm_amd'( disabled by bios)?"
is "hoisted: no oops or warning from the failed load" \
	"$(dmesg_since | grep -cE 'BUG|Oops|WARNING|Call Trace')" 0
unload_kvm
is "hoisted: the hypervisor is still there" "$(sig)" "xmhfllxmhfll"
check "unload" rmmod xmhf

# ---- after the unload: SVM is back
is "unloaded: CPUID 0x80000001 ECX.SVM is set again on every CPU" "$(ext_bit_all 2)" "$(want_all 1)"
check "unloaded: modprobe kvm_amd loads again" modprobe kvm_amd
unload_kvm
check "the probe module unloads" rmmod xmhf_svmprobe
done_testing
