// ProcessControl tests: placeholder.
