# PostgreSQL 15 with pgBackRest (Debian's package), for deploy/compose: the database container
# archives its WAL with it and the `backup` container takes the scheduled backups with it.
FROM postgres:15
RUN apt-get update \
    && apt-get install -y --no-install-recommends pgbackrest ca-certificates openssl \
    && rm -rf /var/lib/apt/lists/*
