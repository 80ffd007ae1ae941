// Tests for Netem: placeholder until the package lands.
