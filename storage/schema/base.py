"""The schema's metadata and the column type every time uses."""

from __future__ import annotations

from sqlalchemy import MetaData

from storage.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Every time is stored in UTC (see storage.types).
UTC_TIME = UTCDateTime()
