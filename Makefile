# modtrace: top-level build and lab entry points. `make help` lists them.

KERNELS ?= 6.1
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
	checkpatch install uninstall clean

all: reader module

help:
	@echo 'make               build the reader and the module (for $(KVER))'
	@echo 'make module KVER=R build the module for kernel release or lab flavour R'
	@echo 'make check         install what is missing, build, run unit and guest tests'
	@echo '                   (KERNELS="6.1 6.12-rt" picks the guest kernels; default 6.1)'
	@echo 'make unit          unit tests only;  make guest: guest scenarios only'
	@echo 'make demo          boot a lab kernel and watch real module loads'
	@echo 'make shell         boot a lab kernel (KERNEL=6.1) to a shell with everything in it'
	@echo 'make checkpatch    checkpatch.pl --strict over the kernel code'
	@echo 'sudo make install  install module (running kernel) and reader; make uninstall'

deps:
	@scripts/deps.sh

$(CMAKE_BUILD)/CMakeCache.txt: CMakeLists.txt
	@cmake -S . -B $(CMAKE_BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_TYPE) \
		-DMODTRACE_GUEST_KERNELS="$(KERNELS)" >/dev/null

reader: $(CMAKE_BUILD)/CMakeCache.txt
	@cmake -S . -B $(CMAKE_BUILD) -DMODTRACE_GUEST_KERNELS="$(KERNELS)" >/dev/null
	@cmake --build $(CMAKE_BUILD) -j $(JOBS)

module:
	@scripts/build-modules.sh $(KVER) >/dev/null
	@echo "module: $(BUILD)/modules/$$(scripts/build-modules.sh --quiet $(KVER))/kmod/modtrace.ko"

# Fetch and build for every guest kernel up front, so the lanes only boot.
modules-lab:
	@for k in $(KERNELS); do scripts/build-modules.sh $$k >/dev/null || exit 1; done

check: deps reader modules-lab checkpatch
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
		--bin $(CMAKE_BUILD)/userspace/modtrace --bin $(CMAKE_BUILD)/tests/mtload

checkpatch:
	@scripts/checkpatch.sh

install: all
	$(MAKE) -C kmod KDIR=/lib/modules/$(RUNNING)/build install
	install -D -m 0755 $(CMAKE_BUILD)/userspace/modtrace $(DESTDIR)$(PREFIX)/bin/modtrace

uninstall:
	rm -f /lib/modules/$(RUNNING)/updates/modtrace.ko /lib/modules/$(RUNNING)/extra/modtrace.ko
	depmod -a $(RUNNING)
	rm -f $(DESTDIR)$(PREFIX)/bin/modtrace

clean:
	rm -rf $(BUILD)
