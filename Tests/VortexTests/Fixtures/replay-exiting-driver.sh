#!/bin/sh
# A driver that exits a second after it starts, without answering: the run it drives fails with
# 10 (driver exited early) after its tick loop has started, which the replay bad-input tests need
# (a driver that exits at once can end the run before its faults begin).
# Usage: replay-exiting-driver.sh <cluster> <addresses>
sleep 1
exit 0
