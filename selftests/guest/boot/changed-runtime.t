# SPDX-License-Identifier: GPL-2.0
# A runtime image changed by one byte still launches, measured: PCR 17
# then holds exactly the emulated chain over the changed blob, recomputed
# here with sha1sum/sha256sum, and matches no golden value (issue 5,
# acceptance 2).  Needs a fresh boot: PCR 17 starts at FF..FF.
. /selftests/lib.sh
plan 9

fw=/lib/firmware/xmhf
golden=$fw/xmhf.golden
gold() { awk -v k="$1" -v b="$2" '$1 == k && $2 == b { print $3 }' $golden; }
pcr() { tpm2_pcrread "$1:17" | awk '/17:/ { print tolower(substr($2, 3)) }'; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u16() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }
part() { tail -c +$(($2 + 1)) "$1" | head -c "$3"; }	# FILE OFFSET LENGTH
hexbin() { printf "$(echo "$1" | sed 's/../\\x&/g')"; }
# extend ALG PCR_HEX DIGEST_HEX: H(PCR || digest), as TPM2_PCR_Extend does
extend() { { hexbin "$2"; hexbin "$3"; } | "${1}sum" | cut -d' ' -f1; }

# The runtime image's last byte is page padding: changing it changes the
# measurement without changing the code.  Offsets from the blob header.
blob=$fw/changed.bin
cp $fw/xmhf.bin $blob
sl_off=$(u32 $blob 20); rt_off=$(u32 $blob 28); rt_size=$(u32 $blob 32)
flip_byte $blob $((rt_off + rt_size - 1))
# H(SLB) covers the SLB header's length field's bytes of the SL.
slb_len=$(u16 $blob $((sl_off + 2)))
for alg in sha1 sha256; do
	slb=$(part $blob "$sl_off" "$slb_len" | "${alg}sum" | cut -d' ' -f1)
	rt=$(part $blob "$rt_off" "$rt_size" | "${alg}sum" | cut -d' ' -f1)
	ff=$(printf "%${#slb}s" | tr ' ' f)
	eval "ff_$alg=$ff"
	eval "want_$alg=$(extend $alg "$(extend $alg "$ff" "$slb")" "$rt")"
done

is "PCR 17 starts at FF..FF on this boot" "$(pcr sha256)" "$ff_sha256"
check "the changed runtime still launches" modprobe xmhf blob=xmhf/changed.bin
is "the hypervisor is there" "$(cat /sys/kernel/xmhf/state)" "launched"
like "xmhfctl status says measured" "$(xmhfctl status)" "^measurement: +measured, 2 events"
p=$(pcr sha256)
is "PCR 17 sha256 = extend(extend(FF..FF, H(SLB)), H(changed runtime)), recomputed here" \
	"$p" "$want_sha256"
is "PCR 17 sha1 = the same chain in the sha1 bank" "$(pcr sha1)" "$want_sha1"
if [ "$p" != "$(gold emulated sha256)" ] && [ "$p" != "$(gold drtm sha256)" ]; then
	ok "PCR 17 matches no golden value"
else
	not_ok "PCR 17 matches no golden value" "PCR 17 $p"
fi
xmhfctl quote --nonce 00112233 --out /tmp/q >/dev/null
out=$(xmhfctl verify --in /tmp/q --nonce 00112233 2>&1); rc=$?
like "xmhfctl verify: an unknown measurement (exit 3)" "$rc: $(echo "$out" | tr '\n' ' ')" \
	"^3: .*unknown measurement"
check "unload" rmmod xmhf
done_testing
