# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests for the guest memory service (hv/core/guest_mem.c):
# guest page-table walks in every paging mode and the guest copies.
# Included by the top-level Makefile; objects go under $(BUILD)/unit/gmem/.
#
# The runtime code is built for the host with -DXMHF_HOST_TEST, so its
# memcpy is hv/lib/string.c's (renamed hv_memcpy), linked in beside it.

GMEM_UT := $(BUILD)/unit/gmem
GMEM_UT_CFLAGS := -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -DXMHF_HOST_TEST \
	-Wall -Wextra -Werror -O2 -g -MMD -MP

$(GMEM_UT)/guest_mem.o: $(TOP)/hv/core/guest_mem.c
	@mkdir -p $(@D)
	$(CC) $(GMEM_UT_CFLAGS) -c $< -o $@
$(GMEM_UT)/string.o: $(TOP)/hv/lib/string.c
	@mkdir -p $(@D)
	$(CC) $(GMEM_UT_CFLAGS) -c $< -o $@
$(GMEM_UT)/test_guest_mem.o: $(TOP)/selftests/unit/test_guest_mem.c
	@mkdir -p $(@D)
	$(CC) $(GMEM_UT_CFLAGS) -c $< -o $@

$(BUILD)/unit/test_guest_mem: $(addprefix $(GMEM_UT)/,test_guest_mem.o guest_mem.o string.o)
	$(CC) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_guest_mem

-include $(wildcard $(GMEM_UT)/*.d)
