"""Hài Lòng: the platform side — settings, storage, channels, workers and wiring."""
