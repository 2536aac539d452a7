// Package pgcluster runs the project-private PostgreSQL + PostGIS cluster that spatlas uses when
// DATABASE_URL is not set.
//
// The cluster lives in one folder of the checkout (by default .spatlas/pg, which git ignores):
//
//	data/  the data directory made by initdb
//	run/   the unix socket directory; the server listens on no TCP port
//	log    the server log
//	lock   serialises spatlas processes that start, stop or create databases in the cluster
//
// Start finds the PostgreSQL server (15 or later) and PostGIS among the Debian packages, installs
// them with apt-get when they are missing and the process runs as root, runs initdb once, starts the
// server unless it is already running, and makes sure the database "spatlas" exists with the
// postgis extension. It returns a connection URL for pgx. PostgreSQL refuses to run as root, so a
// root process runs the server as the unprivileged system user "spatlas", which it creates when
// missing; any other user runs the server as itself. Local socket connections are trusted; the
// socket and the folder are readable by the server's user (and root) only.
//
// Stop, Running and CreateDB do what they say; all of them are safe to call repeatedly and from
// several processes at once.
//
// # Files
//
// cluster.go holds the exported API and the folder layout; server.go finds or installs the
// server, prepares the account and folders the server runs with, runs initdb and starts it;
// config.go writes spatlas.conf, sized to the machine's memory and /dev/shm; process.go
// finds the server's processes and clears stale ones before a start.
package pgcluster
