# releasekit: one static library (lib/), one executable per tool (cmd/).
#
#   make                 build everything into build/
#   make check           bootstrap (idempotent), build, run the bats suite
#   make demo            bootstrap (idempotent), build, run scripts/demo
#   make lint            clang-format check, mandoc -T lint, banned functions,
#                        scripts/checksrc, scripts/check-test-pipes
#   make install         PREFIX=/usr/local DESTDIR= (with the Python venv rk-config needs)
#   make SANITIZE=address,undefined check
#   make VALGRIND=1 check    run every tool under valgrind in the suite
#   make fuzz            build the libFuzzer targets and run each briefly
#   make WERROR=1        turn warnings into errors (CI does)

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR    = $(PREFIX)/bin
LIBEXECDIR= $(PREFIX)/libexec/releasekit
DATADIR   = $(PREFIX)/share/releasekit
MANDIR    = $(PREFIX)/share/man

TOOLS = rk-config rk-discover rk-graph rk-plan rk-exec rk-poll rk-report

B        ?= build$(if $(SANITIZE),-san)
CC       ?= cc
PYCONFIG ?= /usr/bin/python3-config
PYTHON   ?= /usr/bin/python3

WARN = -Wall -Wextra -Wformat-security \
       -Wstrict-prototypes -Wold-style-definition -Wvla -Wshadow \
       -Wpointer-arith -Wmissing-prototypes -Wwrite-strings -Wdeclaration-after-statement \
       -Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARN += -Werror
endif

OPT      ?= -O2 -g
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DRK_VERSION='"$(VERSION)"' \
            -DRK_DATADIR='"$(DATADIR)"' -Ilib
CFLAGS   += -std=c11 $(OPT) $(WARN)

# The flags of the Debian -dev packages are asked for when a recipe first
# needs them, not when this file is read: `make demo` and `make check` run
# scripts/bootstrap (which installs those packages) and then build in a
# second make, so the first run on a fresh machine links (tests/first-hour.bats).
# Each is computed once: the first use replaces the variable by its value.
PKG_CONFIG ?= pkg-config
PKGS        = libgit2 libcurl openssl yaml-0.1 zlib
PKG_CFLAGS  = $(eval PKG_CFLAGS := $$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS    = $(eval PKG_LIBS := $$(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null))$(PKG_LIBS)
CPPFLAGS   += $(PKG_CFLAGS)
LDLIBS     += $(PKG_LIBS) -lm

# rk-config alone embeds Python.
PY_CFLAGS = $(eval PY_CFLAGS := $$(shell $(PYCONFIG) --includes 2>/dev/null))$(PY_CFLAGS)
PY_LIBS   = $(eval PY_LIBS := $$(shell $(PYCONFIG) --ldflags --embed 2>/dev/null))$(PY_LIBS)

# What the bootstrap puts first on PATH for the suite and the demo.
BOOTSTRAP ?= scripts/bootstrap
TOOLS_PATH = $(CURDIR)/.venv/bin:$(CURDIR)/.tools/nodejs/bin:$(CURDIR)/.tools/goroot/bin:$(CURDIR)/.tools/node/node_modules/.bin:$(CURDIR)/.tools/go/bin

ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Library sources: every lib/*.c except the Python-embedding ones (lib/py_*.c),
# which only rk-config links.
LIB_SRC  = $(filter-out lib/rk_py%.c,$(wildcard lib/*.c))
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
PYLIB_SRC = $(wildcard lib/rk_py*.c)
PYLIB_OBJ = $(PYLIB_SRC:lib/%.c=$(B)/lib/%.o)
LIB      = $(B)/librk.a
BINS     = $(TOOLS:%=$(B)/bin/%)

# Test helpers: tests/helpers/t-<name>.c, each a small driver of lib/.
THELP_SRC = $(wildcard tests/helpers/*.c)
THELP     = $(THELP_SRC:tests/helpers/%.c=$(B)/tests/%)

# Fuzz targets: fuzz/fuzz-<name>.c (libFuzzer, clang only).
FUZZ_SRC  = $(wildcard fuzz/fuzz-*.c)

HDRS = $(wildcard lib/*.h cmd/*/*.h)
C_FILES = $(wildcard cmd/*.c cmd/*/*.c cmd/*/*.h lib/*.c lib/*.h tests/helpers/*.c fuzz/*.c)

# A tool's own body: cmd/<tool>/*.c (what only that tool does), linked into
# that tool alone; lib/ holds what two tools share (DEVELOPERS.md).
tool_objs = $(patsubst cmd/%.c,$(B)/cmd/%.o,$(wildcard cmd/$(1)/*.c))
TOOL_OBJ = $(patsubst cmd/%.c,$(B)/cmd/%.o,$(wildcard cmd/*/*.c))

