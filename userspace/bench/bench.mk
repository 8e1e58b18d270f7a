# SPDX-License-Identifier: GPL-2.0
# The benchmark programs behind `make bench` (scripts/bench).
# Included by the top-level Makefile, which defines TOP and BUILD.
#
# Both programs are linked statically: scripts/bench hands $(BUILD)/bench to
# the testbench with --add, and the testbench stages shared libraries only
# for the ELF files of build/rootfs, not for --add'ed ones.

# These rules must not become the includer's default goal.
bench_saved_goal := $(.DEFAULT_GOAL)

BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
BENCH_LDFLAGS := -static

$(BUILD)/bench/kvm-vmmcall: $(TOP)/userspace/bench/kvm-vmmcall.c $(TOP)/userspace/bench/bench.mk
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< $(BENCH_LDFLAGS) -o $@

$(BUILD)/bench/microbench: $(TOP)/userspace/bench/microbench.c $(TOP)/userspace/bench/bench.mk
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< $(BENCH_LDFLAGS) -o $@

BENCH_BINS += $(BUILD)/bench/kvm-vmmcall $(BUILD)/bench/microbench

.DEFAULT_GOAL := $(bench_saved_goal)
