#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The second testbench configuration (issue 17): QEMU 10 with intel-iommu
# interrupt remapping, where Linux runs in x2APIC mode (scripts/testbench
# --x2apic).  One boot on 4 CPUs: selftests/guest/x2apic.sh (the mode is in
# use; hotplug through the ICR MSR with no APIC-page exits), then the launch,
# SMP (hotplug, quiesce, NMIs, unload) and hypapp tests of the in-guest
# suite, and the INIT/SMI attacks (adversarial/10-init.t: here the LVT and
# ICR ones go through the x2APIC MSRs).  The hypervisor's log is kept in $BUILD/check/x2apic.hv.log.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
run_logged x2apic --x2apic --smp 4 --timeout 600 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; rc=0
		for t in /selftests/x2apic.sh /selftests/50-launch.t /selftests/52-smp.t \
			 /selftests/80-hypapp.t /adversarial/10-init.t; do
			echo "# $t"; sh $t || rc=1
		done; exit $rc'
