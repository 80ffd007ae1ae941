# The misbehaving vortex drivers of the harness's tests (harness-driver.py, sweep-driver.py) share
# this loop. It speaks the driver protocol (request: u8 operation, u32 count, count x event;
# reply: u32 count, count x result) badly, in the way `mode` names:
#   wrong-status  answer every event with status 1 (linked_event_failed) -> vortex exits 13
#   silent        read requests and never answer                        -> vortex exits 17
#   garbage       answer with a result count far beyond the request     -> vortex exits 16
import struct
import sys
import time

EVENT_SIZE = {146: 128, 147: 128, 140: 16, 141: 16, 138: 128, 139: 128}
MODES = ("wrong-status", "silent", "garbage")


def read_exactly(count):
    data = b""
    while len(data) < count:
        chunk = sys.stdin.buffer.read(count - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def serve(mode):
    if mode not in MODES:
        sys.exit(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    while True:
        operation, count = struct.unpack("<BI", read_exactly(5))
        read_exactly(count * EVENT_SIZE.get(operation, 128))
        if mode == "silent":
            time.sleep(3600)
        elif mode == "garbage":
            sys.stdout.buffer.write(struct.pack("<I", 0xFFFFFFF0) + b"\x07" * 64)
        else:
            results = b"".join(struct.pack("<QII", 0, 1, 0) for _ in range(count))
            sys.stdout.buffer.write(struct.pack("<I", count) + results)
        sys.stdout.buffer.flush()
