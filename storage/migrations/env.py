"""Alembic environment: the URL comes from storage.db (DATABASE_URL or the default)."""

from alembic import context
from sqlalchemy import create_engine

from storage.db import _sqlite_pragmas
from storage.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")


def run_migrations_online() -> None:
    engine = create_engine(url)
    if url.startswith("sqlite"):
        from sqlalchemy import event
        event.listen(engine, "connect", _sqlite_pragmas)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
