// Tests for Supervision: placeholder until the package lands.
