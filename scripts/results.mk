# Results: compare, plots, dashboard, baseline. Included from the top
# Makefile, which defines OUT, CC, CFLAGS, CPPFLAGS, Q and msg.

COMPARE_SRCS := $(wildcard tools/compare/*.c)
COMPARE_HDRS := $(wildcard tools/compare/*.h)
COMPARE_LIB_OBJS := $(patsubst tools/compare/%.c,$(OUT)/tools/compare/%.o,$(filter-out tools/compare/compare.c,$(COMPARE_SRCS)))
VHM_COMPARE := $(OUT)/tools/vhm-compare
COMPARE_LIBS := -ljansson -lm

# Unit tests named results_* link the comparison objects.
RESULTS_TEST_SRCS := $(wildcard tests/unit/results_*.c)
RESULTS_TEST_BINS := $(patsubst tests/%.c,$(OUT)/tests/%,$(RESULTS_TEST_SRCS))

RUN ?=
BASE ?= baseline
NEW ?=
COMPARE_ARGS ?=

$(OUT)/tools/compare/%.o: tools/compare/%.c $(COMPARE_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(VHM_COMPARE): $(OUT)/tools/compare/compare.o $(COMPARE_LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(COMPARE_LIBS)

$(RESULTS_TEST_BINS): $(OUT)/tests/%: tests/%.c $(COMPARE_LIB_OBJS) $(TEST_HDRS) $(COMPARE_HDRS) $(VHM_COMPARE)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -I$(CURDIR)/tools/compare $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$(COMPARE_LIB_OBJS) -lpthread $(COMPARE_LIBS)

.PHONY: results-tools plot dashboard compare baseline goals
results-tools: $(VHM_COMPARE)
tests: $(VHM_COMPARE)
all: $(VHM_COMPARE)

# make plot RUN=<run-id or dir>: plots, params.json, metrics.prom again
plot:
	$(Q)[ -n "$(RUN)" ] || { echo 'usage: make plot RUN=<run-id>' >&2; exit 2; }
	$(Q)scripts/plot "$(RUN)"

dashboard: $(VHM_COMPARE)
	$(Q)scripts/dashboard --screenshot

# make compare BASE=<run> NEW=<run> (NEW: the latest run by default)
compare: $(VHM_COMPARE)
	$(Q)scripts/compare $(COMPARE_ARGS) "$(BASE)" "$(or $(NEW),latest)"

# make goals RUN=<run>: the data path goals, every vhost-mdev mode (latest run
# by default); writes goals.json into the run
goals:
	$(Q)scripts/goals "$(or $(RUN),latest)"

# make baseline RUN=<run>: the only way results/baseline/ changes
baseline:
	$(Q)[ -n "$(RUN)" ] || { echo 'usage: make baseline RUN=<run-id>' >&2; exit 2; }
	$(Q)scripts/baseline "$(RUN)"
