"""Fakes at the boundaries: stand-ins for the platforms the bot talks to."""
