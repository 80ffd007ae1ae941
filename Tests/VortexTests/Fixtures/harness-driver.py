#!/usr/bin/env python3
# A misbehaving vortex driver for the harness's detection tests; the modes are those of
# misbehaving_driver.py (wrong-status, silent, garbage).
# Usage: harness-driver.py MODE <cluster> <addresses>
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
from misbehaving_driver import serve  # noqa: E402

serve(sys.argv[1])
