import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNotification } from '../../source/adapters/notify.js';

describe('webhook notifications', () => {
  const received: Array<{ url: string; authorization?: string; body: string }> = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ url: request.url ?? '', authorization: request.headers.authorization, body });
      response.writeHead(request.url?.startsWith('/fail') ? 500 : 204).end();
    });
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends credentials of the URL as basic authorization, and prints only the host', async () => {
    const said = await runNotification({ webhook: `http://hook-user:hook%40secret@127.0.0.1:${port}/hook?token=abc123` }, { deployment: 7 }, '/');
    expect(said).toBe(`notified: webhook on 127.0.0.1:${port} answered 204`);
    const last = received.at(-1)!;
    expect(last.url).toBe('/hook?token=abc123');
    expect(Buffer.from(last.authorization!.replace('Basic ', ''), 'base64').toString()).toBe('hook-user:hook@secret');
    expect(JSON.parse(last.body)).toEqual({ deployment: 7 });
  });

  it('a failure names the host and why, never the credentials, path or token', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await runNotification({ webhook: `http://user:hooksecret@127.0.0.1:${closedPort}/hook?token=abc123` }, {}, '/');
    expect(refused).toBe(`notification FAILED: webhook on 127.0.0.1:${closedPort}: ECONNREFUSED (connection refused)`);
    // fetch refuses some ports itself, with the URL in its message.
    const badPort = await runNotification({ webhook: 'https://user:hooksecret@127.0.0.1:9/hook?token=abc123' }, {}, '/');
    expect(badPort).toBe('notification FAILED: webhook on 127.0.0.1:9: fetch failed: bad port');
    const answered = await runNotification({ webhook: `http://user:hooksecret@127.0.0.1:${port}/fail?token=abc123` }, {}, '/');
    expect(answered).toBe(`notification FAILED: webhook on 127.0.0.1:${port} answered 500`);
    for (const line of [refused, badPort, answered]) {
      expect(line).not.toMatch(/hooksecret|abc123|user|\/hook|\/fail/);
    }
  });
});
