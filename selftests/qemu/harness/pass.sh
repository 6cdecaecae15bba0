#!/bin/bash
# Harness self-check: passes.
source "$(dirname "$0")/../../lib.sh"
tap_begin
ok "a passing test"
tap_end
