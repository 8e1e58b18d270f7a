# SPDX-License-Identifier: GPL-2.0
# Instruction lengths (docs/isolation-msr.md, "Instruction length"): the
# hypervisor emulates CPUID and must move RIP past all of it.  A CPUID
# with an operand-size prefix (66 0f a2) is 3 bytes; a fixed skip of 2
# resumes inside it, at a2 (a MOV with a 64-bit address that takes the
# next 8 bytes of code), and the process dies or runs garbage.  The
# prefix is the guest's choice (any process's), so natively the
# instruction must work, and hoisted it must work the same.
. /selftests/lib.sh

plan 6
T=/selftests/bin/advtool
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }

like "native: a 66-prefixed CPUID runs, and the code after it" "$($T cpuid66 2>&1)" '^ok '
check "launch" modprobe xmhf launch=emulated
is "hoisted: a 66-prefixed CPUID is emulated and RIP lands after it" "$($T cpuid66 2>&1)" "ok xmhfllxmhfll"
is "SELFCHECK: the runtime is unchanged" "$($T selfcheck)" "1"
is "the hypervisor is still there" "$(sig)" "xmhfllxmhfll"
check "unload" rmmod xmhf
done_testing
