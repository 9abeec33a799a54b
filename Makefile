# mapkeeper: a plain Makefile with pkg-config (docs/style.md, 13).
#
#   make            build ./mapkeeper
#   make test       install missing packages, build, build again with sanitizers, run every test
#   make demo       install missing packages, build, run the main job on the bundled calls
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS each (default 60)
#   make stress     the long reliability suite (fuzz, sanitizers, valgrind, faults): build/stress/
#   make SANITIZE=address,undefined   a sanitizer build (into build-san/)
#
# The library (util/ ingest/ extractor/ merge/ store/ pipeline/) builds as one static library,
# $(BUILD)/libmapkeeper.a, with one public header, include/mapkeeper.h; cli/ builds
# ./mapkeeper from it. New .c files in those folders are picked up by themselves.

CC      ?= cc
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD   ?= build
else
BUILD   ?= build-san
endif

PKGS     = libpcre2-8 libcurl jansson sqlite3 libmicrohttpd libcrypto libarchive libxml-2.0
OPT     ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wvla
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -Iinclude -I. -D_GNU_SOURCE
CFLAGS_ALL = -std=c11 $(OPT) $(WARN) $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(LDLIBS)
ifneq ($(SANITIZE),)
CFLAGS_ALL += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=$(SANITIZE)
endif

