#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The adversarial suite (selftests/adversarial) on 2 CPU(s), one boot.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
run_logged adversarial-smp2 --smp 2 \
	--device e1000 --device virtio-net-pci --device virtio-rng-pci --timeout 900 -- /adversarial/run
rc=$?
# 0xB3: 30-ports.t reads and writes it on purpose (it is in no row).
refused_ports adversarial-smp2 0xb3 || rc=1
exit $rc
