#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# xmhf-golden against PCR17 values computed here independently, with
# coreutils' sha1sum/sha256sum over the parts cut out of the blob by dd.
. "$(dirname "$0")/tap.sh"
plan 30

blob=$BUILD/hv/xmhf.bin
golden=$BUILD/tools/xmhf-golden
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

u32() { od -An -tu4 -j "$1" -N4 "$blob" | tr -d ' '; }
u16_at() { od -An -tu2 -j "$1" -N2 "$blob" | tr -d ' '; }
sl_off=$(u32 20); rt_off=$(u32 28); rt_size=$(u32 32)
slb_len=$(u16_at $((sl_off + 2)))

dd if="$blob" of="$tmp/slb" bs=1 skip="$sl_off" count="$slb_len" status=none
dd if="$blob" of="$tmp/rt" bs=1 skip="$rt_off" count="$rt_size" status=none
hexbin() { printf "$(sed 's/../\\x&/g' <<<"$1")"; }
# extend ALG PCR_HEX DIGEST_HEX -> new PCR hex
extend() { { hexbin "$2"; hexbin "$3"; } | "${1}sum" | cut -d' ' -f1; }

out=$("$golden" "$blob"); rc=$?
is "xmhf-golden exits 0 on the built blob" "$rc" 0
val() { awk -v k="$1" -v b="$2" '$1 == k && $2 == b { print $3 }' <<<"$out"; }

declare -A want	# "key alg" -> value computed here, independently of the tool
for alg in sha1 sha256; do
	slb=$("${alg}sum" < "$tmp/slb" | cut -d' ' -f1)
	rt=$("${alg}sum" < "$tmp/rt" | cut -d' ' -f1)
	len=${#slb}
	zero=$(printf "%0${len}d" 0)
	ff=$(printf "%${len}s" | tr ' ' f)
	marker=$(printf '%s' "xmhf-ll: hypervisor unloaded" | "${alg}sum" | cut -d' ' -f1)
	want[slb $alg]=$slb
	want[runtime $alg]=$rt
	want[drtm $alg]=$(extend $alg "$(extend $alg $zero "$slb")" "$rt")
	want[emulated $alg]=$(extend $alg "$(extend $alg $ff "$slb")" "$rt")
	want[drtm-unloaded $alg]=$(extend $alg "${want[drtm $alg]}" "$marker")
	want[emulated-unloaded $alg]=$(extend $alg "${want[emulated $alg]}" "$marker")
	is "$alg H(SLB) of the measured $slb_len bytes" "$(val slb $alg)" "$slb"
	is "$alg H(runtime)" "$(val runtime $alg)" "$rt"
	is "$alg DRTM PCR17 = extend(extend(0, H(SLB)), H(runtime))" \
		"$(val drtm $alg)" "${want[drtm $alg]}"
	is "$alg emulated PCR17 starts from FF..FF" \
		"$(val emulated $alg)" "${want[emulated $alg]}"
	is "$alg after unload: the marker on top of the emulated value" \
		"$(val emulated-unloaded $alg)" "${want[emulated-unloaded $alg]}"
	is "$alg after unload: the marker on top of the DRTM value" \
		"$(val drtm-unloaded $alg)" "${want[drtm-unloaded $alg]}"
done

json=$("$golden" --json "$blob")
like "--json gives the same emulated sha256 value" "$json" "\"emulated\":\"$(val emulated sha256)\""

# The installed golden file (what a verifier reads) against the values
# computed here, field by field: not against the tool that wrote it.
installed=$BUILD/hv/xmhf.golden
field() { awk -v k="$1" -v b="$2" '$1 == k && $2 == b { print $3 }' "$installed"; }
fields=0
for key in slb runtime drtm emulated drtm-unloaded emulated-unloaded; do
	for alg in sha1 sha256; do
		is "installed golden file: $key $alg" "$(field $key $alg)" "${want[$key $alg]}"
		fields=$((fields + 1))
	done
done
build_id=$(dd if="$blob" bs=1 skip=52 count=48 status=none | tr -d '\0')
is "installed golden file: build_id is the blob header's" \
	"$(awk '$1 == "build_id" { print $2 }' "$installed")" "$build_id"
is "installed golden file: no other lines" \
	"$(grep -vcE '^(#|build_id |(slb|runtime|drtm|emulated|drtm-unloaded|emulated-unloaded) sha(1|256) [0-9a-f]+$)' "$installed")" 0

# The hypapps are part of the measured runtime: another selection
# (the probe build, HYPAPPS="hello probe") must give other golden values.
probe_golden=$("$golden" "$BUILD/probe/hv/xmhf.bin" | awk '$1 == "emulated" && $2 == "sha256" { print $3 }')
if [ -n "$probe_golden" ] && [ "$probe_golden" != "$(val emulated sha256)" ]; then
	ok "golden values follow the hypapp selection (default vs probe build)"
else
	not_ok "golden values follow the hypapp selection" "default $(val emulated sha256)" "probe $probe_golden"
fi

head -c 1000 "$blob" > "$tmp/bad.bin"
err=$("$golden" "$tmp/bad.bin" 2>&1); rc=$?
like "a truncated blob is refused with a reason" "$rc: $err" "^1: .*not a valid blob: truncated"
done_testing
