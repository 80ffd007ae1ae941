#!/bin/sh
# A driver for the sweep tests that fails for one seed: it finds its run's directory from its
# standard error (vortex sends it to <output>/driver.log; a sweep names outputs seed-<n>), and
# for the seed in VORTEX_TEST_FAILING_SEED answers wrongly (sweep-driver.py wrong-status:
# vortex exits 13); every other seed gets the real etcd driver.
# Usage: sweep-seed-driver.sh VORTEX_DIR <cluster> <addresses>
vortex_dir=$1
shift
log=$(readlink /proc/self/fd/2)
case "$log" in
*/seed-"${VORTEX_TEST_FAILING_SEED:-none}"/driver.log)
    exec "$(dirname "$0")/sweep-driver.py" wrong-status "$@"
    ;;
esac
exec "$vortex_dir/vortex-driver-etcd" "$@"
