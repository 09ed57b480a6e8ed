#!/usr/bin/env bash
# make demo: boot the default lab kernel with modtrace and watch a few real
# module loads, one failing and one with parameters.
set -euo pipefail
. "$(dirname "$0")/common.sh"

kernel=${MODTRACE_KERNEL:-6.1}
mt_say "booting Debian's $kernel kernel under QEMU (about 10 s; the first run downloads it)"
exec "$MT_TOP/scripts/guest-run.sh" --kernel "$kernel" --live --timeout 120 \
	--out "$MT_BUILD/guest/$kernel/demo" \
	--bin "$MT_BUILD/cmake/userspace/modtrace" --bin "$MT_BUILD/cmake/tests/mtload" \
	"$MT_TOP/tests/guest/demo.sh"
