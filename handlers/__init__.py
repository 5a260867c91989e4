"""What the bot does in each conversation; `handlers.surface` lists it all (routes, jobs, work).

Kept empty so that a command needing one module (`hailong school create` needs handlers.setup)
does not load every feature with it.
"""
