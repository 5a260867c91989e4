"""The stored data: typed SQLAlchemy 2 models, one module per area, one table per concept.

Each area imports the areas its foreign keys name, so importing one maps just what it needs;
`bot.models.schema` maps them all.
"""
