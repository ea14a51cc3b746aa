// A hello-world server on Node's http module, as its documentation writes one: for
// muxkit fdtest --protocol http -- node tests/fdtest-servers/node_http.js {port}
const http = require('http');
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('hello\n');
}).listen(Number(process.argv[2]), '127.0.0.1');
