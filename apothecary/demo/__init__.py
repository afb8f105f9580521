"""The B12 Patch demo: its copy in data/, the code that builds it, and `seed_demo`.

The roof of the project: it imports every app it builds for, and nothing imports it."""
