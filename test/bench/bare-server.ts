/** The baseline for the webhook benchmark: reads the body and answers 200, nothing else. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('OK');
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`));
