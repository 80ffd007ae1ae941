#!/usr/bin/env python3
# A misbehaving vortex driver for the sweep and report tests (a separate file from
# harness-driver.py, whose tests look for that name among running processes). It speaks the
# driver protocol (request: u8 operation, u32 count, count x event; reply: u32 count, count x
# result) in the way its first argument names:
#   silent        read requests and never answer           -> vortex exits 17 (liveness)
#   wrong-status  answer every event with status 1         -> vortex exits 13 (reconciliation)
# Usage: sweep-driver.py MODE <cluster> <addresses>
import struct
import sys
import time

EVENT_SIZE = {146: 128, 147: 128, 140: 16, 141: 16, 138: 128, 139: 128}


def read_exactly(count):
    data = b""
    while len(data) < count:
        chunk = sys.stdin.buffer.read(count - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def main():
    mode = sys.argv[1]
    while True:
        operation, count = struct.unpack("<BI", read_exactly(5))
        read_exactly(count * EVENT_SIZE.get(operation, 128))
        if mode == "silent":
            time.sleep(3600)
        results = b"".join(struct.pack("<QII", 0, 1, 0) for _ in range(count))
        sys.stdout.buffer.write(struct.pack("<I", count) + results)
        sys.stdout.buffer.flush()


main()
