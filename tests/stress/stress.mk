# Stress suite: the workers of tests/stress/ and `make stress`, which runs
# scripts/stress in one guest boot. Included from the top Makefile, which
# defines OUT, CC, CFLAGS, CPPFLAGS, Q, msg, GUEST_RUN and exports KERNEL.
#
#   make stress                          300 s, every worker
#   make stress STRESS_TIME=60           a minute
#   make stress STRESS_ARGS="-s 42 -w fuzz,tracers"   replay a seed, a subset

STRESS_TIME ?= 300
STRESS_ARGS ?=
STRESS_LOG ?= $(OUT)/guest/stress-console.log

STRESS_SRCS := $(wildcard tests/stress/*.c)
STRESS_BINS := $(patsubst tests/stress/%.c,$(OUT)/stress/vhm-%,$(STRESS_SRCS))
STRESS_HDRS := $(wildcard tests/stress/*.h) $(TEST_HDRS)

$(OUT)/stress/vhm-%: tests/stress/%.c $(STRESS_HDRS) $(LIBVHM) $(LIBVHM_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -I$(CURDIR)/tests/stress $(CFLAGS) $(LDFLAGS) -o $@ \
		$< $(LIBVHM) $(LIBVHM_LIBS)

.PHONY: stress stress-build
stress-build: $(STRESS_BINS)

# Built with the tests, so `make all` has them ready for the guest suite.
tests: $(STRESS_BINS)

# The guest gets the run, the set-up and the bounded wait at the end, and
# ten minutes more before the runner kills it: a hang inside the guest is
# reported by scripts/stress itself first.
stress: all
	$(Q)case '$(STRESS_TIME)' in ''|*[!0-9]*) \
		echo "make stress: STRESS_TIME must be a number of seconds, not '$(STRESS_TIME)'" >&2; \
		exit 2 ;; esac; \
	rc=0; $(GUEST_RUN) -t $$(( $(STRESS_TIME) + 600 )) -l $(STRESS_LOG) -- \
		scripts/stress -t $(STRESS_TIME) $(STRESS_ARGS) || rc=$$?; \
	if [ $$rc -ne 0 ]; then \
		echo "make stress: failed (status $$rc); guest console: $(STRESS_LOG)" >&2; \
		scripts/dmesg-guard < $(STRESS_LOG) | head -40 | sed 's/^/  console: /' >&2; \
	fi; \
	exit $$rc
