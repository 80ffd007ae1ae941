// VortexHarness: target definitions, cluster layout, fault scheduler, liveness and run wiring.
// Placeholder until the harness lands.
