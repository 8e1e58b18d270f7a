#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The adversarial suite (selftests/adversarial) on 4 CPU(s), one boot.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
run_logged adversarial-smp4 --smp 4 \
	--device e1000 --device virtio-net-pci --device virtio-rng-pci --timeout 900 -- /adversarial/run
rc=$?
# 0xB3: 30-ports.t reads and writes it on purpose (it is in no row).
refused_ports adversarial-smp4 0xb3 || rc=1
exit $rc
