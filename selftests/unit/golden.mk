# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests for xmhfctl's golden-value parser and the verdict of
# `xmhfctl verify` (userspace/xmhfctl/golden.c: pure C, no TPM, no OpenSSL).
# Included by the top-level Makefile; objects go under $(BUILD)/unit/golden/.

GOLDEN_UT := $(BUILD)/unit/golden
GOLDEN_UT_CFLAGS := -std=gnu11 -I$(TOP)/userspace/xmhfctl \
	-Wall -Wextra -Werror -O2 -g -MMD -MP

$(GOLDEN_UT)/golden.o: $(TOP)/userspace/xmhfctl/golden.c
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_UT_CFLAGS) -c $< -o $@
$(GOLDEN_UT)/test_golden.o: $(TOP)/selftests/unit/test_golden.c
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_UT_CFLAGS) -c $< -o $@

$(BUILD)/unit/test_golden: $(addprefix $(GOLDEN_UT)/,test_golden.o golden.o)
	$(CC) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_golden

-include $(wildcard $(GOLDEN_UT)/*.d)
