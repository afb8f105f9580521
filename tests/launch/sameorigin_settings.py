"""The production settings with framing by the same origin allowed again, as before the launch
hardening: test_32 shows the deploy check then fails on security.W019."""

from apothecary.settings import *  # noqa: F403

X_FRAME_OPTIONS = "SAMEORIGIN"
