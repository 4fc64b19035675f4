"""The Flask extensions, created unbound and initialised in create_app()."""

from datetime import UTC, datetime

from flask import g, has_request_context
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime, MetaData, Select, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

from academy.rate_limits import AcademyLimiter

# Named constraints let Alembic alter and drop them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


REPLICA = "replica"  # the bind key of ACADEMY_REPLICA_URL's engine


class Session(FlaskSession):
    """Reads of a view marked @reads_replica go to the read replica when one is configured.

    Only plain SELECTs outside a flush: writes (an export's audit row, the report cache's
    version tokens) and everything else still go to the primary.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (
            bind is None
            and isinstance(clause, Select)
            and not self._flushing
            and has_request_context()
            and g.get("reads_replica")
        ):
            replica = self._db.engines.get(REPLICA)
            if replica is not None:
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate(compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = AcademyLimiter(key_func=lambda: _client_address(), default_limits=[])


def _client_address() -> str:
    from flask import request

    return request.remote_addr or "unknown"
