# SPDX-License-Identifier: GPL-2.0
#
# xmhf-ll top-level build.
#
#   make          the blob, xmhf.ko, xmhfctl, host tools and tests
#   make check    install deps, build, run every test; last line "N passed, N failed"
#   make run      install deps, build, boot the testbench and show the hypervisor
#   make bench    benchmarks as ratios, one boot per configuration, then launch time
#                 and table sizes for 1, 4 and 16 GiB guests, then disk throughput
#                 (one boot per Linux IOMMU mode) (outside make check)
#   make soak     100 hoist/unload cycles on 4 CPUs under stress-ng (outside make check)
#   make install  xmhf.ko through DKMS, the blob, xmhfctl and xmhfctl(8)
#   make uninstall  removes what make install put
#
# The module itself is built by kbuild from ./Kbuild.

TOP := $(CURDIR)
BUILD := $(TOP)/build
# KVER is looked up when empty, in every make (not only the first): `make
# check` runs scripts/deps.sh before its sub-make, and on a fresh machine the
# kernel and its headers only exist after that (an empty KVER is exported).
ifeq ($(strip $(KVER)),)
KVER := $(shell $(TOP)/scripts/kver 2>/dev/null)
endif
KDIR ?= /lib/modules/$(KVER)/build
VERSION := $(shell sed -n 's/^\#define XMHF_VERSION_STRING "\(.*\)"/\1/p' uapi/xmhf/version.h)
GIT_REV := $(shell git -C $(TOP) rev-parse --short=10 HEAD 2>/dev/null)
BUILD_ID := $(VERSION)$(if $(GIT_REV),-g$(GIT_REV))

CC ?= gcc
LD ?= ld
OBJCOPY ?= objcopy

export TOP BUILD KVER

.PHONY: all hv module userspace tools rootfs initramfs unit check run bench soak deps clean help \
	print-sl-link dkms-src install install-module uninstall uninstall-module
all: hv module userspace tools unit rootfs initramfs

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------- hypervisor
# Freestanding: no libc, no SSE/x87 (general registers only), no red zone.
HV_CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdlib -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mgeneral-regs-only -fno-pic -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-common -fno-strict-aliasing \
	-O2 -g -Wall -Wextra -Werror \
	-I$(TOP)/hv/include -I$(TOP)/uapi -DXMHF_FREESTANDING \
	$(if $(HV_TEST_HC),-DXMHF_TEST_HYPERCALLS)
HV64_CFLAGS := $(HV_CFLAGS) -m64 -mcmodel=kernel
HV32_CFLAGS := $(HV_CFLAGS) -m32 -march=i686
# The images are flat, loaded without an ELF loader: RWX segments are expected.
HV_LDFLAGS := -nostdlib -static -z noexecstack --no-dynamic-linker --build-id=none \
	--no-warn-rwx-segments

TPM_SRCS := hv/core/measure.c hv/lib/tpm_tis.c hv/lib/tpm2.c \
	hv/lib/md.c hv/lib/sha1.c hv/lib/sha256.c
SL_SRCS := hv/sl/entry.S hv/sl/sl.c hv/sl/params.c hv/sl/steps.c hv/lib/string.c $(TPM_SRCS) \
	hv/arch/x86/amd_iommu.c hv/arch/x86/amd_iommu_own.c
