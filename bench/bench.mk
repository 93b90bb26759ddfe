# Userspace driver library (lib/) and benchmark drivers (bench/), included
# from the top Makefile, which defines OUT, CC, CFLAGS, CPPFLAGS, Q and msg.

LIBVHM_SRCS := $(wildcard lib/*.c)
LIBVHM_OBJS := $(patsubst lib/%.c,$(OUT)/lib/%.o,$(LIBVHM_SRCS))
LIBVHM_HDRS := $(wildcard lib/*.h include/uapi/linux/*.h)
LIBVHM := $(OUT)/lib/libvhm.a
LIBVHM_LIBS := -ljansson -lpthread -lm

BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(OUT)/bench/vhm-%,$(BENCH_SRCS))

# Unit tests named bench_* link the library (guest tests all do).
BENCH_TEST_SRCS := $(wildcard tests/unit/bench_*.c)
BENCH_TEST_BINS := $(patsubst tests/%.c,$(OUT)/tests/%,$(BENCH_TEST_SRCS))

$(OUT)/lib/%.o: lib/%.c $(LIBVHM_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBVHM): $(LIBVHM_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/bench/vhm-%: bench/%.c $(LIBVHM) $(LIBVHM_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBVHM) $(LIBVHM_LIBS)

# A static pattern rule is explicit: it wins over the tests' pattern rule.
$(BENCH_TEST_BINS): $(OUT)/tests/%: tests/%.c $(LIBVHM) $(TEST_HDRS) $(LIBVHM_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBVHM) $(LIBVHM_LIBS)

.PHONY: bench-build
bench-build: $(LIBVHM) $(BENCH_BINS)

tests: $(LIBVHM) $(BENCH_BINS)
