#!/usr/bin/env bash
# ci-postgres.sh: install PostgreSQL from Debian's packages (if missing),
# start it on 127.0.0.1, create the faqbot test user and database, and print
# the line that points the store tests at it:
#
#   eval "$(scripts/ci-postgres.sh)"   # sets FAQBOT_TEST_POSTGRES_DSN
#   go test -race ./store/
#
# Idempotent: running it again with the server up only prints the line.
# Everything but the export line goes to stderr. Needs root or sudo.
# Environment: FAQBOT_PG_PORT (default 5432).
set -euo pipefail

port="${FAQBOT_PG_PORT:-5432}"
user=faqbot_test
password=faqbot_test
db=faqbot_test

log() { echo "ci-postgres: $*" >&2; }

if [ "$(id -u)" -eq 0 ]; then
	sudo=()
	as_postgres=(runuser -u postgres --)
else
	sudo=(sudo)
	as_postgres=(sudo -u postgres)
fi

if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
	log "installing postgresql from Debian packages"
	export DEBIAN_FRONTEND=noninteractive
	if ! "${sudo[@]}" apt-get install -y --no-install-recommends postgresql >&2; then
		"${sudo[@]}" apt-get update >&2
		"${sudo[@]}" apt-get install -y --no-install-recommends postgresql >&2
	fi
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
bin="/usr/lib/postgresql/$version/bin"

# The package creates the "main" cluster unless told not to.
if ! pg_lsclusters --no-header 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
	log "creating cluster $version/main on port $port"
	"${sudo[@]}" pg_createcluster --port "$port" "$version" main >&2
fi
cluster_port="$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"
if [ "$cluster_port" != "$port" ]; then
	log "cluster $version/main listens on port $cluster_port, not $port: using $cluster_port"
	port="$cluster_port"
fi

if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
	log "starting PostgreSQL $version on 127.0.0.1:$port"
	"${sudo[@]}" pg_ctlcluster "$version" main start -o "-c listen_addresses=127.0.0.1" >&2 ||
		"${sudo[@]}" pg_ctlcluster "$version" main start >&2
	for _ in $(seq 1 60); do
		"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
		sleep 0.5
	done
	"$bin/pg_isready" -h 127.0.0.1 -p "$port" >&2
fi

psql=("${as_postgres[@]}" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres)
"${psql[@]}" -c "DO \$\$ BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
		CREATE ROLE $user LOGIN PASSWORD '$password';
	END IF;
END \$\$;" >&2
if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
	log "creating database $db"
	"${psql[@]}" -c "CREATE DATABASE $db OWNER $user" >&2
fi

echo "export FAQBOT_TEST_POSTGRES_DSN='postgres://$user:$password@127.0.0.1:$port/$db?sslmode=disable'"