# Hypapps linked into the runtime, asked in this order (hypapps/README.md).
# They are part of the measured runtime, so the golden values follow them.
HYPAPPS ?= hello
HYPAPP_SRCS := $(foreach a,$(HYPAPPS),$(sort $(wildcard hypapps/$(a)/*.c)))
$(foreach a,$(HYPAPPS),$(if $(wildcard hypapps/$(a)/*.c),,$(error HYPAPPS: no hypapp '$(a)' under hypapps/)))

RT_SRCS := hv/core/head.S hv/core/main.c hv/core/log.c hv/core/gdt.c hv/core/idt.c \
	hv/core/exceptions.S hv/core/mm.c hv/core/directmap.c hv/core/npt.c hv/core/hypercall.c \
	hv/core/guest_mem.c hv/core/guest_ram.c hv/arch/x86/cpu.c hv/arch/x86/cr.c hv/arch/x86/ioports.c hv/arch/x86/msr.c hv/arch/x86/pci.c hv/arch/x86/svm/exit_names.c \
	hv/arch/x86/svm/svm.c hv/arch/x86/svm/vmrun.S hv/arch/x86/svm/vmrun_guard.c \
	hv/core/hub.c hv/core/decode.c hv/core/icr.c hv/core/lapic.c hv/core/smp.c hv/core/percpu.c hv/core/guest_apic.c \
	hv/arch/x86/apic_filter.c hv/arch/x86/intr_mmio.c \
	hv/arch/x86/amd_iommu.c hv/arch/x86/amd_iommu_own.c hv/arch/x86/amd_iommu_shadow.c hv/arch/x86/dma.c \
	hv/arch/x86/viommu.c \
	hv/core/ap_tramp.S hv/core/quiesce.c hv/core/reset.c hv/core/reset_stub.S hv/lib/string.c hv/lib/printf.c hv/lib/hmac.c $(TPM_SRCS) \
	$(HYPAPP_SRCS)

SL_OBJS := $(patsubst %,$(BUILD)/sl/%.o,$(basename $(SL_SRCS)))
RT_OBJS := $(patsubst %,$(BUILD)/rt/%.o,$(basename $(RT_SRCS)))

$(BUILD)/sl/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV32_CFLAGS) -MMD -c $< -o $@
$(BUILD)/sl/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV32_CFLAGS) -D__ASSEMBLY__ -MMD -c $< -o $@
$(BUILD)/rt/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV64_CFLAGS) -MMD -c $< -o $@
$(BUILD)/rt/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV64_CFLAGS) -D__ASSEMBLY__ -MMD -c $< -o $@

$(BUILD)/hv/%.lds: hv/%.lds.S
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -D__ASSEMBLY__ -I$(TOP)/uapi -MMD -MT $@ $< -o $@

SL_LINK = $(LD) -m elf_i386 $(HV_LDFLAGS) -T $(BUILD)/hv/sl/sl.lds $(SL_OBJS)
$(BUILD)/hv/sl.elf: $(SL_OBJS) $(BUILD)/hv/sl/sl.lds
	$(SL_LINK) -o $@
# The SL's link command without its output: selftests/host/build.t links
# the SL's own objects with one more, the same way.
print-sl-link:
	@echo '$(SL_LINK)'
# Relink when the selection changes, not only when a source does.
$(BUILD)/hv/hypapps: FORCE
	@mkdir -p $(dir $@)
	@echo '$(HYPAPPS)' | cmp -s - $@ || echo '$(HYPAPPS)' > $@

$(BUILD)/hv/runtime.elf: $(RT_OBJS) $(BUILD)/hv/core/runtime.lds $(BUILD)/hv/hypapps
	$(LD) -m elf_x86_64 $(HV_LDFLAGS) -T $(BUILD)/hv/core/runtime.lds $(RT_OBJS) -o $@
$(BUILD)/hv/%.bin: $(BUILD)/hv/%.elf
	$(OBJCOPY) -O binary $< $@

# The build id is recorded in the blob header (not in measured code).
$(BUILD)/hv/build-id: FORCE
	@mkdir -p $(dir $@)
	@echo '$(BUILD_ID)' | cmp -s - $@ || echo '$(BUILD_ID)' > $@

# Which hypercalls are in (HV_TEST_HC): the objects that depend on it rebuild when it changes.
$(BUILD)/hv/test-hc: FORCE
	@mkdir -p $(dir $@)
	@echo '$(HV_TEST_HC)' | cmp -s - $@ || echo '$(HV_TEST_HC)' > $@
$(BUILD)/rt/hv/core/hypercall.o $(BUILD)/rt/hv/core/main.o: $(BUILD)/hv/test-hc

$(BUILD)/hv/xmhf.bin: $(BUILD)/hv/sl.bin $(BUILD)/hv/runtime.bin $(BUILD)/tools/mkblob $(BUILD)/hv/build-id
	$(BUILD)/tools/mkblob --sl $(BUILD)/hv/sl.bin --runtime $(BUILD)/hv/runtime.bin \
		--build-id "$$(cat $(BUILD)/hv/build-id)" -o $@
$(BUILD)/hv/xmhf.golden: $(BUILD)/hv/xmhf.bin $(BUILD)/tools/xmhf-golden
	$(BUILD)/tools/xmhf-golden -o $@ $<

hv: $(BUILD)/hv/xmhf.bin $(BUILD)/hv/xmhf.golden

# HV_TEST_HC=1 builds in the test-only hypercalls QUIESCE_TEST and LAYOUT;
# the production blob has neither.
# A second blob with the probe test hypapp, for the hypapp API tests.
PROBE_BUILD := $(BUILD)/probe
$(PROBE_BUILD)/hv/xmhf.bin: FORCE
	@$(MAKE) --no-print-directory BUILD=$(PROBE_BUILD) HYPAPPS="hello probe" HV_TEST_HC=1 hv

# The production hypapps with the test hypercalls: 52-smp.t, memsweep, make bench.
TEST_BUILD := $(BUILD)/test
$(TEST_BUILD)/hv/xmhf.bin: FORCE
	@$(MAKE) --no-print-directory BUILD=$(TEST_BUILD) HV_TEST_HC=1 hv

# And one with no hypapp at all: make bench compares the hub's cost.
BARE_BUILD := $(BUILD)/bare
$(BARE_BUILD)/hv/xmhf.bin: FORCE
	@$(MAKE) --no-print-directory BUILD=$(BARE_BUILD) HYPAPPS="" hv

# ---------------------------------------------------------------- host tools
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I$(TOP)/uapi -I$(TOP)/loader-lkm

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -c $< -o $@

$(BUILD)/tools/mkblob: $(BUILD)/host/userspace/tools/mkblob.o $(BUILD)/host/loader-lkm/blob.o
	@mkdir -p $(dir $@)
	$(CC) $^ -o $@
$(BUILD)/tools/xmhf-golden: $(BUILD)/host/userspace/tools/xmhf-golden.o $(BUILD)/host/loader-lkm/blob.o
	@mkdir -p $(dir $@)
	$(CC) $^ -lcrypto -o $@

tools: $(BUILD)/tools/mkblob $(BUILD)/tools/xmhf-golden

# ---------------------------------------------------------------- userspace
XMHFCTL_SRCS := $(wildcard userspace/xmhfctl/*.c)
# tpm2-tss for the TPM (ESYS over the device TCTI), OpenSSL for verify.
XMHFCTL_LIBS := $(shell pkg-config --libs tss2-esys tss2-tctildr tss2-mu tss2-rc libcrypto 2>/dev/null || \
	echo -ltss2-esys -ltss2-tctildr -ltss2-mu -ltss2-rc -lcrypto)
$(BUILD)/userspace/xmhfctl: $(patsubst %.c,$(BUILD)/host/%.o,$(XMHFCTL_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $^ $(XMHFCTL_LIBS) -o $@

# The man page, from the tool's --help (userspace/xmhfctl/mkman.sh).
$(BUILD)/userspace/xmhfctl.8: $(BUILD)/userspace/xmhfctl userspace/xmhfctl/mkman.sh \
		userspace/xmhfctl/xmhfctl.8.in
	userspace/xmhfctl/mkman.sh $< userspace/xmhfctl/xmhfctl.8.in > $@.tmp
	mv $@.tmp $@

userspace: $(BUILD)/userspace/xmhfctl $(BUILD)/userspace/xmhfctl.8

# ---------------------------------------------------------------- module
MODULE_SRCS := $(wildcard loader-lkm/*.c loader-lkm/*.S loader-lkm/*.h uapi/xmhf/*.h) Kbuild
$(TOP)/xmhf.ko: $(MODULE_SRCS)
	@test -n "$(KVER)" || { $(TOP)/scripts/kver >/dev/null; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

module: $(TOP)/xmhf.ko

# Test-only kernel modules, one directory each with its own Kbuild
# (selftests/kmod/NAME/NAME.ko), staged beside xmhf.ko; never installed.
TEST_KMODS := $(patsubst %/Kbuild,%,$(wildcard selftests/kmod/*/Kbuild))
TEST_KOS := $(foreach d,$(TEST_KMODS),$(TOP)/$(d)/$(notdir $(d)).ko)
# Rebuilt when their sources change, like xmhf.ko: kbuild's own no-op run
# costs seconds per module.
define kmod-rule
$(TOP)/$(1)/$(notdir $(1)).ko: $(wildcard $(1)/*.c $(1)/*.h $(1)/*.S $(1)/Kbuild uapi/xmhf/*.h selftests/kmod/include/*.h)
	@test -n "$(KVER)" || { $(TOP)/scripts/kver >/dev/null; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP)/$(1) modules
endef
$(foreach d,$(TEST_KMODS),$(eval $(call kmod-rule,$(d))))

# ---------------------------------------------------------------- install
# make install puts xmhf.ko through DKMS (rebuilt for every new kernel), the
# blob and its golden values in /lib/firmware/xmhf, xmhfctl in $(PREFIX)/sbin
# and xmhfctl(8) in $(PREFIX)/share/man/man8.  DKMS builds the module for
# $(KVER), the kernel the rest of the build uses; make install KVER=$(uname -r)
# for the running one.
#   DESTDIR=DIR        prefixes every path; the module's DKMS source tree is
#                      then only staged in DIR/usr/src, dkms is not run (a
#                      package's postinst runs it on the target)
#   INSTALL_MODULE=no  leaves the module out (load xmhf.ko from the build tree)
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MAN8DIR ?= $(PREFIX)/share/man/man8
FIRMWAREDIR ?= /lib/firmware/xmhf
DKMS ?= dkms
INSTALL_MODULE ?= dkms
DKMS_MOD := -m xmhf -v $(VERSION)
DKMS_FILES := Kbuild $(wildcard loader-lkm/*.c loader-lkm/*.S loader-lkm/*.h uapi/xmhf/*.h)
# Where make dkms-src stages the tree (tests give their own).
DKMS_STAGE ?= $(BUILD)/dkms

# $(call stage-dkms,DIR): the module's source tree as DKMS takes it, in DIR
# (restaged every time: it is small).  make install stages it straight
# into /usr/src, never through build/, which root would then own.
define stage-dkms
	rm -rf $(1)
	for f in $(DKMS_FILES); do install -D -m 0644 $$f $(1)/$$f || exit 1; done
	sed 's/@VERSION@/$(VERSION)/' dkms.conf > $(1)/dkms.conf
	chmod -R u=rwX,go=rX $(1)
endef

dkms-src:
	$(call stage-dkms,$(DKMS_STAGE)/xmhf-$(VERSION))

install: install-module $(BUILD)/hv/xmhf.bin $(BUILD)/hv/xmhf.golden \
		$(BUILD)/userspace/xmhfctl $(BUILD)/userspace/xmhfctl.8
	install -D -m 0644 $(BUILD)/hv/xmhf.bin $(DESTDIR)$(FIRMWAREDIR)/xmhf.bin
	install -D -m 0644 $(BUILD)/hv/xmhf.golden $(DESTDIR)$(FIRMWAREDIR)/xmhf.golden
	install -D -m 0755 $(BUILD)/userspace/xmhfctl $(DESTDIR)$(SBINDIR)/xmhfctl
	install -D -m 0644 $(BUILD)/userspace/xmhfctl.8 $(DESTDIR)$(MAN8DIR)/xmhfctl.8

ifeq ($(INSTALL_MODULE),dkms)
install-module:
ifeq ($(DESTDIR),)
	@[ "$$(id -u)" -eq 0 ] || { echo "make install: dkms and /usr/src need root: sudo make install, or give DESTDIR=DIR (or INSTALL_MODULE=no)" >&2; exit 1; }
	@command -v $(DKMS) >/dev/null || { echo "make install: $(DKMS) not found: install it (apt-get install dkms), or run make install INSTALL_MODULE=no and load xmhf.ko from the build tree" >&2; exit 1; }
	@test -n "$(KVER)" || { echo "make install: no kernel with headers to build xmhf.ko for: run scripts/deps.sh or give KVER=" >&2; exit 1; }
	if [ -n "$$($(DKMS) status $(DKMS_MOD))" ]; then $(DKMS) remove $(DKMS_MOD) --all; fi
	$(call stage-dkms,/usr/src/xmhf-$(VERSION))
	$(DKMS) add $(DKMS_MOD)
	$(DKMS) build $(DKMS_MOD) -k $(KVER)
	$(DKMS) install $(DKMS_MOD) -k $(KVER)
else
	$(call stage-dkms,$(DESTDIR)/usr/src/xmhf-$(VERSION))
	@echo "DESTDIR is set: dkms not run; on the target: dkms install xmhf/$(VERSION)"
endif
else ifeq ($(INSTALL_MODULE),no)
install-module:
	@echo "INSTALL_MODULE=no: xmhf.ko not installed"
else
$(error INSTALL_MODULE must be dkms or no, not '$(INSTALL_MODULE)')
endif

uninstall: uninstall-module
	rm -f $(DESTDIR)$(FIRMWAREDIR)/xmhf.bin $(DESTDIR)$(FIRMWAREDIR)/xmhf.golden
	if [ -d $(DESTDIR)$(FIRMWAREDIR) ]; then rmdir --ignore-fail-on-non-empty $(DESTDIR)$(FIRMWAREDIR); fi
	rm -f $(DESTDIR)$(SBINDIR)/xmhfctl $(DESTDIR)$(MAN8DIR)/xmhfctl.8

uninstall-module:
ifeq ($(DESTDIR),)
	if command -v $(DKMS) >/dev/null && [ -n "$$($(DKMS) status $(DKMS_MOD))" ]; then \
		$(DKMS) remove $(DKMS_MOD) --all; fi
endif
	rm -rf $(DESTDIR)/usr/src/xmhf-$(VERSION)

# ---------------------------------------------------------------- tests
UNIT_TESTS :=
include selftests/unit/unit.mk
include selftests/unit/loader.mk
include selftests/unit/hv.mk
include selftests/unit/guest_mem.mk
include selftests/unit/tpm.mk
include selftests/unit/golden.mk
include userspace/bench/bench.mk

unit: $(UNIT_TESTS)

# In-guest test programs, installed under /selftests/bin.
GUEST_TESTS := $(BUILD)/selftests/hctest $(BUILD)/selftests/mmiotest $(BUILD)/selftests/hellotest \
	$(BUILD)/selftests/probetest $(BUILD)/selftests/msrtest $(BUILD)/selftests/memsweep \
	$(BUILD)/selftests/bigmem $(BUILD)/selftests/advtool $(BUILD)/selftests/portio $(BUILD)/selftests/hcfuzz
$(BUILD)/selftests/%: selftests/guest/%.c selftests/guest/guest_test.h $(wildcard uapi/xmhf/*.h) \
		$(wildcard selftests/kmod/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -I$(TOP)/uapi $< -o $@

# The tree the testbench copies into its initramfs.
ROOTFS := $(BUILD)/rootfs
rootfs: hv module userspace $(GUEST_TESTS) $(TEST_KOS) $(PROBE_BUILD)/hv/xmhf.bin $(BARE_BUILD)/hv/xmhf.bin \
		$(TEST_BUILD)/hv/xmhf.bin
	rm -rf $(ROOTFS)
	install -D -m 0644 $(TOP)/xmhf.ko $(ROOTFS)/lib/modules/$(KVER)/extra/xmhf.ko
	$(if $(TEST_KOS),install -D -m 0644 -t $(ROOTFS)/lib/modules/$(KVER)/extra/selftests $(TEST_KOS))
	install -D -m 0644 $(BUILD)/hv/xmhf.bin $(ROOTFS)/lib/firmware/xmhf/xmhf.bin
	install -D -m 0644 $(BUILD)/hv/xmhf.golden $(ROOTFS)/lib/firmware/xmhf/xmhf.golden
	install -D -m 0644 $(PROBE_BUILD)/hv/xmhf.bin $(ROOTFS)/lib/firmware/xmhf/xmhf-probe.bin
	install -D -m 0644 $(BARE_BUILD)/hv/xmhf.bin $(ROOTFS)/lib/firmware/xmhf/xmhf-bare.bin
	install -D -m 0644 $(TEST_BUILD)/hv/xmhf.bin $(ROOTFS)/lib/firmware/xmhf/xmhf-test.bin
	install -D -m 0644 $(TEST_BUILD)/hv/xmhf.golden $(ROOTFS)/lib/firmware/xmhf/xmhf-test.golden
	install -D -m 0755 $(BUILD)/userspace/xmhfctl $(ROOTFS)/usr/bin/xmhfctl
	mkdir -p $(ROOTFS)/selftests
	cp -a selftests/guest/. $(ROOTFS)/selftests/
	rm -f $(ROOTFS)/selftests/*.c $(ROOTFS)/selftests/*.h
	install -D -m 0755 -t $(ROOTFS)/selftests/bin $(GUEST_TESTS)
	mkdir -p $(ROOTFS)/adversarial
	cp -a selftests/adversarial/. $(ROOTFS)/adversarial/
	rm -f $(ROOTFS)/adversarial/README.md

# The testbench's common initramfs; each boot appends only its own command.
initramfs: rootfs
	$(TOP)/scripts/mkinitramfs --rootfs $(ROOTFS) --kver $(KVER) -o $(BUILD)/initramfs.cpio

deps:
	$(TOP)/scripts/deps.sh

check:
	$(TOP)/scripts/deps.sh
	$(MAKE) all
	$(TOP)/scripts/check

run:
	$(TOP)/scripts/deps.sh
	$(MAKE) all
	$(TOP)/scripts/run

bench:
	$(TOP)/scripts/deps.sh
	$(MAKE) all $(BENCH_BINS)
	$(TOP)/scripts/bench
	$(TOP)/scripts/bench --x2apic
	$(TOP)/scripts/bench-mem
	$(TOP)/scripts/bench-mem --cpu max,pdpe1gb=off
	$(TOP)/scripts/bench-disk

# make check's soak (selftests/host/soak.t) at full length.
SOAK_CYCLES ?= 100
SOAK_SMP ?= 4
soak:
	$(TOP)/scripts/deps.sh
	$(MAKE) all
	SOAK_CYCLES=$(SOAK_CYCLES) SOAK_SMP=$(SOAK_SMP) $(TOP)/selftests/host/soak.t

clean:
	rm -rf $(BUILD)
	-test -z "$(KVER)" || $(MAKE) -C $(KDIR) M=$(TOP) clean
	-test -z "$(KVER)" || for d in $(TEST_KMODS); do $(MAKE) -C $(KDIR) M=$(TOP)/$$d clean; done

FORCE:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
