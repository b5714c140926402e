#!/bin/sh
# Runs once, when the postgres image initialises an empty data directory (as the superuser
# POSTGRES_USER). The services connect as `relais`, an ordinary role that owns its database
# and schemas but is no superuser: the migrate job hands the audit log to its own owner role
# with the superuser URL, and the services can then only append to it and read it.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v app_password="$RELAIS_PG_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE relais LOGIN PASSWORD %L', :'app_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'relais') \gexec
SELECT 'CREATE DATABASE relais OWNER relais'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'relais') \gexec
SQL
