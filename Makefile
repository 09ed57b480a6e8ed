# modtrace: top-level build and lab entry points. `make help` lists them.

# The guest lanes make check runs: every Debian kernel flavour, and 6.1-debug
# (built here once, about 15 minutes) with the kernel's sanitizers.
KERNELS ?= 6.1 6.1-cloud 6.1-rt 6.12 6.12-cloud 6.12-rt 6.1-debug
BUILD ?= build
CMAKE_BUILD := $(BUILD)/cmake
CMAKE_TYPE ?= RelWithDebInfo
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)

# The kernel `make module` builds for: KVER if given, else the running kernel
# when its headers are installed, else the default lab kernel.
RUNNING := $(shell uname -r)
KVER ?= $(if $(wildcard /lib/modules/$(RUNNING)/build/Makefile),$(RUNNING),6.1)

export MODTRACE_BUILD := $(abspath $(BUILD))

.PHONY: all help deps reader module modules-lab check unit guest demo shell \
	checkpatch sparse format-check ynl-check fuzz soak bench dkms-test dkms-install install install-reader uninstall clean \
	man deb

all: reader module man

help:
	@echo 'make               build the reader, its man pages and the module (for $(KVER))'
	@echo 'make module KVER=R build the module for kernel release or lab flavour R'
	@echo 'make check         install what is missing, build, run unit and guest tests'
	@echo '                   (KERNELS="6.1 6.12-rt" picks the guest kernels; default: all six and 6.1-debug)'
	@echo 'make unit          unit tests only;  make guest: guest scenarios only'
	@echo 'make demo          boot a lab kernel and watch real module loads'
	@echo 'make shell         boot a lab kernel (KERNEL=6.1) to a shell with everything in it'
	@echo 'make checkpatch    checkpatch.pl --strict over the kernel code'
	@echo 'make sparse        sparse over the module, built for 6.1 and 6.12'
	@echo 'make format-check  the C++ against .clang-format (make format fixes it)'
	@echo 'make ynl-check     kmod/uapi/modtrace.h against what the kernel'"'"'s YNL generator makes'
	@echo '                   of kmod/modtrace.yaml (scripts/ynl-check.sh --write regenerates it)'
	@echo 'make fuzz          libFuzzer on the decoder and the correlator, FUZZ_SECONDS each (30)'
	@echo 'make bench         modtrace against tracefs, audit and bpftrace in a BENCH_KERNEL (6.1)'
	@echo '                   guest, and the reader alone; table and JSON in build/bench'
	@echo 'make soak          flood and concurrency scenarios for SOAK_SECONDS each (600) on'
	@echo '                   SOAK_KERNELS (6.1 6.1-rt), then their figures'
	@echo 'make deb           the Debian packages modtrace and modtrace-dkms, into $(BUILD)/deb, and lintian'
	@echo 'sudo make install  install module (running kernel), reader and man pages; make uninstall'
	@echo 'sudo make dkms-install  install the module with DKMS for the running kernel'
	@echo 'make dkms-test     DKMS add/build/install for 6.1 and 6.12, then boot what it installed'

deps:
	@scripts/deps.sh

$(CMAKE_BUILD)/CMakeCache.txt: CMakeLists.txt
	@cmake -S . -B $(CMAKE_BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_TYPE) \
		-DMODTRACE_GUEST_KERNELS="$(KERNELS)" >/dev/null

reader: $(CMAKE_BUILD)/CMakeCache.txt
	@cmake -S . -B $(CMAKE_BUILD) -DMODTRACE_GUEST_KERNELS="$(KERNELS)" >/dev/null
	@cmake --build $(CMAKE_BUILD) -j $(JOBS)

# modtrace(8) and modtrace(4) from doc/*.scd (scdoc), into $(CMAKE_BUILD)/doc;
# `make reader` builds them too.
man: $(CMAKE_BUILD)/CMakeCache.txt
	@cmake --build $(CMAKE_BUILD) --target man

# The Debian packages (debian/), into $(BUILD)/deb, checked by lintian.
deb:
	@JOBS=$(JOBS) scripts/deb.sh

module:
	@scripts/build-modules.sh $(KVER) >/dev/null
	@echo "module: $(BUILD)/modules/$$(scripts/build-modules.sh --quiet $(KVER))/kmod/modtrace.ko"

