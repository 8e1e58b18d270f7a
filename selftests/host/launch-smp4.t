#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# SMP under the hypervisor on 4 CPUs (issue 4): selftests/guest/52-smp.t,
# with Linux on 5-level paging (the default here); the in-guest suite runs
# it on 2 CPUs.  Every step in it has a deadline, well inside this timeout.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
run_smp4 launch-smp4
