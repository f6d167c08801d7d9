# deploy-actions
#
#   make              static musl binaries in build/bin/<tool>
#   make test         everything the project promises, ending "N passed, N failed"
#   make demo         the whole pipeline end to end on loopback
#   make SANITIZE=address,undefined   host build with sanitizers in build/host
#   make lint         clang-format (changed lines), clang-tidy, cppcheck
#   make docs         action-docs/<tool>.md from action.yml and the option table
#   make dist         the release tree in dist/
#   make bench        benchmarks against the peers the issues name
#   make fuzz         libFuzzer binaries (clang) in build/fuzz
#   make clean        our objects; the dependency cache stays
#   make distclean    everything under build/ and dist/

ifeq ($(V),1)
Q :=
else
Q := @
endif

TOOLS := coverage-gate terraform-plan-summary data-residency-check \
	 smoke-test blue-green-switch rollback

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wformat=2 -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -Wwrite-strings \
	-Wimplicit-fallthrough
ifdef WERROR
WARN += -Werror
endif
DEFS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DDA_VERSION='"$(VERSION)"' -DDA_GIT_REV='"$(GIT_REV)"'
DEP_LIBS := -lcurl -lmbedtls -lmbedx509 -lmbedcrypto -ljansson -lyaml \
	-lexpat -lpthread

# The version and revision reach version.c and http.c (User-Agent) as -D
# flags; a stamp that changes with them rebuilds those two objects.
VERSION_STAMP := build/.version
$(shell mkdir -p build && (echo '$(VERSION) $(GIT_REV)' | cmp -s - $(VERSION_STAMP) || echo '$(VERSION) $(GIT_REV)' >$(VERSION_STAMP)))

