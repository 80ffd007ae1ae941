// Whole-tool tests of the built `vortex` CLI. Placeholder until the harness lands.
