# SPDX-License-Identifier: GPL-2.0
# TPM localities 2-4 belong to the hypervisor: while Linux is hoisted its
# accesses there fault (#GP) and never reach the TPM, while its own TPM use
# at locality 0 goes on (issue 5, acceptance 4).
. /selftests/lib.sh
plan 11

if [ ! -e /dev/tpm0 ]; then
	i=0; while [ $i -lt 11 ]; do skip "TPM isolation" "no TPM in this machine"; i=$((i + 1)); done
	exit 0
fi
check "launch with the test ioctls enabled" modprobe xmhf launch=emulated selftest=1
like "locality 0 registers still read" "$(/selftests/bin/mmiotest 0xfed40000)" "^ok 0x"
is "a read of locality 2 faults" "$(/selftests/bin/mmiotest 0xfed42000)" "fault"
is "a read of locality 3 faults" "$(/selftests/bin/mmiotest 0xfed43018)" "fault"
is "a read of locality 4 faults" "$(/selftests/bin/mmiotest 0xfed44000)" "fault"
is "a write requesting locality 2 faults" "$(/selftests/bin/mmiotest 0xfed42000 0x02)" "fault"
like "the hypervisor logged the locality accesses" "$(xmhfctl log)" "protected memory at 0xfed42000"
check "tpm2_pcrread works at locality 0 while hoisted" tpm2_pcrread sha256:17
check "tpm2_getrandom works while hoisted" tpm2_getrandom --hex 16
check "unload" rmmod xmhf
# Natively the same read is not refused: the isolation was the hypervisor's.
modprobe xmhf launch=none selftest=1
like "natively, locality 2 reads again" "$(/selftests/bin/mmiotest 0xfed42000)" "^ok 0x"
rmmod xmhf
done_testing
