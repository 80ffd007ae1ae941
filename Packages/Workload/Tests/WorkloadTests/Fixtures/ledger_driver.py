#!/usr/bin/env python3
# An in-memory ledger driver for the Workload tests: speaks the vortex driver protocol on
# stdin/stdout and implements TigerBeetle's create and lookup rules for plain accounts and
# transfers, written independently of the Swift model so that the model is checked against a
# second implementation. Usage: ledger_driver.py [--lose-every=N] <cluster> <addresses>
# --lose-every=N reports every N-th valid transfer as created without applying it (a lossy
# ledger the model must catch).
import os
import struct
import sys
import time

CREATED = 0xFFFFFFFF
U128_MAX = (1 << 128) - 1
ACCOUNT = struct.Struct("<16s16s16s16s16s16sQIIIHHQ")
TRANSFER = ACCOUNT  # same shapes: 6 × u128, u64, u32, u32, u32, u16, u16, u64


def u128(raw):
    return int.from_bytes(raw, "little")


def b128(value):
    return value.to_bytes(16, "little")


def read_exactly(count):
    data = b""
    while len(data) < count:
        chunk = sys.stdin.buffer.read(count - len(data))
        if not chunk:
            return None if not data else sys.exit("request cut short")
        data += chunk
    return data


class Ledger:
    def __init__(self, lose_every):
        self.accounts = {}  # id -> dict
        self.transfers = {}  # id -> dict
        self.timestamp = time.time_ns()
        self.lose_every = lose_every
        self.valid_transfers = 0

    def next_timestamp(self):
        self.timestamp += 1
        return self.timestamp

    def create_account(self, a):
        if a["timestamp"]:
            return 3
        if a["reserved"]:
            return 4
        if a["flags"] >> 6:
            return 5
        if a["id"] == 0:
            return 6
        if a["id"] == U128_MAX:
            return 7
        e = self.accounts.get(a["id"])
        if e is not None:
            for field, status in (("flags", 15), ("ud128", 16), ("ud64", 17), ("ud32", 18),
                                  ("ledger", 19), ("code", 20)):
                if a[field] != e[field]:
                    return status
            return 21
        if a["flags"] & 0b110 == 0b110:
            return 8
        for index, field in enumerate(("dpend", "dpost", "cpend", "cpost")):
            if a[field]:
                return 9 + index
        if a["ledger"] == 0:
            return 13
        if a["code"] == 0:
            return 14
        a = dict(a, timestamp=self.next_timestamp())
        self.accounts[a["id"]] = a
        return CREATED

    def create_transfer(self, t):
        if t["timestamp"]:
            return 3
        if t["flags"] >> 9:
            return 4
        if t["id"] == 0:
            return 5
        if t["id"] == U128_MAX:
            return 6
        e = self.transfers.get(t["id"])
        if e is not None:
            for field, status in (("flags", 36), ("pending", 40), ("timeout", 44),
                                  ("debit", 37), ("credit", 38), ("amount", 39),
                                  ("ud128", 41), ("ud64", 42), ("ud32", 43), ("ledger", 67),
                                  ("code", 45)):
                if t[field] != e[field]:
                    return status
            return 46
        if t["flags"]:
            return 4  # two-phase, linked, balancing… are not implemented by this fixture
        for field, zero, int_max in (("debit", 8, 9), ("credit", 10, 11)):
            if t[field] == 0:
                return zero
            if t[field] == U128_MAX:
                return int_max
        if t["debit"] == t["credit"]:
            return 12
        if t["pending"]:
            return 13
        if t["timeout"]:
            return 17
        if t["ledger"] == 0:
            return 19
        if t["code"] == 0:
            return 20
        dr = self.accounts.get(t["debit"])
        if dr is None:
            return 21
        cr = self.accounts.get(t["credit"])
        if cr is None:
            return 22
        if dr["ledger"] != cr["ledger"]:
            return 23
        if t["ledger"] != dr["ledger"]:
            return 24
        amount = t["amount"]
        if dr["dpost"] + amount > U128_MAX:
            return 49
        if cr["cpost"] + amount > U128_MAX:
            return 50
        if dr["flags"] & 0b010 and dr["dpend"] + dr["dpost"] + amount > dr["cpost"]:
            return 54
        if cr["flags"] & 0b100 and cr["cpend"] + cr["cpost"] + amount > cr["dpost"]:
            return 55
        self.valid_transfers += 1
        t = dict(t, timestamp=self.next_timestamp())
        self.transfers[t["id"]] = t
        if self.lose_every and self.valid_transfers % self.lose_every == 0:
            return CREATED
        dr["dpost"] += amount
        cr["cpost"] += amount
        return CREATED


