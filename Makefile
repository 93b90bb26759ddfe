# vhost-mdev bench: build, test and benchmark the vhost-mdev module in a guest.
# Quiet unless V=1. Build outputs go to $(OUT) only.

.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:
SHELL := /bin/bash

V ?= 0
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(patsubst $(CURDIR)/%,%,$(2))
endif

OUT ?= $(CURDIR)/.output
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
GUEST_RUN ?= scripts/guest-run
GUEST_TIMEOUT ?= 1800
# The guest kernel that modules build against and guests boot: 6.1 (Debian's
# stock kernel), 6.12 (the 6.12 LTS Debian 12 ships), debug (built from
# Debian's source with KASAN, lockdep and kmemleak; cached after the first
# build, which takes tens of minutes), debug-6.12 (the same from the 6.12
# source, with the vDPA core and vdpa_sim_net) or rt (Debian's PREEMPT_RT
# flavour of the stock 6.1 release).
KERNEL ?= 6.1
KERNELS := 6.1 6.12 debug debug-6.12 rt
ifneq ($(words $(filter $(KERNELS),$(KERNEL))) $(words $(KERNEL)),1 1)
$(error unknown KERNEL=$(KERNEL): valid are $(KERNELS))
endif

CFLAGS ?= -O2 -g
override CFLAGS += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE
override CPPFLAGS += -I$(CURDIR)/include/uapi -I$(CURDIR)/tests -I$(CURDIR)/lib
# Guest programs run on the host root, but link statically so they do not
# depend on anything but the kernel.
LDFLAGS ?=

export OUT V KERNEL

.PHONY: all deps kernel-cache modules tests test test-debug test-host \
	test-guest bench trace shell clean help

all: modules tests bpf

help:
	@echo 'make all      build the modules, the tests (and every other part)'
	@echo 'make deps     install the Debian packages the project needs'
	@echo 'make test     host unit tests, the guest suite, the virtual-clock tests'
	@echo 'make test-debug           make test on the debug kernel (KERNEL=debug)'
	@echo 'make test-core            the BPF tools built once, their guest tests on 6.1,'
	@echo '                          6.12 and rt with the same binaries (CORE_KERNELS=)'
	@echo 'make test-host | test-guest    only the host tests / only the guest suite'
	@echo 'make bench    run the benchmarks in the guest (virtual clock on TCG;'
	@echo '              BENCH_ARGS="--clock real", SUITE=latency|throughput|...)'
	@echo 'make stress   every stress worker at once, 300 s (STRESS_TIME=, STRESS_ARGS=)'
	@echo 'make trace    a BPF tool live in the guest during a workload (TOOL=, ARGS=)'
	@echo 'make plot RUN=<run>        plots of a saved run, no guest'
	@echo 'make dashboard             results/index.html from the saved runs'
	@echo 'make compare BASE= NEW=    verdict per metric; exit 1 on a regression'
	@echo 'make goals [RUN=<run>]     the data path goals met by a run (latest)'
	@echo 'make baseline RUN=<run>    make a run the committed baseline'
	@echo 'make shell    interactive shell in the guest, project mounted'
	@echo 'make clean    remove $(OUT)'
	@echo
	@echo 'Parts of make all, each alone: modules (and the padded tracepoint build),'
	@echo 'bpf (the tracing tools), tests, bench-build (the drivers), fio-build (the'
	@echo 'fio engine), results-tools (vhm-compare), kernel-cache (the guest kernel).'
	@echo
	@echo 'KERNEL=6.1|6.12|debug|debug-6.12|rt  the guest kernel of every target that builds'
	@echo '                  modules or boots a guest (default 6.1, the stock Debian kernel;'
	@echo '                  6.12: the 6.12 LTS from bookworm-security; debug: KASAN, lockdep,'
	@echo '                  kmemleak, built once from linux-source-6.1; debug-6.12: the same'
	@echo '                  from linux-source-6.12 with the vDPA core and vdpa_sim_net built'
	@echo '                  in; rt: Debian'"'"'s PREEMPT_RT flavour of the stock 6.1 release)'

deps:
	$(Q)scripts/deps.sh

kernel-cache: deps
	$(Q)scripts/fetch-kernel.sh

# --- kernel modules --------------------------------------------------------

KMOD_DIRS := $(wildcard kernel/Kbuild) tests/kmod/Kbuild

# One output folder per kernel release, so the kernels' modules coexist; the
# guest takes those of its own `uname -r`. On a kernel with the vDPA core
# but no vDPA simulator (6.12), the upstream simulator is built as a peer.
modules: kernel-cache
	$(call msg,KBUILD,$(dir $(KMOD_DIRS)))
	$(Q)abi=$$(. scripts/env.sh && vhm_kernel_abi) || exit 1; \
	for d in $(dir $(KMOD_DIRS)); do \
		scripts/build-modules.sh $$d $(OUT)/modules/$$abi/$$d || exit 1; \
	done; \
	VHM_TRACE_PAD=y scripts/build-modules.sh kernel \
		$(OUT)/modules/$$abi/kernel-tracepad || exit 1; \
	scripts/build-vdpa-sim.sh $(OUT)/modules/$$abi/vdpa_sim

# --- tests -----------------------------------------------------------------

UNIT_SRCS := $(wildcard tests/unit/*.c tests/unit/helpers/*.c)
GUEST_SRCS := $(wildcard tests/guest/*.c)
UNIT_BINS := $(patsubst tests/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
GUEST_BINS := $(patsubst tests/%.c,$(OUT)/tests/%,$(GUEST_SRCS))
TEST_HDRS := $(wildcard tests/*.h tests/unit/*.h include/uapi/linux/*.h)

$(OUT)/tests/%: tests/%.c $(TEST_HDRS) | deps
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lpthread -ljansson

tests: $(UNIT_BINS) $(GUEST_BINS)

test: all
	$(Q)scripts/run-tests

test-debug:
	$(Q)$(MAKE) --no-print-directory test KERNEL=debug

test-host: tests
	$(Q)scripts/run-tests --host-only

test-guest: all
	$(Q)scripts/run-tests --guest-only

# CO-RE, proven: one build of the BPF tools, their guest tests on each kernel.
.PHONY: test-core
test-core:
	$(Q)CORE_KERNELS='$(CORE_KERNELS)' scripts/core-matrix

include bpf/bpf.mk
include bench/bench.mk
include bench/fio.mk
include scripts/results.mk
include tests/stress/stress.mk

# Guest tests drive the device through the library, as the benchmarks do.
# A static pattern rule is explicit: it wins over the tests' pattern rule.
$(GUEST_BINS): $(OUT)/tests/%: tests/%.c $(LIBVHM) $(TEST_HDRS) $(LIBVHM_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBVHM) $(LIBVHM_LIBS)

# --- running ---------------------------------------------------------------

bench: all
	$(Q)SUITE='$(SUITE)' scripts/bench $(BENCH_ARGS)

trace: all
	$(Q)WORKLOAD='$(WORKLOAD)' scripts/trace $(or $(TOOL),vhmlat) $(ARGS)

shell: all
	$(Q)$(GUEST_RUN) -i

clean:
	$(Q)rm -rf $(OUT)
