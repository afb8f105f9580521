"""The launch tests of LAUNCH-TESTS.md, one module per number (test_NN_*.py); docs/security.md
maps each number to its test. Fault and load tests end with invariants.check_invariants."""
