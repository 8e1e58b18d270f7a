# SPDX-License-Identifier: GPL-2.0
# Corrupt or truncated blobs are refused with a clear error; a changed code
# byte is not (that is what the TPM measurement catches).
. /selftests/lib.sh
plan 14

fw=/lib/firmware/xmhf
good=$fw/xmhf.bin
size=$(wc -c < "$good")
# Header fields (uapi/xmhf/blob.h): rt_offset at byte 28, flags at 44.
rt_off=$(od -An -tu4 -j 28 -N4 "$good" | tr -d ' ')

# expect_reject DESC FILE PATTERN
expect_reject() {
	dmesg_mark
	if modprobe xmhf blob="xmhf/$(basename "$2")" >/dev/null 2>&1; then
		not_ok "$1: refused"; rmmod xmhf
	else
		ok "$1: refused"
	fi
	_msg=$(dmesg_new)
	if printf '%s\n' "$_msg" | grep -qE -- "$3" && ! xmhf_loaded; then
		ok "$1: says why"
	else
		not_ok "$1: says why" "dmesg: $_msg" "pattern: $3"
	fi
}

cp "$good" $fw/magic.bin; flip_byte $fw/magic.bin 0
expect_reject "bad magic" $fw/magic.bin "blob xmhf/magic.bin rejected: bad magic"

head -c $((size - 1)) "$good" > $fw/short.bin
expect_reject "truncated by one byte" $fw/short.bin "rejected: truncated"

head -c 100 "$good" > $fw/tiny.bin
expect_reject "only 100 bytes" $fw/tiny.bin "rejected: too short"

cp "$good" $fw/crc.bin; flip_byte $fw/crc.bin 44
expect_reject "header field changed" $fw/crc.bin "rejected: header checksum mismatch"

cp "$good" $fw/trail.bin; echo junk >> $fw/trail.bin
expect_reject "trailing data" $fw/trail.bin "rejected: longer than the header says"

: > $fw/empty.bin
expect_reject "empty file" $fw/empty.bin "rejected: too short|cannot read blob"

cp "$good" $fw/code.bin; flip_byte $fw/code.bin $((rt_off + 200))
check "a changed runtime code byte still loads" modprobe xmhf launch=none blob=xmhf/code.bin
check "and unloads" rmmod xmhf
rm -f $fw/magic.bin $fw/short.bin $fw/tiny.bin $fw/crc.bin $fw/trail.bin $fw/empty.bin $fw/code.bin
done_testing
