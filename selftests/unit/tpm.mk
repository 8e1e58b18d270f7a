# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests for the TPM driver (hv/lib/tpm_tis.c, hv/lib/tpm2.c) and
# the measurement log's extends (hv/core/measure.c) against a software TIS
# register file and a tiny TPM 2.0 written in the test.  Included by the
# top-level Makefile; objects go under $(BUILD)/unit/tpm/.
#
# With -DXMHF_HOST_TEST the driver's MMIO goes through tpm_mmio_read8/
# read32/write8, which the test implements; the tiny TPM hashes with
# hv/lib's SHA-1/SHA-256 (renamed libc-style names come from string.c).

TPM_UT := $(BUILD)/unit/tpm
TPM_UT_CFLAGS := -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -DXMHF_HOST_TEST \
	-Wall -Wextra -Werror -O2 -g -MMD -MP
TPM_UT_LIBSRC := tpm_tis tpm2 string sha1 sha256 md

$(TPM_UT_LIBSRC:%=$(TPM_UT)/%.o): $(TPM_UT)/%.o: $(TOP)/hv/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(TPM_UT_CFLAGS) -c $< -o $@
# evlog_extend (hv/core/measure.c): how a failed extend is recorded.
$(TPM_UT)/measure.o: $(TOP)/hv/core/measure.c
	@mkdir -p $(@D)
	$(CC) $(TPM_UT_CFLAGS) -c $< -o $@
$(TPM_UT)/test_tpm.o: $(TOP)/selftests/unit/test_tpm.c
	@mkdir -p $(@D)
	$(CC) $(TPM_UT_CFLAGS) -c $< -o $@

$(BUILD)/unit/test_tpm: $(TPM_UT)/test_tpm.o $(TPM_UT)/measure.o $(TPM_UT_LIBSRC:%=$(TPM_UT)/%.o)
	$(CC) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_tpm

-include $(wildcard $(TPM_UT)/*.d)
