// vortex-driver-etcd: the ledger driver for the etcd target. Placeholder until it lands.
