#!/usr/bin/env python3
# A register driver for the harness's register tests that needs no system under test: the
# registers live in one JSON file, and every operation holds an exclusive flock on it, so the
# clients' operations are atomic and the history is linearizable, unless the mode says otherwise:
#   correct    a correct register                                    -> vortex passes
#   stale      reads answer from this process's cache of the values
#              it last saw or wrote (never from the file once cached) -> vortex exits 13
#   hang-once  the first process to reach its third request never
#              answers it (and never applies it)                     -> vortex replaces it, passes
#   garbage    the first process to reach its third request answers
#              a line that is not JSON                               -> vortex exits 16
#   silent     never answers                                         -> vortex exits 17
# Usage: register-file-driver.py DIRECTORY MODE <cluster> <addresses>
import fcntl
import json
import os
import sys
import time

directory, mode = sys.argv[1], sys.argv[2]
store = os.path.join(directory, "registers.json")
cache = {}


def claimed(name):
    """True for the first process that claims `name` in the directory."""
    try:
        os.close(os.open(os.path.join(directory, name), os.O_CREAT | os.O_EXCL))
        return True
    except FileExistsError:
        return False


def execute(request):
    key = str(request["key"])
    if mode == "stale" and request["op"] == "read" and key in cache:
        return {"type": "ok", "value": cache[key]}
    with open(store, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        text = handle.read()
        registers = json.loads(text) if text else {}
        reply = {"type": "ok"}
        if request["op"] == "read":
            reply["value"] = registers.get(key)
        elif request["op"] == "write":
            registers[key] = request["value"]
        elif registers.get(key) == request["from"]:
            registers[key] = request["to"]
        else:
            reply = {"type": "fail"}
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(registers))
    if reply["type"] == "ok":
        cache[key] = reply.get("value", registers.get(key))
    return reply


for count, line in enumerate(sys.stdin, start=1):
    request = json.loads(line)
    if mode == "silent" or (count == 3 and mode == "hang-once" and claimed("hung")):
        time.sleep(3600)
    if count == 3 and mode == "garbage" and claimed("garbage"):
        print("this is not json", flush=True)
        continue
    print(json.dumps(execute(request)), flush=True)
