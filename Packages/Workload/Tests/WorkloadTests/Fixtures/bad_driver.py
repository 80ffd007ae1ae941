#!/usr/bin/env python3
# Misbehaving drivers for the driver-handle tests, one behaviour per mode:
#   bad_driver.py <mode> <cluster> <addresses>
# Each mode answers the first request (a dense create or a lookup) wrongly in one specific way.
import os
import signal
import struct
import sys
import time

mode = sys.argv[1]
SIZES = {138: 128, 139: 128, 140: 16, 141: 16, 146: 128, 147: 128}


def read_request():
    header = sys.stdin.buffer.read(5)
    if len(header) < 5:
        if mode in ("ignore-term", "exit-1-on-term"):
            time.sleep(60)  # stay alive until vortex's SIGTERM decides the ending
        sys.exit(0)
    operation, count = struct.unpack("<BI", header)
    payload = sys.stdin.buffer.read(count * SIZES[operation])
    return operation, count, payload


def write(data):
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def created_reply(count):
    return struct.pack("<I", count) + b"".join(
        struct.pack("<QII", 1000 + i, 0xFFFFFFFF, 0) for i in range(count))


if mode == "exit-at-start":
    sys.exit(3)
if mode == "never-read":
    time.sleep(60)
    sys.exit(0)
if mode == "close-stdin":
    os.close(0)
    time.sleep(60)
    sys.exit(0)
if mode == "ignore-term":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "exit-1-on-term":
    signal.signal(signal.SIGTERM, lambda *_: os._exit(1))

while True:
    operation, count, payload = read_request()
    if mode == "exit-on-request":
        sys.exit(4)
    elif mode == "silent":
        time.sleep(60)
    elif mode == "short-then-exit":
        write(created_reply(count)[: 4 + 8])
        sys.exit(0)
    elif mode == "short-then-hang":
        write(created_reply(count)[:-1])
        time.sleep(60)
    elif mode == "long":
        write(created_reply(count) + b"\xde\xad\xbe\xef")
    elif mode == "garbage":
        write(b"\xff\xff\xff\x7f" + os.urandom(64))
    elif mode == "wrong-count":
        write(created_reply(count + 1))
    elif mode in ("ignore-term", "exit-1-on-term", "well-behaved"):
        write(created_reply(count))
    else:
        sys.exit(f"unknown mode {mode}")
