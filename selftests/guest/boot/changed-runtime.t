# SPDX-License-Identifier: GPL-2.0
# A runtime image changed by one byte still launches, but PCR 17 then
# matches no golden value (issue 5, acceptance 2).
. /selftests/lib.sh
plan 4

fw=/lib/firmware/xmhf
golden=$fw/xmhf.golden
gold() { awk -v k="$1" -v b="$2" '$1 == k && $2 == b { print $3 }' $golden; }
pcr() { tpm2_pcrread "$1:17" | awk '/17:/ { print tolower(substr($2, 3)) }'; }
# The runtime image's last byte is page padding: changing it changes the
# measurement without changing the code.
rt_off=$(od -An -tu4 -j 28 -N4 $fw/xmhf.bin | tr -d ' ')
rt_size=$(od -An -tu4 -j 32 -N4 $fw/xmhf.bin | tr -d ' ')
cp $fw/xmhf.bin $fw/changed.bin
flip_byte $fw/changed.bin $((rt_off + rt_size - 1))
check "the changed runtime still launches" modprobe xmhf blob=xmhf/changed.bin
is "the hypervisor is there" "$(cat /sys/kernel/xmhf/state)" "launched"
p=$(pcr sha256)
if [ "$p" != "$(gold emulated sha256)" ] && [ "$p" != "$(gold drtm sha256)" ]; then
	ok "PCR 17 matches no golden value"
else
	not_ok "PCR 17 matches no golden value" "PCR 17 $p"
fi
check "unload" rmmod xmhf
done_testing