all: $(BINS) $(B)/bin/releasekit $(THELP) $(B)/completions/bash/releasekit

# Shell completions, generated from the tools' own option tables.
$(B)/completions/bash/releasekit: scripts/gen-completions $(BINS) $(B)/bin/releasekit $(wildcard scripts/commands/*)
	scripts/gen-completions $(B)/bin $(B)/completions

# Before compiling anything: the -dev packages must be there (a clear message
# instead of a missing git2.h or undefined references).
deps-present:
	@$(PKG_CONFIG) --exists $(PKGS) && [ -x "$(PYCONFIG)" ] || { \
	  echo "make: the build needs pkg-config, $(PKGS) and $(PYCONFIG):" \
	       "run scripts/bootstrap (make demo and make check do)" >&2; exit 1; }

$(LIB_OBJ) $(PYLIB_OBJ) $(TOOL_OBJ) $(BINS:$(B)/bin/%=$(B)/cmd/%.o): | deps-present

$(B)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(PYLIB_OBJ): CPPFLAGS += $(PY_CFLAGS)


$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/cmd/%.o: cmd/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(B)/bin/%: $(B)/cmd/%.o $$(call tool_objs,$$*) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(call tool_objs,$*) $(LIB) $(LDLIBS)

$(B)/bin/rk-config: $(B)/cmd/rk-config.o $(call tool_objs,rk-config) $(PYLIB_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(call tool_objs,rk-config) $(PYLIB_OBJ) $(LIB) $(LDLIBS) $(PY_LIBS)

$(B)/bin/releasekit: scripts/releasekit
	@mkdir -p $(@D)
	sed -e 's|@RK_VERSION@|$(VERSION)|' $< >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@

$(B)/tests/%: tests/helpers/%.c $(LIB) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

bootstrap:
	@$(BOOTSTRAP)

# bootstrap, then build in a second make: that one reads this file again and
# computes the flags with the packages the bootstrap installed.
bootstrapped-build:
	@$(BOOTSTRAP)
	@$(MAKE) --no-print-directory all

# The test suite: bats over tests/*.bats, with the tools of $(B)/bin on PATH.
# TESTS='tests/json.bats' narrows it; VALGRIND=1 runs each tool under valgrind.
TESTS ?= $(sort $(wildcard tests/*.bats))
BATS_JOBS ?= 1
check: bootstrapped-build
	@RK_BUILD="$(abspath $(B))" RK_TOP="$(CURDIR)" RK_VALGRIND="$(VALGRIND)" \
	  PATH="$(abspath $(B))/bin:$(TOOLS_PATH):$$PATH" \
	  bats $(if $(filter-out 1,$(BATS_JOBS)),--jobs $(BATS_JOBS)) $(TESTS)

demo: bootstrapped-build
	@RK_TOP="$(CURDIR)" PATH="$(abspath $(B))/bin:$(TOOLS_PATH):$$PATH" \
	  scripts/demo

CLANG_FORMAT ?= clang-format
lint:
	@echo "lint: clang-format"; $(CLANG_FORMAT) --dry-run --Werror $(C_FILES)
	@echo "lint: mandoc"; mandoc -T lint -W warning man/*.[0-9]
	@echo "lint: banned functions"; scripts/check-banned $(C_FILES)
	@echo "lint: checksrc"; scripts/checksrc
	@echo "lint: test pipes"; scripts/check-test-pipes tests/*.bats tests/*.bash
	@echo "lint: shell syntax"; for f in scripts/releasekit scripts/bootstrap scripts/gen-completions scripts/commands/* bench/*.sh; do \
	  [ -f "$$f" ] || continue; bash -n "$$f" || exit 1; done

# Fuzzing: the library is compiled once for all targets (fuzzer-no-link),
# each target linked against it; fuzz-star also embeds Python (rk_py*.c).
# `make fuzz` runs every target for FUZZ_TIME seconds (.ci/run: a few).
FUZZ_CC ?= clang
FUZZ_TIME ?= 20
FUZZ_B = $(B)/fuzz
FUZZ_FLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -std=c11
FUZZ_LIB_OBJ = $(LIB_SRC:lib/%.c=$(FUZZ_B)/lib/%.o)
FUZZ_PYLIB_OBJ = $(PYLIB_SRC:lib/%.c=$(FUZZ_B)/lib/%.o)
FUZZ_BINS = $(FUZZ_SRC:fuzz/%.c=$(FUZZ_B)/%)

$(FUZZ_B)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) -c -o $@ $<

$(FUZZ_PYLIB_OBJ): CPPFLAGS += $(PY_CFLAGS)

$(FUZZ_B)/librk.a: $(FUZZ_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_B)/fuzz-%: fuzz/fuzz-%.c fuzz/fuzz-version.h $(FUZZ_B)/librk.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(CPPFLAGS) -o $@ $< $(FUZZ_B)/librk.a $(LDLIBS)

$(FUZZ_B)/fuzz-star: fuzz/fuzz-star.c $(FUZZ_PYLIB_OBJ) $(FUZZ_B)/librk.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(CPPFLAGS) $(PY_CFLAGS) -o $@ $< \
	  $(FUZZ_PYLIB_OBJ) $(FUZZ_B)/librk.a $(LDLIBS) $(PY_LIBS)

fuzz-build: $(FUZZ_BINS)

# libpython keeps allocations past finalization: no leak check for fuzz-star.
fuzz: fuzz-build
	@set -e; for n in $(notdir $(FUZZ_BINS)); do \
	  echo "fuzz: $$n ($(FUZZ_TIME) s)"; \
	  mkdir -p $(FUZZ_B)/$$n.corpus; \
	  c=fuzz/corpus/$${n#fuzz-}; [ -d "$$c" ] || c=; \
	  opts=; [ $$n = fuzz-star ] && opts=-detect_leaks=0; \
	  $(FUZZ_B)/$$n -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=20 $$opts \
	    -print_final_stats=0 $(FUZZ_B)/$$n.corpus $$c 2>$(FUZZ_B)/$$n.log || \
	    { tail -60 $(FUZZ_B)/$$n.log; echo "fuzz: $$n FAILED (log: $(FUZZ_B)/$$n.log)"; exit 1; }; \
	  tail -1 $(FUZZ_B)/$$n.log; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(DATADIR)/schemas \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BINS) $(B)/bin/releasekit $(DESTDIR)$(BINDIR)
	install -d $(DESTDIR)$(LIBEXECDIR)/commands
	install -m 644 scripts/commands/* $(DESTDIR)$(LIBEXECDIR)/commands
	install -m 644 scripts/releasekit-setup.sh $(DESTDIR)$(LIBEXECDIR)
	cp -R rules/. $(DESTDIR)$(DATADIR)/rules/
	cp -R share/. $(DESTDIR)$(DATADIR)/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 644 $(B)/completions/bash/releasekit $(DESTDIR)$(PREFIX)/share/bash-completion/completions/
	for t in $(TOOLS); do ln -sf releasekit $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$t; done
	install -m 644 $(B)/completions/zsh/_releasekit $(DESTDIR)$(PREFIX)/share/zsh/site-functions/
	install -m 644 $(B)/completions/fish/*.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/
	@scripts/install-venv $(DESTDIR)$(PREFIX)/lib/releasekit/venv $(PYTHON)

clean:
	rm -rf $(B)

.PHONY: all check bootstrap bootstrapped-build deps-present demo lint fuzz fuzz-build install clean
.DELETE_ON_ERROR:
