// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the smallest useful hypapp.  It says hello when the hypervisor
 * starts, counts the guest's CPUID instructions (leaving them to the
 * core), and answers its own hypercalls:
 *   base + 0: return how many CPUIDs it has seen
 *   base + 1: write "hello from the hypervisor" into a guest buffer
 *             (RDI = address, RSI = size); returns the length or -1
 * Build it in with: make HYPAPPS="hello"
 */
#include <hypapp.h>

static u64 cpuids;

static int hello_init(struct ha_subscription *sub)
{
	sub->insns = 1u << HA_INSN_CPUID;
	sub->hypercalls = true;
	ha_log("hello: hello from the hypervisor\n");
	return 0;
}

static void hello_main(unsigned int cpu)
{
	ha_log("hello: CPU %u is under the hypervisor\n", cpu);
}

static enum ha_result hello_hypercall(struct vcpu *v, const struct ha_event_info *e)
{
	static const char msg[] = "hello from the hypervisor";
	u64 buf = e->hcall.arg[0], size = e->hcall.arg[1];

	switch (e->hcall.nr) {
	case 0:
		ha_set(v, HA_RAX, cpuids);
		return HA_HANDLED;
	case 1:
		/* The guest's pointer is only ever used through the core's checks. */
		if (size < sizeof(msg) || ha_write_guest(v, buf, msg, sizeof(msg)))
			ha_set(v, HA_RAX, (u64)-1);
		else
			ha_set(v, HA_RAX, sizeof(msg) - 1);
		return HA_HANDLED;
	}
	return HA_DEFAULT;		/* unknown: the core answers NOSYS */
}

static enum ha_result hello_event(struct vcpu *v, const struct ha_event_info *e)
{
	if (e->type == HA_EV_HYPERCALL)
		return hello_hypercall(v, e);
	if (e->type == HA_EV_INSN && e->insn.insn == HA_INSN_CPUID)
		cpuids++;
	return HA_DEFAULT;		/* the core still answers the CPUID */
}

static void hello_shutdown(void)
{
	ha_log("hello: goodbye after %lu CPUIDs\n", (unsigned long)cpuids);
}

static const struct hypapp hello = {
	.name = "hello",
	.init = hello_init,
	.main = hello_main,
	.event = hello_event,
	.shutdown = hello_shutdown,
};
HYPAPP_REGISTER(hello);
