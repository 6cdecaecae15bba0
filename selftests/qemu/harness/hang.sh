#!/bin/bash
# Harness self-check: the test never ends (per-test timeout).
source "$(dirname "$0")/../../lib.sh"
tap_begin
ok "about to hang"
sleep 100000
tap_end
