# SPDX-License-Identifier: GPL-2.0
# Attestation from the guest: xmhfctl pcr, quote and verify through tpm2-tss
# (device:/dev/tpmrm0), cross-checked with the kernel's own PCR reading and
# with tpm2-tools' tpm2_checkquote.  None of it needs the module.
#
# PCR17 cannot be reset from the guest.  It is FF..FF (the value after TPM
# start-up) when nothing in this boot launched the hypervisor: then the
# verdict is "not present".  In the one-boot guest suite the tests before
# this one launch and unload it many times, and each unload extends a
# marker: then the verdict is "unknown measurement" (or "unloaded" after a
# single launch).  Either way a quote made while the hypervisor is not there
# must not say "present".
. /selftests/lib.sh
plan 30

Q=/tmp/attest
N=00112233445566778899aabbccddeeff
FF64=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
FF40=ffffffffffffffffffffffffffffffffffffffff
HEX64='[0-9a-f]{64}'
HEX40='[0-9a-f]{40}'

# Milliseconds since boot (10 ms resolution; busybox date has no %N).
# The "1" prefix keeps a fraction like "08" from reading as octal.
ms() { read -r _up _ < /proc/uptime; echo $(( ${_up%.*} * 1000 + 10 * (1${_up#*.} - 100) )); }
# run_rc CMD...: runs CMD, its stdout+stderr in $out, its exit status in $rc.
run_rc() { out=$("$@" 2>&1); rc=$?; }
# The lines of $1 joined with '~', so one (grep -E) pattern can span them.
flat() { printf '%s' "$1" | tr '\n' '~'; }

if [ ! -e /dev/tpmrm0 ]; then
	i=0; while [ $i -lt 30 ]; do skip "attestation" "no TPM in this machine"; i=$((i + 1)); done
	exit 0
fi
xmhf_loaded && rmmod xmhf

# --- pcr
sys256=$(tr 'A-F' 'a-f' < /sys/class/tpm/tpm0/pcr-sha256/17 2>/dev/null)
sys1=$(tr 'A-F' 'a-f' < /sys/class/tpm/tpm0/pcr-sha1/17 2>/dev/null)
if [ "$sys256" = "$FF64" ]; then
	fresh=1; want_verdict=not_present
	echo "# PCR17 is FF..FF: nothing has measured in this boot"
else
	fresh=0; want_verdict='(unknown|unloaded)'
	echo "# PCR17 was extended earlier in this boot: $sys256"
fi
run_rc xmhfctl pcr
is "xmhfctl pcr exits 0" "$rc" 0
like "xmhfctl pcr shows both banks, PCR 17-19" "$(flat "$out")" \
	"^sha256:~  17: $HEX64~  18: $HEX64~  19: $HEX64~sha1:~  17: $HEX40~  18: $HEX40~  19: $HEX40\$"
like "xmhfctl pcr: sha256 PCR17 is the kernel's (/sys/class/tpm/tpm0/pcr-sha256/17)" \
	"$(flat "$out")" "^sha256:~  17: ${sys256:-missing}~"
like "xmhfctl pcr --json has the expected shape" "$(xmhfctl pcr --json)" \
	"^\{\"sha256\":\{\"17\":\"$HEX64\",\"18\":\"$HEX64\",\"19\":\"$HEX64\"\},\"sha1\":\{\"17\":\"$HEX40\",\"18\":\"$HEX40\",\"19\":\"$HEX40\"\}\}\$"
p1=$(xmhfctl --json pcr --bank sha1 | sed -n 's/^{"sha1":{"17":"\([0-9a-f]*\)".*/\1/p')
is "xmhfctl --json pcr --bank sha1: PCR17 is the kernel's" "$p1" "${sys1:-missing}"
if [ $fresh = 1 ]; then
	is "sha1 PCR17 is FF..FF too" "$p1" "$FF40"
else
	like "sha1 PCR17 was extended too" "$p1" "^[0-9a-f]{40}\$"
fi
run_rc xmhfctl pcr --tcti device:/dev/no-such-tpm
like "no TPM device: exit 1 and says so" "$rc: $out" "^1: xmhfctl pcr: no TPM: /dev/no-such-tpm"

# --- quote
rm -rf $Q
t0=$(ms)
run_rc xmhfctl quote --nonce $N --out $Q
t1=$(ms)
is "xmhfctl quote exits 0" "$rc" 0
check "quote wrote quote.msg, quote.sig, quote.pcrs, ak.pub, ak.pem" \
	test -s $Q/quote.msg -a -s $Q/quote.sig -a -s $Q/quote.pcrs -a -s $Q/ak.pub -a -s $Q/ak.pem
xmhfctl quote --nonce 01 --out $Q.2 >/dev/null 2>&1
check "the attestation key is the same each time (fixed template)" cmp $Q/ak.pub $Q.2/ak.pub
run_rc xmhfctl quote --nonce 0x12 --out $Q.3
like "bad nonce hex: exit 2 and says so" "$rc: $out" "^2: xmhfctl quote: --nonce wants .*hex digits"
run_rc xmhfctl quote --nonce abc --out $Q.3
is "odd-length nonce: exit 2" "$rc" 2
run_rc xmhfctl quote --out $Q.3
like "no nonce: exit 2 and says so" "$rc: $out" "^2: xmhfctl quote: --nonce HEX is required"

# --- verify
t2=$(ms)
run_rc xmhfctl verify --in $Q --nonce $N
t3=$(ms)
echo "# time: quote $((t1 - t0)) ms, verify $((t3 - t2)) ms (10 ms resolution)"
is "verify exits 3 (no hypervisor)" "$rc" 3
like "verify: signature, nonce and PCR digest check out" "$(flat "$out")" \
	"^signature: +good \(ecc-p256 attestation key, ecdsa-sha256\)~nonce: +matches~pcr digest: +matches quote.pcrs \(sha256:17,18,19 sha1:17,18,19\)~"
if [ $fresh = 1 ]; then
	like "verify says: hypervisor not present (PCR17 FF..FF)" "$out" \
		"^verdict: +hypervisor not present \(PCR17 is the post-boot value FF..FF or 00..00\)\$"
else
	like "verify says: not present / unknown (PCR17 extended by earlier launches and unloads)" \
		"$out" "^verdict: +(unknown measurement: PCR17 matches no golden value|hypervisor not present \(unloaded)"
fi
like "verify --json: the quoted PCR17 and the verdict" "$(xmhfctl --json verify --in $Q --nonce $N)" \
	"\"pcr17\":\{\"sha256\":\"$sys256\",\"sha1\":\"$sys1\"\}.*\"verdict\":\"$want_verdict\",\"present\":false"

# The same files satisfy tpm2-tools, both with the TSS key and with the PEM.
check "tpm2_checkquote accepts the quote (ak.pub)" tpm2_checkquote -u $Q/ak.pub \
	-m $Q/quote.msg -s $Q/quote.sig -f $Q/quote.pcrs -g sha256 -q $N
check "tpm2_checkquote accepts the quote (ak.pem)" tpm2_checkquote -u $Q/ak.pem \
	-m $Q/quote.msg -s $Q/quote.sig -f $Q/quote.pcrs -g sha256 -q $N
if tpm2_checkquote -u $Q/ak.pub -m $Q/quote.msg -s $Q/quote.sig -f $Q/quote.pcrs \
	-g sha256 -q 00 >/dev/null 2>&1; then
	not_ok "tpm2_checkquote refuses a wrong nonce"
else
	ok "tpm2_checkquote refuses a wrong nonce"
fi

# --- what verify refuses (exit 1, with the reason)
run_rc xmhfctl verify --in $Q --nonce 0011
like "wrong nonce: exit 1, nonce mismatch" "$rc: $out" "^1: xmhfctl verify: nonce mismatch"
run_rc xmhfctl verify --in $Q --nonce $N.0
like "bad nonce hex: exit 2" "$rc: $out" "^2: xmhfctl verify: --nonce wants"

tamper() {	# tamper FILE OFFSET: a copy of $Q with one byte of FILE flipped, in $Q.t
	rm -rf $Q.t; cp -a $Q $Q.t; flip_byte $Q.t/$1 $2
}
sz=$(stat -c %s $Q/quote.msg)
tamper quote.msg $((sz - 1))		# last byte of the PCR digest
run_rc xmhfctl verify --in $Q.t --nonce $N
like "quote.msg changed by one byte: exit 1, bad signature" "$rc: $out" "^1: xmhfctl verify: bad signature"
tamper quote.msg 64			# clockInfo.clock (after a 16-byte nonce)
run_rc xmhfctl verify --in $Q.t --nonce $N
like "quote.msg changed in its clock info: exit 1, bad signature" "$rc: $out" "^1: xmhfctl verify: bad signature"
tamper quote.sig 20
run_rc xmhfctl verify --in $Q.t --nonce $N
like "quote.sig changed by one byte: exit 1, bad signature" "$rc: $out" "^1: xmhfctl verify: bad signature"
tamper quote.pcrs 150			# a byte of sha256 PCR17's value
run_rc xmhfctl verify --in $Q.t --nonce $N
like "quote.pcrs value changed: exit 1, PCR digest mismatch" "$rc: $out" "^1: xmhfctl verify: PCR digest mismatch"
tamper ak.pub 60			# inside the public point
run_rc xmhfctl verify --in $Q.t --nonce $N
like "ak.pub changed: exit 1" "$rc: $out" "^1: xmhfctl verify: (bad signature|the AK's public key is not valid)"
cp $Q.2/quote.sig $Q.t/quote.sig 2>/dev/null; cp $Q/ak.pub $Q.t/ak.pub
run_rc xmhfctl verify --in $Q.t --nonce $N
like "another quote's signature: exit 1, bad signature" "$rc: $out" "^1: xmhfctl verify: bad signature"
rm -f $Q.t/quote.sig
run_rc xmhfctl verify --in $Q.t --nonce $N
like "missing quote.sig: exit 1, says which file" "$rc: $out" "^1: xmhfctl verify: cannot read $Q.t/quote.sig"
printf 'emulated sha256 1234\n' > /tmp/bad.golden
run_rc xmhfctl verify --in $Q --nonce $N --golden /tmp/bad.golden
like "malformed golden file: exit 1, says which line" "$rc: $out" "^1: xmhfctl verify: /tmp/bad.golden: not a golden values file: line 1:"

# The "present" check goes here.  It needs PCR17 at FF..FF when the
# hypervisor launches ($fresh = 1), so it can only run in a boot where
# nothing launched before it (not after 50-launch.t in the one-boot suite;
# selftests/guest/boot/ holds the tests that get a boot of their own):
#   modprobe xmhf launch=emulated
#   xmhfctl quote --nonce $N --out $Q.hv && xmhfctl verify --in $Q.hv --nonce $N
#   -> exit 0, "verdict: hypervisor present: emulated launch", PCR17 equal to
#      the "emulated sha256" and "emulated sha1" lines of
#      /lib/firmware/xmhf/xmhf.golden;
#   rmmod xmhf; quote and verify again -> exit 3, "verdict: hypervisor not
#      present (unloaded: ...)" (PCR17 = the "emulated-unloaded" values).
rm -rf $Q $Q.2 $Q.3 $Q.t /tmp/bad.golden
done_testing
