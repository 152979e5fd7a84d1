/** A sheet server far away behind a slow network, for the class site's tests. */
import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * Between the page and EtherCalc: holds every request until ``release()``, then forwards it, and
 * answers the browser's CORS questions itself, as a server far away behind a slow network.
 */
export async function holdingProxy(target: string) {
  let release: () => void = () => undefined;
  const released = new Promise<void>(resolve => (release = resolve));
  let held = 0;
  const server = http.createServer(async (request, response) => {
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
      'Access-Control-Allow-Headers': request.headers['access-control-request-headers'] ?? '*'
    };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, cors).end();
      return;
    }
    const body: Buffer[] = [];
    for await (const piece of request) {
      body.push(piece as Buffer);
    }
    held += 1;
    await released;
    held -= 1;
    const answer = await fetch(target + request.url, {
      method: request.method,
      headers: request.headers['content-type'] ? { 'Content-Type': request.headers['content-type'] } : {},
      body: request.method === 'GET' ? undefined : Buffer.concat(body)
    });
    const type = answer.headers.get('content-type');
    response.writeHead(answer.status, { ...cors, ...(type ? { 'Content-Type': type } : {}) });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held,
    release,
    close: () => new Promise(resolve => server.close(resolve))
  };
}