LIB_DIRS = util ingest extractor merge store pipeline crm notify
LIB_SRC  = $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
CLI_SRC  = $(wildcard cli/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)
HEADERS  = include/mapkeeper.h $(foreach d,$(LIB_DIRS) cli tests/unit,$(wildcard $(d)/*.h))
LIB      = $(BUILD)/libmapkeeper.a

.SECONDARY:
.PHONY: all deps test check demo fuzz bench clean units

all: mapkeeper

ifeq ($(SANITIZE),)
mapkeeper: $(BUILD)/mapkeeper
	cp $< $@.tmp && mv -f $@.tmp $@
endif

$(BUILD)/mapkeeper: $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS_ALL)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

# Each fuzz target with tests/fuzz/replay.c's main(): tests/cli/t13-fuzz-seeds.sh replays
# its seed corpus in make test (no clang needed).
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c $(BUILD)/tests/fuzz/replay.o $(LIB) $(HEADERS) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(BUILD)/tests/fuzz/replay.o $(LIB) $(LDLIBS_ALL)

units: $(UNIT_BIN) $(REPLAY_BIN) $(BUILD)/mapkeeper

deps:
	@scripts/deps.sh

# make test: what README gives and .ci/run calls. The sanitizer build runs the unit
# tests and the command-line tests a second time.
test: deps
	$(MAKE) --no-print-directory all units
	$(MAKE) --no-print-directory SANITIZE=address,undefined units
	@tests/run.sh

check: test

demo: deps
	$(MAKE) --no-print-directory all
	@scripts/demo.sh

# make bench: a benchmark, not a test (docs/bench.md). Generates the corpus under
# $(BUILD)/bench when it is missing or its generator changed, then times extraction (one
# core, every core, per call), the pcre2grep floor, peak RSS and ingest, and, once
# bench/bench_store.c exists, the managers' queries; the table goes to stdout and to
# $(BUILD)/bench/results.txt. BENCH_PASSES: timed passes over the corpus (median kept).
BENCH_PASSES ?= 3
BENCH_STORE = $(if $(wildcard bench/bench_store.c),$(BUILD)/bench_store)
bench: deps all $(BUILD)/bench_main $(BUILD)/bench_extract $(BENCH_STORE)
	@python3 bench/gen_corpus.py $(BUILD)/bench
	@python3 bench/run.py --build $(BUILD) --bin ./mapkeeper --rules rules --passes $(BENCH_PASSES) \
		$(if $(BENCH_STORE),--store-bin $(BENCH_STORE))

$(BUILD)/bench_main $(BUILD)/bench_extract $(BUILD)/bench_store: $(BUILD)/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

# make accuracy: the scorers of ../shared/eval per writer set (A-B, E, F, G, H), then the
# whole dev corpus, real-gold and real-silver (scripts/accuracy.sh; skipped without ../shared).
.PHONY: accuracy
accuracy: deps all
	@scripts/accuracy.sh

FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps.sh --fuzz
	@scripts/fuzz.sh $(FUZZ_SECONDS)

# make stress: the long reliability suite, not run by CI (scripts/stress.sh): every fuzz
# target for STRESS_FUZZ_SECONDS each, the sanitizer build's tests, valgrind, a kill -9
# loop, disk full, a read-only database and 50 concurrent ingests. Report:
# build/stress/report.txt. STRESS_PARTS="a d" runs only some parts.
# make stress-quick: the same parts with fewer rounds (STRESS_QUICK=1, about 10 minutes).
.PHONY: stress stress-quick
stress: deps
	@scripts/deps.sh --fuzz
	$(MAKE) --no-print-directory all units
	$(MAKE) --no-print-directory SANITIZE=address,undefined units
	@scripts/stress.sh

stress-quick:
	@STRESS_QUICK=1 $(MAKE) --no-print-directory stress

clean:
	rm -rf build build-san build-fuzz mapkeeper

# ---- make install / make uninstall -------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=]: the binary to $(PREFIX)/bin, the rules and
# the web pages to $(PREFIX)/share/mapkeeper, the man page mapkeeper(1) and the bash and
# zsh completions. The binary finds its rules and pages from where it runs
# (../share/mapkeeper) and, failing that, in $(PREFIX)/share/mapkeeper, compiled in as
# MK_SHAREDIR: the two files that read it are rebuilt when PREFIX changes.
PREFIX      ?= /usr/local
SHAREDIR     = $(PREFIX)/share/mapkeeper
BINDIR       = $(PREFIX)/bin
MAN1DIR      = $(PREFIX)/share/man/man1
BASHCOMPDIR  = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR   = $(PREFIX)/share/zsh/site-functions
INSTALL     ?= install

$(BUILD)/extractor/rules.o $(BUILD)/cli/cmd_serve.o: CPPFLAGS += -DMK_SHAREDIR='"$(SHAREDIR)"'
$(BUILD)/extractor/rules.o $(BUILD)/cli/cmd_serve.o: $(BUILD)/sharedir

# rewritten only when the share folder changes, so a PREFIX change rebuilds its readers
$(BUILD)/sharedir: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SHAREDIR)' | cmp -s - $@ || echo '$(SHAREDIR)' >$@

.PHONY: install uninstall FORCE
FORCE:

install: $(BUILD)/mapkeeper
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/rules $(DESTDIR)$(SHAREDIR)/web \
		$(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	$(INSTALL) -m 755 $(BUILD)/mapkeeper $(DESTDIR)$(BINDIR)/mapkeeper
	$(INSTALL) -m 644 $$(find rules -maxdepth 1 -type f) $(DESTDIR)$(SHAREDIR)/rules
	$(INSTALL) -m 644 $$(find web -maxdepth 1 -type f) $(DESTDIR)$(SHAREDIR)/web
	sed 's|/usr/local/share/|$(PREFIX)/share/|g' docs/mapkeeper.1 >$(DESTDIR)$(MAN1DIR)/mapkeeper.1
	chmod 644 $(DESTDIR)$(MAN1DIR)/mapkeeper.1
	$(INSTALL) -m 644 completion/mapkeeper.bash $(DESTDIR)$(BASHCOMPDIR)/mapkeeper
	$(INSTALL) -m 644 completion/_mapkeeper $(DESTDIR)$(ZSHCOMPDIR)/_mapkeeper

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mapkeeper $(DESTDIR)$(MAN1DIR)/mapkeeper.1 \
		$(DESTDIR)$(BASHCOMPDIR)/mapkeeper $(DESTDIR)$(ZSHCOMPDIR)/_mapkeeper
	rm -rf $(DESTDIR)$(SHAREDIR)
