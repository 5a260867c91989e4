"""Every table: the whole schema, for the migrations and for what walks every table."""

from bot.db import Base
from bot.models import broadcasts, digests, messages, people, schools, service, tickets, waves

# each area maps its tables when imported
AREAS = (schools, people, waves, tickets, broadcasts, messages, digests, service)
metadata = Base.metadata
