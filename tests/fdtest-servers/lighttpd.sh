#!/bin/sh
# lighttpd in the foreground on 127.0.0.1:$1 with its default keep-alive settings, serving a small
# file; its files in the dir $2 (default: a new temp dir).
# For: muxkit fdtest --protocol http -- tests/fdtest-servers/lighttpd.sh {port}
set -e
PATH="$PATH:/usr/sbin"
dir="${2:-$(mktemp -d)}"
mkdir -p "$dir/www" && echo hello > "$dir/www/index.html"
cat > "$dir/lighttpd.conf" <<EOF
server.document-root = "$dir/www"
server.bind = "127.0.0.1"
server.port = $1
server.pid-file = "$dir/lighttpd.pid"
index-file.names = ( "index.html" )
EOF
exec lighttpd -D -f "$dir/lighttpd.conf"
