# SPDX-License-Identifier: GPL-2.0
#
# Top-level build of nfav: `make` builds kmod/nfav.ko, helper/nfavd and
# tools/nfavctl.  `make check` builds everything and runs the unit tests and
# the QEMU selftests on every installed Debian kernel.

# Kernel build tree: the running kernel's, else the newest installed Debian
# linux-headers-*-amd64 tree.
KDIR ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then \
		echo /lib/modules/$$(uname -r)/build; \
	else \
		ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1; \
	fi)

CC ?= gcc
export CC

.PHONY: all module daemon cli unit selftests check demo bench fuzz deps clean \
	modules-all sparse checkpatch check-debug

all: module daemon cli

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: install linux-headers-amd64 or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod C=2 modules

checkpatch:
	@tools/checkpatch.sh

daemon:
	$(MAKE) -C helper

cli:
	$(MAKE) -C tools

# Build the module for every installed Debian kernel into build/<version>/.
modules-all:
	@selftests/qemu/build-modules.sh

unit:
	$(MAKE) -C selftests/unit run

fuzz:
	$(MAKE) -C selftests/unit fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-300}

selftests: all modules-all
	selftests/qemu/run-all.sh

check:
	@tools/check.sh

# Build the KASAN + lockdep + kmemleak + slub_debug kernel from
# linux-source-6.1 (cached in build/debug-kernel/; 86 min on 2 shared
# cores), build nfav.ko against it and run every QEMU selftest on it (hours
# under TCG).  `make check` reuses that kernel for a subset of the tests
# once it is built, if its time budget allows.
check-debug:
	@NFAV_CHECK_STAGES="deps build debug-kernel debug" \
		NFAV_DEBUG_TESTS="$${NFAV_DEBUG_TESTS:-all}" tools/check.sh

demo:
	@tools/demo.sh

bench:
	@tools/bench.sh

deps:
	@tools/install-deps.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	-$(MAKE) -C helper clean
	-$(MAKE) -C tools clean
	-$(MAKE) -C selftests/unit clean
	rm -rf build
