// SPDX-License-Identifier: GPL-2.0
/*
 * Exit code -> short lower-case name, for the log and the exit counters.
 * Indexed tables keep the lookup O(1) on the #VMEXIT path.
 */
#include <arch/svm/vmcb.h>

/* p "0" s .. p "15" s, for the 16-entry CR/DR groups. */
#define N16(p, s)							\
	p "0" s, p "1" s, p "2" s, p "3" s, p "4" s, p "5" s, p "6" s,	\
	p "7" s, p "8" s, p "9" s, p "10" s, p "11" s, p "12" s,	\
	p "13" s, p "14" s, p "15" s

static const char *const exit_names[] = {
	N16("read_cr", ""),	/* 0x000 */
	N16("write_cr", ""),	/* 0x010 */
	N16("read_dr", ""),	/* 0x020 */
	N16("write_dr", ""),	/* 0x030 */
	/* 0x040: exception intercepts, by vector */
	"excp_de", "excp_db", "excp_nmi", "excp_bp",
	"excp_of", "excp_br", "excp_ud", "excp_nm",
	"excp_df", "excp_9", "excp_ts", "excp_np",
	"excp_ss", "excp_gp", "excp_pf", "excp_15",
	"excp_mf", "excp_ac", "excp_mc", "excp_xm",
	"excp_20", "excp_cp", "excp_22", "excp_23",
	"excp_24", "excp_25", "excp_26", "excp_27",
	"excp_hv", "excp_vc", "excp_sx", "excp_31",
	[SVM_EXIT_INTR] = "intr",
	[SVM_EXIT_NMI] = "nmi",
	[SVM_EXIT_SMI] = "smi",
	[SVM_EXIT_INIT] = "init",
	[SVM_EXIT_VINTR] = "vintr",
	[SVM_EXIT_CR0_SEL_WRITE] = "cr0_sel_write",
	[SVM_EXIT_IDTR_READ] = "idtr_read",
	[SVM_EXIT_GDTR_READ] = "gdtr_read",
	[SVM_EXIT_LDTR_READ] = "ldtr_read",
	[SVM_EXIT_TR_READ] = "tr_read",
	[SVM_EXIT_IDTR_WRITE] = "idtr_write",
	[SVM_EXIT_GDTR_WRITE] = "gdtr_write",
	[SVM_EXIT_LDTR_WRITE] = "ldtr_write",
	[SVM_EXIT_TR_WRITE] = "tr_write",
	[SVM_EXIT_RDTSC] = "rdtsc",
	[SVM_EXIT_RDPMC] = "rdpmc",
	[SVM_EXIT_PUSHF] = "pushf",
	[SVM_EXIT_POPF] = "popf",
	[SVM_EXIT_CPUID] = "cpuid",
	[SVM_EXIT_RSM] = "rsm",
	[SVM_EXIT_IRET] = "iret",
	[SVM_EXIT_SWINT] = "swint",
	[SVM_EXIT_INVD] = "invd",
	[SVM_EXIT_PAUSE] = "pause",
	[SVM_EXIT_HLT] = "hlt",
	[SVM_EXIT_INVLPG] = "invlpg",
	[SVM_EXIT_INVLPGA] = "invlpga",
	[SVM_EXIT_IOIO] = "ioio",
	[SVM_EXIT_MSR] = "msr",
	[SVM_EXIT_TASK_SWITCH] = "task_switch",
	[SVM_EXIT_FERR_FREEZE] = "ferr_freeze",
	[SVM_EXIT_SHUTDOWN] = "shutdown",
	[SVM_EXIT_VMRUN] = "vmrun",
	[SVM_EXIT_VMMCALL] = "vmmcall",
	[SVM_EXIT_VMLOAD] = "vmload",
	[SVM_EXIT_VMSAVE] = "vmsave",
	[SVM_EXIT_STGI] = "stgi",
	[SVM_EXIT_CLGI] = "clgi",
	[SVM_EXIT_SKINIT] = "skinit",
	[SVM_EXIT_RDTSCP] = "rdtscp",
	[SVM_EXIT_ICEBP] = "icebp",
	[SVM_EXIT_WBINVD] = "wbinvd",
	[SVM_EXIT_MONITOR] = "monitor",
	[SVM_EXIT_MWAIT] = "mwait",
	[SVM_EXIT_MWAIT_COND] = "mwait_cond",
	[SVM_EXIT_XSETBV] = "xsetbv",
	[SVM_EXIT_RDPRU] = "rdpru",
	[SVM_EXIT_EFER_WRITE_TRAP] = "efer_write_trap",
	N16("write_cr", "_trap"),	/* 0x090 */
	[SVM_EXIT_INVLPGB] = "invlpgb",
	[SVM_EXIT_INVLPGB_ILLEGAL] = "invlpgb_illegal",
	[SVM_EXIT_INVPCID] = "invpcid",
	[SVM_EXIT_MCOMMIT] = "mcommit",
	[SVM_EXIT_TLBSYNC] = "tlbsync",
	[SVM_EXIT_BUS_LOCK] = "bus_lock",
	[SVM_EXIT_IDLE_HLT] = "idle_hlt",
};

/* The 0x400 group: nested paging, AVIC, SEV-ES. */
static const char *const exit_names_0x400[] = {
	[SVM_EXIT_NPF - 0x400] = "npf",
	[SVM_EXIT_AVIC_INCOMPLETE_IPI - 0x400] = "avic_incomplete_ipi",
	[SVM_EXIT_AVIC_UNACCELERATED_ACCESS - 0x400] = "avic_unaccelerated_access",
	[SVM_EXIT_VMGEXIT - 0x400] = "vmgexit",
};

/* Positional entries above must land where the exit codes say. */
_Static_assert(ARRAY_SIZE(exit_names) == SVM_EXIT_IDLE_HLT + 1,
	       "exit_names ends at the last exit code");

const char *svm_exit_name(u32 exit_code)
{
	const char *name = NULL;

	if (exit_code < ARRAY_SIZE(exit_names))
		name = exit_names[exit_code];
	else if (exit_code - 0x400 < ARRAY_SIZE(exit_names_0x400))
		name = exit_names_0x400[exit_code - 0x400];
	else if (exit_code == (u32)SVM_EXIT_ERR)
		name = "invalid";
	return name ? name : "unknown";
}
