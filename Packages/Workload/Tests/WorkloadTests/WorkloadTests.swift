// Tests for Workload: placeholder until the package lands.
