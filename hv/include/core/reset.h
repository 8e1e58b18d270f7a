/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Platform reset and sleep requested by the guest (docs/isolation-ports.md,
 * "Reset and sleep").  DRAM survives a reset, so the hypervisor stops the
 * other CPUs, scrubs every byte it owns and only then performs the
 * guest's request on the bare platform.
 */
#ifndef XMHF_CORE_RESET_H
#define XMHF_CORE_RESET_H

#include <types.h>

struct vcpu;

/*
 * The guest's OUT (size bytes of val to port) that resets the platform
 * or puts it to sleep, said in why for the log.  Does not return once
 * the scrub began; afterwards, should the platform not react, resets it
 * through 0xCF9, the keyboard controller, port 0x92 and a triple fault.
 * Returns, the access not made, when another CPU is already on this
 * path (this one is then being parked) or a CPU did not stop.
 */
void hv_reset_platform(struct vcpu *v, u16 port, unsigned int size, u32 val,
		       const char *why);

#endif /* XMHF_CORE_RESET_H */
