#!/bin/bash
# Harness self-check: a kernel warning in the log (written via /dev/kmsg).
source "$(dirname "$0")/../../lib.sh"
tap_begin
echo "WARNING: CPU: 0 PID: 1 at nfav-selftest-harness (fake)" >/dev/kmsg
ok "all results pass, but the kernel log has a WARNING"
tap_end
