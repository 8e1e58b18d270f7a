#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs the in-guest selftests (selftests/guest) in one testbench boot and
# passes their TAP through.  A guest that dies mid-way shows up as a plan
# that was not met.  The hypervisor's log of the whole boot (every launch
# of the suite) is kept: the port policy's default deny must have refused
# no port there (refused_ports, logged.sh).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
run_logged guest --timeout 600 -- /selftests/run
rc=$?
# 0x5A8, the probe hypapp's port, and the wider accesses around it
# (selftests/guest/probetest.c): touched on purpose.
refused_ports guest 0x5a5 0x5a6 0x5a7 0x5a8 0x5a9 || rc=1
exit $rc
