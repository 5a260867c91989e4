"""Chat platforms: each adapter verifies, parses and renders; none of them decides anything."""
