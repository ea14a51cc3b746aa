#!/bin/sh
# nginx in the foreground on 127.0.0.1:$1, one worker, serving a small file; its files in the dir $2
# (default: a new temp dir). For: muxkit fdtest --protocol http -- tests/fdtest-servers/nginx.sh {port}
set -e
PATH="$PATH:/usr/sbin"
dir="${2:-$(mktemp -d)}"
mkdir -p "$dir/www" && echo hello > "$dir/www/index.html"
cat > "$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
    server { listen 127.0.0.1:$1; root $dir/www; }
}
EOF
exec nginx -e stderr -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;'
