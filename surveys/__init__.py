"""Survey engine: versioned definitions, answer parsing, navigation and SIPAS scoring."""
