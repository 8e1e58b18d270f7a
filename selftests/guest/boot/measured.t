# SPDX-License-Identifier: GPL-2.0
# The measured launch on a fresh boot (PCR 17 still FF..FF): PCR 17 equals
# the installed golden value in both banks, the event log replays to it,
# and unload extends the marker (issue 5, acceptance 1, 3, 5).
. /selftests/lib.sh
plan 17

golden=/lib/firmware/xmhf/xmhf.golden
gold() { awk -v k="$1" -v b="$2" '$1 == k && $2 == b { print $3 }' $golden; }
pcr() { tpm2_pcrread "$1:17" | awk '/17:/ { print tolower(substr($2, 3)) }'; }
replayed() { xmhfctl --json eventlog | sed -n "s/.*\"replay\":{.*\"$1\":\"\([0-9a-f]*\)\".*/\1/p"; }

is "PCR 17 starts at FF..FF on this boot" "$(pcr sha256)" "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
check "modprobe xmhf launches" modprobe xmhf
like "xmhfctl status says measured" "$(xmhfctl status)" "^measurement: +measured, 2 events"
is "PCR 17 sha256 equals the golden emulated value" "$(pcr sha256)" "$(gold emulated sha256)"
is "PCR 17 sha1 equals the golden emulated value" "$(pcr sha1)" "$(gold emulated sha1)"
is "the event log replays to PCR 17 (sha256)" "$(replayed sha256)" "$(pcr sha256)"
is "the event log replays to PCR 17 (sha1)" "$(replayed sha1)" "$(pcr sha1)"
nonce=0123456789abcdef0011223344556677
check "xmhfctl quote" xmhfctl quote --nonce $nonce --out /tmp/q
out=$(xmhfctl verify --in /tmp/q --nonce $nonce); rc=$?
is "xmhfctl verify exits 0 while hoisted" "$rc" 0
like "xmhfctl verify: present, emulated launch" "$out" "present: emulated launch"
check "tpm2_checkquote accepts the same files" tpm2_checkquote -u /tmp/q/ak.pub -m /tmp/q/quote.msg \
	-s /tmp/q/quote.sig -f /tmp/q/quote.pcrs -g sha256 -q $nonce
cp -a /tmp/q /tmp/bad && flip_byte /tmp/bad/quote.msg 20
out=$(xmhfctl verify --in /tmp/bad --nonce $nonce 2>&1); rc=$?
like "a quote changed by one byte fails verification" "$rc: $out" "^1: "
out=$(xmhfctl verify --in /tmp/q --nonce ${nonce%??}00 2>&1); rc=$?
like "the wrong nonce fails verification" "$rc: $out" "^1: .*nonce"

check "unload" xmhfctl unload
is "after unload PCR 17 carries the unload marker" "$(pcr sha256)" "$(gold emulated-unloaded sha256)"
xmhfctl quote --nonce $nonce --out /tmp/q2 >/dev/null
out=$(xmhfctl verify --in /tmp/q2 --nonce $nonce); rc=$?
is "after unload verify exits 3 (not present)" "$rc" 3
like "after unload a fresh quote says the hypervisor was unloaded" "$out" "unloaded"
rmmod xmhf
done_testing
