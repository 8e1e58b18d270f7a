# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests for the loader's logic (loader-lkm/{blob,cpu,loader}.c,
# driven through a mock platform) and the SL's parameter checks.  Included
# by the top-level Makefile after unit.mk.

LOADER_UT_CFLAGS := -std=gnu11 -I$(TOP)/uapi -I$(TOP)/loader-lkm -I$(TOP)/selftests/unit \
	-Wall -Wextra -Werror -O2 -g -MMD -MP
LOADER_UT := $(BUILD)/unit/loader

$(LOADER_UT)/%.o: $(TOP)/loader-lkm/%.c
	@mkdir -p $(@D)
	$(CC) $(LOADER_UT_CFLAGS) -c $< -o $@
$(LOADER_UT)/%.o: $(TOP)/selftests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(LOADER_UT_CFLAGS) -I$(TOP)/hv/include -c $< -o $@
$(LOADER_UT)/sl_params.o: $(TOP)/hv/sl/params.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -DXMHF_FREESTANDING \
		-Wall -Wextra -Werror -O2 -g -MMD -MP -c $< -o $@

$(BUILD)/unit/test_blob: $(addprefix $(LOADER_UT)/,test_blob.o blob_fixture.o blob.o)
	$(CC) -o $@ $^ -lcmocka
$(BUILD)/unit/test_cpu: $(addprefix $(LOADER_UT)/,test_cpu.o mock_platform.o cpu.o)
	$(CC) -o $@ $^ -lcmocka
$(BUILD)/unit/test_loader: $(addprefix $(LOADER_UT)/,test_loader.o mock_platform.o \
		blob_fixture.o loader.o cpu.o blob.o sl_params.o)
	$(CC) -o $@ $^ -lcmocka
$(BUILD)/unit/test_slparams: $(addprefix $(LOADER_UT)/,test_slparams.o sl_params.o)
	$(CC) -o $@ $^ -lcmocka

UNIT_TESTS += $(addprefix $(BUILD)/unit/,test_blob test_cpu test_loader test_slparams)

-include $(wildcard $(LOADER_UT)/*.d)
