// Tests for FaultProxy: placeholder until the package lands.
