#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The adversarial suite (selftests/adversarial) on 2 CPU(s), one boot.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
run_logged adversarial-smp2 --smp 2 \
	--device e1000 --device virtio-net-pci --device virtio-rng-pci --timeout 900 -- /adversarial/run
