#!/usr/bin/env node
// hostile-server.mjs: an HTTP/1.1 server on loopback that misbehaves on
// purpose, for the smoke-test end-to-end tests. Node only, no packages.
//
//   node hostile-server.mjs [--port N] [--port-file FILE]
//
// Listens on 127.0.0.1 (port 0: the kernel picks), writes the port to FILE
// once listening, and logs one line per request on stdout. Routes:
//
//   /ok                     200 "ok"
//   /status/CODE            that status, body "status CODE"
//   /delay/MS               200 JSON after MS milliseconds
//   /echo                   200 JSON {method, url, headers, body} of the request
//   /hang                   reads the request, never answers
//   /hang-after-headers     200 with Content-Length: 1024, then nothing
//   /drip?ms=N              200 with Content-Length: 64, one byte every N ms
//                           (default 1000)
//   /reset                  200 with Content-Length: 100000, 1000 bytes, then
//                           a TCP reset (RST) mid-body
//   /gigabyte               200 with Content-Length: 1 GiB, streamed (with
//                           back-pressure) until the client goes away
//   /gigabyte-chunked       chunked, no length, endless: streams until the
//                           client goes away
//   /redirect-loop          302 -> /redirect-loop-b -> /redirect-loop ...
//   /garbage                a reply that is not HTTP, then close
//   /huge-headers           one 200 KB header line
//   /flap                   503 and 200 in turn (the first answer is 503)
//   /once-503?key=K         503 the first time for each K, then 200
//   /stats                  JSON: requests per path, bytes sent by the
//                           gigabyte routes, connections open now and
//                           accepted in all, most requests in flight at once
//                           (/stats itself not counted); ?reset=1 zeroes them
//
// It exits on SIGTERM or SIGINT.
import http from 'node:http';
import fs from 'node:fs';

const args = process.argv.slice(2);
let port = 0;
let portFile = null;
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--port') port = Number(args[++i]);
	else if (args[i] === '--port-file') portFile = args[++i];
	else {
		process.stderr.write(`hostile-server: unknown argument '${args[i]}'\n`);
		process.exit(2);
	}
}

let hits = {};
let bigBytes = 0;
let open = 0;
let accepted = 0;
let inflight = 0;
let maxInflight = 0;
let flaps = 0;
const seen = new Set();
const chunk = Buffer.alloc(64 * 1024, 'x');

function stream(res, remaining) {
	// Writes until the client stops reading or goes away, never buffering
	// more than one chunk: the server's memory stays flat.
	const pump = () => {
		while (remaining > 0 && !res.destroyed) {
			const n = Math.min(remaining, chunk.length);
			remaining -= n;
			bigBytes += n;
			if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
				res.once('drain', pump);
				return;
			}
		}
		if (remaining <= 0) res.end();
	};
	pump();
}

function route(req, res, body) {
	const url = new URL(req.url, 'http://x');
	const p = url.pathname;
	hits[p] = (hits[p] || 0) + 1;
	let m;
	if (p === '/ok') {
		res.writeHead(200, { 'content-type': 'text/plain' });
		res.end('ok');
	} else if ((m = /^\/status\/(\d{3})$/.exec(p))) {
		res.writeHead(Number(m[1]), { 'content-type': 'text/plain' });
		res.end(`status ${m[1]}`);
	} else if ((m = /^\/delay\/(\d+)$/.exec(p))) {
		setTimeout(() => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ delayed: Number(m[1]) }));
		}, Number(m[1]));
	} else if (p === '/echo') {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({
			method: req.method, url: req.url, headers: req.headers,
			body: body.toString('utf8'),
		}));
	} else if (p === '/hang') {
		// the socket stays open until the client gives up
	} else if (p === '/hang-after-headers') {
		res.writeHead(200, { 'content-type': 'text/plain',
			'content-length': '1024' });
		res.flushHeaders();
	} else if (p === '/drip') {
		const ms = Number(url.searchParams.get('ms') || 1000);
		res.writeHead(200, { 'content-type': 'text/plain',
			'content-length': '64' });
		res.flushHeaders();
		let sent = 0;
		const t = setInterval(() => {
			if (res.destroyed || sent >= 64) {
				clearInterval(t);
				if (!res.destroyed) res.end();
				return;
			}
			res.write('.');
			sent++;
		}, ms);
		res.on('close', () => clearInterval(t));
	} else if (p === '/reset') {
		res.writeHead(200, { 'content-type': 'text/plain',
			'content-length': '100000' });
		res.write(Buffer.alloc(1000, 'r'));
		setTimeout(() => req.socket.resetAndDestroy(), 100);
	} else if (p === '/gigabyte') {
		res.writeHead(200, { 'content-type': 'application/octet-stream',
			'content-length': String(1 << 30) });
		stream(res, 1 << 30);
	} else if (p === '/gigabyte-chunked') {
		res.writeHead(200, { 'content-type': 'application/octet-stream' });
		stream(res, Infinity);
	} else if (p === '/redirect-loop' || p === '/redirect-loop-b') {
		res.writeHead(302, { location: p === '/redirect-loop' ?
			'/redirect-loop-b' : '/redirect-loop' });
		res.end();
	} else if (p === '/garbage') {
		req.socket.end('SSH-2.0-OpenSSH_9.2p1 hostile\r\n\r\nnot http at all\r\n');
	} else if (p === '/huge-headers') {
		req.socket.end('HTTP/1.1 200 OK\r\nX-Big: ' + 'a'.repeat(200000) +
			'\r\nContent-Length: 2\r\n\r\nok');
	} else if (p === '/flap') {
		const up = flaps++ % 2 === 1;
		res.writeHead(up ? 200 : 503, { 'content-type': 'text/plain' });
		res.end(up ? 'up' : 'down');
	} else if (p === '/once-503') {
		const key = url.searchParams.get('key') || '';
		const first = !seen.has(key);
		seen.add(key);
		res.writeHead(first ? 503 : 200, { 'content-type': 'text/plain' });
		res.end(first ? 'starting' : 'up');
	} else if (p === '/stats') {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ hits, big_bytes: bigBytes, open, accepted,
			max_inflight: maxInflight }));
		if (url.searchParams.get('reset')) {
			hits = {};
			bigBytes = 0;
			accepted = 0;
			maxInflight = 0;
			flaps = 0;
		}
	} else {
		res.writeHead(404, { 'content-type': 'text/plain' });
		res.end('no such route');
	}
}

const server = http.createServer((req, res) => {
	const parts = [];
	let size = 0;
	req.on('data', (d) => {
		size += d.length;
		if (size <= 1 << 20) parts.push(d);
	});
	const counted = !req.url.startsWith('/stats');
	if (counted) {
		inflight++;
		maxInflight = Math.max(maxInflight, inflight);
		res.on('close', () => inflight--);
	}
	req.on('end', () => {
		console.log(`${new Date().toISOString()} ${req.method} ${req.url}`);
		route(req, res, Buffer.concat(parts));
	});
	res.on('error', () => {});
});
server.keepAliveTimeout = 5000;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.on('connection', (s) => {
	open++;
	accepted++;
	s.on('close', () => open--);
	s.on('error', () => {});
});
server.on('clientError', (e, s) => s.destroy());
server.listen(port, '127.0.0.1', () => {
	const got = server.address().port;
	if (portFile) {
		fs.writeFileSync(portFile + '.tmp', `${got}\n`);
		fs.renameSync(portFile + '.tmp', portFile);
	}
	console.log(`listening on 127.0.0.1:${got}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
	process.on(sig, () => process.exit(0));
}
