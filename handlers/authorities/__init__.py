"""Managing authorities: the tree above the schools (tree.py), what an officer sees (scope.py)."""
