# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests for hv/lib (cmocka).  Included by the top-level Makefile,
# which must define BUILD (absolute build dir) and TOP (absolute repo root)
# before the include.  Adds the test binaries to UNIT_TESTS; run each with
# CMOCKA_MESSAGE_OUTPUT=TAP for TAP output.
#
# The library is built for the host with -DXMHF_HOST_TEST, which renames
# the libc-named functions (hv_memcpy, hv_snprintf, ...) so the tests call
# this code while libc and cmocka keep their own.

UNIT_CC ?= cc
UNIT_OUT := $(BUILD)/unit
UNIT_CFLAGS := -I$(TOP)/hv/include -I$(TOP)/uapi -DXMHF_HOST_TEST \
	-Wall -Wextra -Werror -O2 -g -MMD -MP
UNIT_LDLIBS := -lcmocka

UNIT_NAMES := test_string test_printf test_crypto
UNIT_LIBSRC := string printf md sha1 sha256 hmac
UNIT_LIB := $(UNIT_OUT)/lib
UNIT_TESTS += $(UNIT_NAMES:%=$(UNIT_OUT)/%)

# Static pattern rules: they cover only these objects, so other fragments
# sharing $(BUILD)/unit keep their own rules and flags.
$(UNIT_LIBSRC:%=$(UNIT_LIB)/%.o): $(UNIT_LIB)/%.o: $(TOP)/hv/lib/%.c
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_NAMES:%=$(UNIT_OUT)/%.o): $(UNIT_OUT)/%.o: $(TOP)/selftests/unit/%.c
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_OUT)/test_string: $(UNIT_OUT)/test_string.o $(UNIT_LIB)/string.o
	$(UNIT_CC) -o $@ $^ $(UNIT_LDLIBS)

$(UNIT_OUT)/test_printf: $(UNIT_OUT)/test_printf.o $(UNIT_LIB)/printf.o \
		$(UNIT_LIB)/string.o
	$(UNIT_CC) -o $@ $^ $(UNIT_LDLIBS)

$(UNIT_OUT)/test_crypto: $(UNIT_OUT)/test_crypto.o $(UNIT_LIB)/sha1.o \
		$(UNIT_LIB)/sha256.o $(UNIT_LIB)/hmac.o $(UNIT_LIB)/md.o $(UNIT_LIB)/string.o
	$(UNIT_CC) -o $@ $^ $(UNIT_LDLIBS)

-include $(wildcard $(UNIT_NAMES:%=$(UNIT_OUT)/%.d) \
		    $(UNIT_LIBSRC:%=$(UNIT_LIB)/%.d))