# Fetch and build for every guest kernel up front, so the lanes only boot.
modules-lab:
	@for k in $(KERNELS); do scripts/build-modules.sh $$k >/dev/null || exit 1; done

check: deps reader modules-lab checkpatch sparse format-check ynl-check fuzz deb
	@cd $(CMAKE_BUILD) && ctest --output-on-failure -j $(JOBS)

unit: reader
	@cd $(CMAKE_BUILD) && ctest --output-on-failure -L unit

guest: reader modules-lab
	@cd $(CMAKE_BUILD) && ctest --output-on-failure -j $(JOBS) -L guest

demo: deps reader
	@scripts/demo.sh

KERNEL ?= 6.1
shell: reader
	@scripts/guest-run.sh --kernel $(KERNEL) --shell \
		--bin $(CMAKE_BUILD)/userspace/modtrace --bin $(CMAKE_BUILD)/tests/mtload \
		--bin $(CMAKE_BUILD)/tests/mtnlfuzz --bin $(CMAKE_BUILD)/tests/mtload32 \
		--bin $(CMAKE_BUILD)/tests/mtloadx32

BENCH_KERNEL ?= 6.1
bench:
	@scripts/deps.sh
	@scripts/deps.sh --bench
	@$(MAKE) --no-print-directory reader
	@scripts/bench.sh --kernel $(BENCH_KERNEL)

SOAK_SECONDS ?= 600
SOAK_KERNELS ?= 6.1 6.1-rt
soak: deps reader
	@scripts/soak.sh --seconds $(SOAK_SECONDS) $(SOAK_KERNELS)

checkpatch:
	@scripts/checkpatch.sh

ynl-check:
	@scripts/ynl-check.sh

dkms-test: reader
	@scripts/dkms.sh --cleanup 6.1 6.12

dkms-install:
	@scripts/dkms.sh --no-guest $(RUNNING)

CXX_SOURCES = $(shell git ls-files -- 'userspace/*.[ch]pp' 'tests/*.[ch]pp')

format-check:
	@clang-format --dry-run -Werror $(CXX_SOURCES)

format:
	@clang-format -i $(CXX_SOURCES)

FUZZ_SECONDS ?= 30
FUZZ_BUILD := $(BUILD)/fuzz
FUZZERS := fuzz_decode fuzz_correlate

# Built with clang, ASan and UBSan in a tree of their own; each corpus grows
# from run to run, fuzz_decode's from records laid out as the kernel writes
# them (tests/fuzz/seeds.py). Any crash or sanitizer report fails the target.
fuzz:
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMODTRACE_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZERS) >/dev/null
	@for f in $(FUZZERS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$f $(FUZZ_BUILD)/seeds/$$f; \
		[ $$f != fuzz_decode ] || python3 tests/fuzz/seeds.py kmod/uapi/modtrace.h \
			$(FUZZ_BUILD)/seeds/$$f || exit 1; \
		echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
		$(FUZZ_BUILD)/tests/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) \
			-artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus/$$f \
			$(FUZZ_BUILD)/seeds/$$f \
			>$(FUZZ_BUILD)/$$f.log 2>&1 || { tail -n 40 $(FUZZ_BUILD)/$$f.log; exit 1; }; \
		grep -h '^#[0-9]*.*DONE' $(FUZZ_BUILD)/$$f.log || true; \
	done

# Both series: the module has code paths for each.
sparse:
	@for k in 6.1 6.12; do scripts/build-modules.sh --sparse --quiet $$k >/dev/null || exit 1; done

install: all install-reader
	$(MAKE) -C kmod KDIR=/lib/modules/$(RUNNING)/build install

# The reader in $(PREFIX)/sbin (a tool for root, as in the package) and its
# man pages in $(PREFIX)/share/man; the service comes with the package only.
install-reader: reader
	DESTDIR=$(DESTDIR) cmake --install $(CMAKE_BUILD) --prefix $(PREFIX)

uninstall:
	rm -f /lib/modules/$(RUNNING)/updates/modtrace.ko /lib/modules/$(RUNNING)/extra/modtrace.ko
	depmod -a $(RUNNING)
	rm -f $(DESTDIR)$(PREFIX)/sbin/modtrace $(DESTDIR)$(PREFIX)/bin/modtrace \
		$(DESTDIR)$(PREFIX)/share/man/man8/modtrace.8 $(DESTDIR)$(PREFIX)/share/man/man4/modtrace.4

clean:
	rm -rf $(BUILD)