def parse_account(raw):
    f = ACCOUNT.unpack(raw)
    return dict(id=u128(f[0]), dpend=u128(f[1]), dpost=u128(f[2]), cpend=u128(f[3]),
                cpost=u128(f[4]), ud128=u128(f[5]), ud64=f[6], ud32=f[7], reserved=f[8],
                ledger=f[9], code=f[10], flags=f[11], timestamp=f[12])


def pack_account(a):
    return ACCOUNT.pack(b128(a["id"]), b128(a["dpend"]), b128(a["dpost"]), b128(a["cpend"]),
                        b128(a["cpost"]), b128(a["ud128"]), a["ud64"], a["ud32"], a["reserved"],
                        a["ledger"], a["code"], a["flags"], a["timestamp"])


def parse_transfer(raw):
    f = TRANSFER.unpack(raw)
    return dict(id=u128(f[0]), debit=u128(f[1]), credit=u128(f[2]), amount=u128(f[3]),
                pending=u128(f[4]), ud128=u128(f[5]), ud64=f[6], ud32=f[7], timeout=f[8],
                ledger=f[9], code=f[10], flags=f[11], timestamp=f[12])


def pack_transfer(t):
    return TRANSFER.pack(b128(t["id"]), b128(t["debit"]), b128(t["credit"]), b128(t["amount"]),
                         b128(t["pending"]), b128(t["ud128"]), t["ud64"], t["ud32"],
                         t["timeout"], t["ledger"], t["code"], t["flags"], t["timestamp"])


def serve(ledger):
    sizes = {138: 128, 139: 128, 140: 16, 141: 16, 146: 128, 147: 128}
    while True:
        header = read_exactly(5)
        if header is None:
            return
        operation, count = struct.unpack("<BI", header)
        if operation not in sizes:
            sys.exit(f"unknown operation {operation}")
        size = sizes[operation]
        payload = read_exactly(count * size)
        events = [payload[i * size:(i + 1) * size] for i in range(count)]
        results = []
        if operation in (146, 147, 138, 139):
            is_account = operation in (146, 138)
            for index, raw in enumerate(events):
                if is_account:
                    status = ledger.create_account(parse_account(raw))
                    obj = ledger.accounts
                else:
                    status = ledger.create_transfer(parse_transfer(raw))
                    obj = ledger.transfers
                if operation in (146, 147):
                    stamp = ledger.timestamp if status == CREATED else 0
                    results.append(struct.pack("<QII", stamp, status, 0))
                elif status != CREATED:
                    results.append(struct.pack("<II", index, status))
        elif operation == 140:
            for raw in events:
                a = ledger.accounts.get(u128(raw))
                if a is not None:
                    results.append(pack_account(a))
        else:
            for raw in events:
                t = ledger.transfers.get(u128(raw))
                if t is not None:
                    results.append(pack_transfer(t))
        sys.stdout.buffer.write(struct.pack("<I", len(results)) + b"".join(results))
        sys.stdout.buffer.flush()


def main():
    options = sys.argv[1:-2]
    lose_every = 0
    for option in options:
        if option.startswith("--lose-every="):
            lose_every = int(option.split("=", 1)[1])
        else:
            sys.exit(f"unknown option {option}")
    int(sys.argv[-2])  # the cluster id must be a decimal number
    try:
        serve(Ledger(lose_every))
    except BrokenPipeError:
        os._exit(0)


main()
