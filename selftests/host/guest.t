#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs the in-guest selftests (selftests/guest) in one testbench boot and
# passes their TAP through.  A guest that dies mid-way shows up as a plan
# that was not met.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/scripts/testbench" --timeout 600 -- /selftests/run
