#!/bin/sh
# Run the kernel's checkpatch.pl on the module sources (kernel coding style).
# checkpatch.pl comes with linux-source-6.1 (/usr/src/linux-source-6.1) or
# any kernel tree given as KSRC=.
set -e
cd "$(dirname "$0")/.."
cp=""
for d in ${KSRC:-} /usr/src/linux-source-6.1 /usr/src/linux-source-*; do
	[ -x "$d/scripts/checkpatch.pl" ] && { cp="$d/scripts/checkpatch.pl"; break; }
done
if [ -z "$cp" ]; then
	echo "checkpatch: no kernel source tree (apt-get install linux-source-6.1 and unpack it, or set KSRC=)" >&2
	exit 2
fi
exec "$cp" --no-tree --terse -f $(ls kmod/*.c | grep -v "\.mod\.c$") kmod/nfav.h kmod/proto/*.c kmod/proto/*.h uapi/linux/nfav.h
