// Tests for ChromeTrace: placeholder until the package lands.
