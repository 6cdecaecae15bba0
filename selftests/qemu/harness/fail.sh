#!/bin/bash
# Harness self-check: one failing result.
source "$(dirname "$0")/../../lib.sh"
tap_begin
ok "a passing test"
not_ok "a failing test" "expected: the run fails"
tap_end
