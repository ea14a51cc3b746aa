#!/bin/sh
# Apache (event MPM, its default settings) in the foreground on 127.0.0.1:$1, serving a small file; its
# files in the dir $2 (default: a new temp dir).
# For: muxkit fdtest --protocol http -- tests/fdtest-servers/apache2.sh {port}
set -e
PATH="$PATH:/usr/sbin"
dir="${2:-$(mktemp -d)}"
mkdir -p "$dir/www" && echo hello > "$dir/www/index.html"
modules=/usr/lib/apache2/modules
cat > "$dir/apache2.conf" <<EOF
ServerRoot "$dir"
ServerName localhost
Listen 127.0.0.1:$1
PidFile "$dir/apache2.pid"
Mutex file:$dir
ErrorLog /dev/stderr
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule dir_module $modules/mod_dir.so
LoadModule mime_module $modules/mod_mime.so
TypesConfig /dev/null
$( [ "$(id -u)" = 0 ] && printf 'User nobody\nGroup nogroup\n' )
DocumentRoot "$dir/www"
<Directory "$dir/www">
    Require all granted
</Directory>
DirectoryIndex index.html
EOF
exec apache2 -f "$dir/apache2.conf" -DFOREGROUND
