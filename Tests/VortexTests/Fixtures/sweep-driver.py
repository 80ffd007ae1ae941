#!/usr/bin/env python3
# A misbehaving vortex driver for the sweep and report tests: the same as harness-driver.py, in a
# file of its own because the harness's tests look for that name among running processes.
# Usage: sweep-driver.py MODE <cluster> <addresses>   (MODE: silent, wrong-status, garbage)
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the repository
from misbehaving_driver import serve  # noqa: E402

serve(sys.argv[1])
