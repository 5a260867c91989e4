"""Survey engine: versioned definitions, question kinds, the step of a run, and SIPAS scoring."""
