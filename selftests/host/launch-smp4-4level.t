#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# SMP under the hypervisor on 4 CPUs with Linux on 4-level paging (no5lvl):
# selftests/guest/52-smp.t, as launch-smp4.t does for 5-level.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
run_smp4 launch-smp4-4level --append no5lvl
