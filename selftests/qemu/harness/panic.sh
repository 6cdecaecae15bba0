#!/bin/bash
# Harness self-check: the guest kernel panics.
source "$(dirname "$0")/../../lib.sh"
tap_begin
ok "about to crash"
echo c >/proc/sysrq-trigger
sleep 60
tap_end