COMMON_SRC := $(sort $(wildcard common/*.c))
COMMON_HDR := $(wildcard common/*.h)
TOOL_SRC = $(sort $(wildcard actions/$(1)/*.c))
TOOL_LIBSRC = $(filter-out actions/$(1)/main.c,$(call TOOL_SRC,$(1)))

# --- static musl build: build/bin/<tool> -----------------------------------
M := build/musl
MUSL_CC ?= musl-gcc
MUSL_DEPS := build/deps/musl/.stamp
MUSL_CFLAGS := -Os -ffunction-sections -fdata-sections -fno-plt \
	-fstack-protector-strong
MUSL_CPPFLAGS := -I. -Ibuild/deps/musl/include $(DEFS)
MUSL_LDFLAGS := -static -Wl,--gc-sections -s -Lbuild/deps/musl/lib

BINS := $(addprefix build/bin/,$(TOOLS))

.PHONY: all
ifeq ($(origin SANITIZE),command line)
# As in git: "make SANITIZE=address,undefined" builds the tools with the
# sanitizers, here for the host in build/host/bin (musl has no ASan).
all: host-bins
else
all: $(BINS)
endif

$(MUSL_DEPS): scripts/deps.lock scripts/deps.sh
	@scripts/deps.sh build musl

$(M)/%.o: %.c $(COMMON_HDR) $(MUSL_DEPS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(MUSL_CC) $(WARN) $(MUSL_CFLAGS) $(MUSL_CPPFLAGS) -MMD -MP -c -o $@ $<

$(M)/libda.a: $(COMMON_SRC:%.c=$(M)/%.o)
	@rm -f $@
	$(Q)ar rcs $@ $^

define musl_tool
build/bin/$(1): $(patsubst %.c,$(M)/%.o,$(call TOOL_SRC,$(1))) $(M)/libda.a
	@mkdir -p $$(@D)
	@echo "  LINK    $$@"
	$(Q)$$(MUSL_CC) $$(MUSL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(M)/libda.a $$(DEP_LIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call musl_tool,$(t))))

# --- host build with sanitizers: unit tests, fuzz replay --------------------
H := build/host
HOST_CC ?= cc
SANITIZE ?= address,undefined
HOST_DEPS := build/deps/host/.stamp
HOST_CFLAGS := -O1 -g -fno-omit-frame-pointer
ifneq ($(SANITIZE),)
HOST_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif
HOST_CPPFLAGS := -I. -Ibuild/deps/host/include $(DEFS)

# Like git's GIT-CFLAGS: a change of sanitizers rebuilds the host objects.
HOST_FLAGS := $(H)/.cflags
$(shell mkdir -p $(H) && (echo '$(HOST_CFLAGS)' | cmp -s - $(HOST_FLAGS) || echo '$(HOST_CFLAGS)' >$(HOST_FLAGS)))
HOST_LDFLAGS := $(filter -fsanitize%,$(HOST_CFLAGS)) -Lbuild/deps/host/lib

$(HOST_DEPS): scripts/deps.lock scripts/deps.sh
	@scripts/deps.sh build host

$(H)/%.o: %.c $(COMMON_HDR) $(HOST_DEPS) $(HOST_FLAGS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) $(WARN) $(HOST_CFLAGS) $(HOST_CPPFLAGS) -MMD -MP -c -o $@ $<

$(foreach d,$(M) $(H),$(d)/common/version.o $(d)/common/http.o): $(VERSION_STAMP)

# Every header an object was built from (a tool's own ones too), as the
# compiler listed them: a changed header rebuilds what includes it.
-include $(shell find $(M) $(H) -name '*.d' 2>/dev/null)

$(H)/libda.a: $(COMMON_SRC:%.c=$(H)/%.o)
	@rm -f $@
	$(Q)ar rcs $@ $(filter $(H)/%,$^)

# Each tool's logic (every .c but main.c) as a library the unit tests link.
define host_toollib
$(H)/actions/$(1)/lib$(1).a: $(patsubst %.c,$(H)/%.o,$(call TOOL_LIBSRC,$(1))) $(H)/libda.a
	@rm -f $$@
	@mkdir -p $$(@D)
	$(Q)ar rcs $$@ $$(filter $(H)/actions/%,$$^)
endef
$(foreach t,$(TOOLS),$(eval $(call host_toollib,$(t))))
HOST_TOOLLIBS := $(foreach t,$(TOOLS),$(H)/actions/$(t)/lib$(t).a)

# The same tools for the host, sanitized (make SANITIZE=... host-bins).
define host_tool
$(H)/bin/$(1): $(patsubst %.c,$(H)/%.o,$(call TOOL_SRC,$(1))) $(H)/libda.a
	@mkdir -p $$(@D)
	@echo "  LINK    $$@"
	$(Q)$$(HOST_CC) $$(HOST_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(H)/libda.a $$(DEP_LIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call host_tool,$(t))))

.PHONY: host-bins
host-bins: $(addprefix $(H)/bin/,$(TOOLS))

UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(UNIT_SRC:%.c=$(H)/%)

$(H)/tests/unit/test-%: tests/unit/test-%.c $(wildcard tests/unit/*.h) $(HOST_TOOLLIBS) $(H)/libda.a
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	$(Q)$(HOST_CC) $(WARN) -Wno-missing-prototypes $(HOST_CFLAGS) $(HOST_CPPFLAGS) \
		-o $@ $< $(HOST_TOOLLIBS) $(H)/libda.a $(HOST_LDFLAGS) $(DEP_LIBS)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_REPLAY := $(FUZZ_SRC:%.c=$(H)/%)

$(H)/tests/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c $(wildcard tests/fuzz/*.h) $(HOST_TOOLLIBS) $(H)/libda.a
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(HOST_CC) $(WARN) -Wno-missing-prototypes $(HOST_CFLAGS) $(HOST_CPPFLAGS) \
		-o $@ $< tests/fuzz/replay.c $(HOST_TOOLLIBS) $(H)/libda.a \
		$(HOST_LDFLAGS) $(DEP_LIBS)

.PHONY: unit
unit: $(UNIT_BINS) $(FUZZ_REPLAY)

# --- libFuzzer binaries (clang) ----------------------------------------------
FUZZ_CC ?= clang
.PHONY: fuzz
fuzz: $(HOST_DEPS)
	@mkdir -p build/fuzz
	@for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); echo "  FUZZ $$n"; \
		$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined $(HOST_CPPFLAGS) \
			-o build/fuzz/$$n $$f $(COMMON_SRC) \
			$(foreach t,$(TOOLS),$(call TOOL_LIBSRC,$(t))) \
			-Lbuild/deps/host/lib $(DEP_LIBS) || exit 1; \
	done

# --- tests --------------------------------------------------------------------
.PHONY: test test-deps check
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: test-deps
	@$(MAKE) --no-print-directory -j$(JOBS) all unit
	@scripts/run-tests

test-deps:
	@scripts/install-deps.sh test

check: test

# --- the rest -------------------------------------------------------------------
.PHONY: demo
demo:
	@scripts/install-deps.sh demo
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

.PHONY: docs
docs: all
	@scripts/gen-docs.sh

.PHONY: dist
dist: all
	@scripts/dist.sh

.PHONY: bench
bench:
	@scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory all
	@scripts/run-bench

.PHONY: lint
lint:
	@scripts/lint.sh

.PHONY: clean distclean
clean:
	rm -rf build/bin build/musl build/host build/fuzz build/test dist

distclean:
	rm -rf build dist

.DELETE_ON_ERROR:
