# SPDX-License-Identifier: GPL-2.0
# Bad module parameters fail insmod with a clear message and leave nothing.
. /selftests/lib.sh
plan 24

# expect_fail DESC PATTERN PARAMS...
expect_fail() {
	_desc=$1; _pat=$2; shift 2
	dmesg_mark
	if modprobe xmhf "$@" >/dev/null 2>&1; then
		not_ok "$_desc: modprobe must fail"; rmmod xmhf
	else
		ok "$_desc: modprobe fails"
	fi
	_msg=$(dmesg_new)
	if printf '%s\n' "$_msg" | grep -qE -- "$_pat" && ! xmhf_loaded && [ ! -e /dev/xmhf ]; then
		ok "$_desc: clear message, nothing left"
	else
		not_ok "$_desc: clear message, nothing left" "dmesg: $_msg" "pattern: $_pat"
	fi
}

expect_fail "launch=bogus" "launch: 'bogus' is not one of auto, none, emulated, skinit, senter" launch=bogus
expect_fail "launch=senter" "Intel TXT is not supported" launch=senter
expect_fail "debug_port=0xcf8" "debug_port: '0xcf8' is not 0 \(off\), 0xe9" debug_port=0xcf8
expect_fail "debug_port=abc" "debug_port: 'abc' is not" debug_port=abc
expect_fail "blob with .." "blob: '../../etc/passwd' must be relative" blob=../../etc/passwd
expect_fail "absolute blob path" "blob: '/etc/passwd' must be relative" blob=/etc/passwd
expect_fail "extra_blocks=33" "extra_blocks: '33' is not a number from 0 to 32" extra_blocks=33
expect_fail "extra_blocks=-1" "extra_blocks: '-1' is not a number from 0 to 32" extra_blocks=-1
expect_fail "missing blob" "cannot read blob /lib/firmware/xmhf/missing.bin \(-2\)" blob=xmhf/missing.bin

if grep -qw skinit /proc/cpuinfo; then
	skip "launch=skinit without SKINIT: modprobe fails" "this CPU has SKINIT"
	skip "launch=skinit without SKINIT: clear message" "this CPU has SKINIT"
else
	expect_fail "launch=skinit without SKINIT" "launch=skinit: this CPU has no SKINIT" launch=skinit
fi

check "good parameters load" modprobe xmhf launch=none debug_port=0x3f8
is "launch parameter reads back" "$(cat /sys/module/xmhf/parameters/launch)" "none"
is "debug_port parameter reads back" "$(cat /sys/module/xmhf/parameters/debug_port)" "1016"
check "rmmod after good parameters" rmmod xmhf
done_testing
