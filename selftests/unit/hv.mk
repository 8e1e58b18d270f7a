# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests for the runtime's arch code (hv/arch).  Included by the
# top-level Makefile after unit.mk; objects go under $(BUILD)/unit/hv/.

HV_UT := $(BUILD)/unit/hv
HV_UT_CFLAGS := -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -DXMHF_HOST_TEST \
	-Wall -Wextra -Werror -O2 -g -MMD -MP

$(HV_UT)/exit_names.o: $(TOP)/hv/arch/x86/svm/exit_names.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(HV_UT)/test_vmcb.o: $(TOP)/selftests/unit/test_vmcb.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@

$(BUILD)/unit/test_vmcb: $(addprefix $(HV_UT)/,test_vmcb.o exit_names.o)
	$(CC) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_vmcb

-include $(wildcard $(HV_UT)/*.d)

# The check before VMRUN: host save area and host state never in a VMCB.
$(HV_UT)/vmrun_guard.o: $(TOP)/hv/arch/x86/svm/vmrun_guard.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(HV_UT)/test_vmrun_guard.o: $(TOP)/selftests/unit/test_vmrun_guard.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_vmrun_guard: $(addprefix $(HV_UT)/,test_vmrun_guard.o vmrun_guard.o)
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_vmrun_guard

# The CR/DR/LLDT and MOV-store decoders.
$(BUILD)/unit/hv/decode.o: $(TOP)/hv/core/decode.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -Wall -Wextra -Werror -O2 -g -MMD -MP -c $< -o $@
$(BUILD)/unit/hv/test_decode.o: $(TOP)/selftests/unit/test_decode.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -Wall -Wextra -Werror -O2 -g -MMD -MP -c $< -o $@
$(BUILD)/unit/test_decode: $(BUILD)/unit/hv/test_decode.o $(BUILD)/unit/hv/decode.o
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_decode

# The ICR decoder (INIT/SIPI interception).
$(BUILD)/unit/hv/icr.o: $(TOP)/hv/core/icr.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -Wall -Wextra -Werror -O2 -g -MMD -MP -c $< -o $@
$(BUILD)/unit/hv/test_icr.o: $(TOP)/selftests/unit/test_icr.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -Wall -Wextra -Werror -O2 -g -MMD -MP -c $< -o $@
$(BUILD)/unit/test_icr: $(BUILD)/unit/hv/test_icr.o $(BUILD)/unit/hv/icr.o
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_icr

# The guest's APIC MSR handlers and INIT/SIPI virtualisation, against a
# CPU and vCPUs the test plays (XMHF_HOST_TEST routes the MSR accesses).
GAPIC_CFLAGS := -std=gnu11 -I$(TOP)/hv/include -I$(TOP)/uapi -DXMHF_HOST_TEST \
	-Wall -Wextra -Werror -O2 -g -MMD -MP
$(BUILD)/unit/hv/guest_apic.o: $(TOP)/hv/core/guest_apic.c
	@mkdir -p $(@D)
	$(CC) $(GAPIC_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/test_guest_apic.o: $(TOP)/selftests/unit/test_guest_apic.c
	@mkdir -p $(@D)
	$(CC) $(GAPIC_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/apic_filter.o: $(TOP)/hv/arch/x86/apic_filter.c
	@mkdir -p $(@D)
	$(CC) $(GAPIC_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_guest_apic: $(addprefix $(BUILD)/unit/hv/,test_guest_apic.o guest_apic.o icr.o apic_filter.o)
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_guest_apic

# The per-CPU layout, for 256 CPUs with x2APIC IDs above 255.
$(BUILD)/unit/hv/percpu.o: $(TOP)/hv/core/percpu.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/test_percpu.o: $(TOP)/selftests/unit/test_percpu.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_percpu: $(addprefix $(BUILD)/unit/hv/,test_percpu.o percpu.o)
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_percpu

# The PCI configuration-space policy (hv/arch/x86/pci.c), against a
# platform the test plays (XMHF_HOST_TEST routes its hardware accesses).
# The test includes pci.c whole, to reset its state between tests.
$(HV_UT)/test_pci.o: $(TOP)/selftests/unit/test_pci.c $(TOP)/hv/arch/x86/pci.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_pci: $(HV_UT)/test_pci.o $(BUILD)/unit/hv/apic_filter.o
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_pci
# The checks of an emulated CR write (arch/x86/cr.c).
$(BUILD)/unit/hv/cr.o: $(TOP)/hv/arch/x86/cr.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/test_cr.o: $(TOP)/selftests/unit/test_cr.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_cr: $(BUILD)/unit/hv/test_cr.o $(BUILD)/unit/hv/cr.o
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_cr
# The delivery-mode policy of the IOAPIC, LVT and MSI filters.
$(BUILD)/unit/hv/test_apic_filter.o: $(TOP)/selftests/unit/test_apic_filter.c
	@mkdir -p $(@D)
	$(CC) $(GAPIC_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_apic_filter: $(addprefix $(BUILD)/unit/hv/,test_apic_filter.o apic_filter.o)
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_apic_filter

# The AMD IOMMU's pure parts (hv/arch/x86/amd_iommu.c) and the take and
# release of a free IOMMU (amd_iommu_own.c), against an IOMMU the test
# plays.  amd_iommu.c is also built with the SL's freestanding flags, to
# keep it fit for both (not linked there).
$(BUILD)/unit/hv/amd_iommu.o: $(TOP)/hv/arch/x86/amd_iommu.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/amd_iommu.rt.o: $(TOP)/hv/arch/x86/amd_iommu.c
	@mkdir -p $(@D)
	$(CC) $(HV64_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/amd_iommu.sl.o: $(TOP)/hv/arch/x86/amd_iommu.c
	@mkdir -p $(@D)
	$(CC) $(HV32_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/amd_iommu_own.o: $(TOP)/hv/arch/x86/amd_iommu_own.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/test_amd_iommu.o: $(TOP)/selftests/unit/test_amd_iommu.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/sl_steps.o: $(TOP)/hv/sl/steps.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_amd_iommu: $(addprefix $(BUILD)/unit/hv/,test_amd_iommu.o amd_iommu.o amd_iommu_own.o sl_steps.o) \
		$(BUILD)/unit/hv/amd_iommu.rt.o $(BUILD)/unit/hv/amd_iommu.sl.o
	$(CC) -o $@ $(addprefix $(BUILD)/unit/hv/,test_amd_iommu.o amd_iommu.o amd_iommu_own.o sl_steps.o) -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_amd_iommu
# The shadow I/O page tables and the remapping-table copy
# (hv/arch/x86/amd_iommu_shadow.c), against a played Linux and IOMMU; also
# built with the runtime's freestanding flags.
$(BUILD)/unit/hv/amd_iommu_shadow.o: $(TOP)/hv/arch/x86/amd_iommu_shadow.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/amd_iommu_shadow.rt.o: $(TOP)/hv/arch/x86/amd_iommu_shadow.c
	@mkdir -p $(@D)
	$(CC) $(HV64_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/test_amd_iommu_shadow.o: $(TOP)/selftests/unit/test_amd_iommu_shadow.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_amd_iommu_shadow: $(addprefix $(BUILD)/unit/hv/,test_amd_iommu_shadow.o amd_iommu_shadow.o amd_iommu.o) \
		$(BUILD)/unit/hv/amd_iommu_shadow.rt.o
	$(CC) -o $@ $(addprefix $(BUILD)/unit/hv/,test_amd_iommu_shadow.o amd_iommu_shadow.o amd_iommu.o) -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_amd_iommu_shadow
# The I/O port policy (hv/arch/x86/ioports.c) against a played ICH9 and
# AMD FCH; the test includes ioports.c whole, to reset its state.
$(HV_UT)/test_ioports.o: $(TOP)/selftests/unit/test_ioports.c $(TOP)/hv/arch/x86/ioports.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_ioports: $(HV_UT)/test_ioports.o
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_ioports
# Guest RAM the hypervisor reaches for the guest: never guarded MMIO.
$(BUILD)/unit/hv/guest_ram.o: $(TOP)/hv/core/guest_ram.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/hv/test_guest_ram.o: $(TOP)/selftests/unit/test_guest_ram.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_guest_ram: $(addprefix $(BUILD)/unit/hv/,test_guest_ram.o guest_ram.o)
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_guest_ram
# The MSR policy (arch/x86/msr.c, included whole) through msr_exit(): EFER
# writes (with cr.c's efer_write()) and the PERF_CTL guest-only rule.
$(HV_UT)/test_msr.o: $(TOP)/selftests/unit/test_msr.c $(TOP)/hv/arch/x86/msr.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_msr: $(HV_UT)/test_msr.o $(BUILD)/unit/hv/cr.o
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_msr
# The quiesce service (core/quiesce.c, included whole) against played CPUs:
# one that never answers (NMIs blocked in the guest) makes it give up.
$(HV_UT)/test_quiesce.o: $(TOP)/selftests/unit/test_quiesce.c $(TOP)/hv/core/quiesce.c
	@mkdir -p $(@D)
	$(CC) $(HV_UT_CFLAGS) -c $< -o $@
$(BUILD)/unit/test_quiesce: $(HV_UT)/test_quiesce.o
	$(CC) -o $@ $^ -lcmocka
UNIT_TESTS += $(BUILD)/unit/test_quiesce
