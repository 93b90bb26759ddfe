# BPF tools: CO-RE programs against the stock guest kernel's vmlinux.h, libbpf
# skeletons, loaders linked statically. Included from the top Makefile.
# Built once whatever KERNEL says: CO-RE relocates them on the debug kernel.

BPF_TOOLS := vhmtrace vhmlat vhmtop
BPF_OUT := $(OUT)/bpf
BPF_CFLAGS := -g -O2 -Wall -target bpf -mcpu=v3 -D__TARGET_ARCH_x86
BPF_HDRS := $(wildcard bpf/*.h)
BPF_LIBS := -static -lbpf -lelf -lz -ljansson

.PHONY: bpf
bpf: $(addprefix $(BPF_OUT)/,$(BPF_TOOLS))

# From the stock kernel's cache (KERNEL=6.1) explicitly; copied only when it
# differs, so tools do not rebuild on every run.
$(BPF_OUT)/vmlinux.h: | kernel-cache
	@mkdir -p $(@D)
	$(Q)KERNEL=6.1 scripts/fetch-kernel.sh
	$(Q)src="$$(. scripts/env.sh && vhm_stock_kernel_dir)/vmlinux.h"; \
		cmp -s "$$src" $@ || cp "$$src" $@

$(BPF_OUT)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(BPF_OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I$(BPF_OUT) -Ibpf -c $< -o $@

$(BPF_OUT)/%.skel.h: $(BPF_OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(BPF_OUT)/%.o: bpf/%.c $(BPF_HDRS) | deps
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -I$(BPF_OUT) -Ibpf -c $< -o $@

# A tool's loader includes its skeleton.
$(foreach t,$(BPF_TOOLS),$(eval $(BPF_OUT)/$(t).o: $(BPF_OUT)/$(t).skel.h))

$(BPF_OUT)/%: $(BPF_OUT)/%.o $(BPF_OUT)/vhm_common.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(BPF_LIBS) -o $@
