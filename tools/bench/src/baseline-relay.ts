/**
 * The floor for Node: a minimal `node:http` server that reads the same OpenAI-compatible upstream
 * as the API and relays its tokens as the same SSE frames (`id: n\ndata: json\n\n`). No framework,
 * no validation, no sessions, no lead extraction: what is left is the cost of HTTP, SSE and the
 * upstream stream themselves. Run by the benchmark: PORT=… UPSTREAM_URL=http://127.0.0.1:…/v1
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { onChatStreamRequest } from './chat-request';

const port = Number(process.env['PORT'] ?? 8300);
const upstream = new URL(
  `${process.env['UPSTREAM_URL'] ?? 'http://127.0.0.1:8100/v1'}/chat/completions`,
);
// As the API's: idle sockets kept for the next calls beyond Node's default of 256.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 });
const running = new Map<string, () => void>();

const frame = (id: number, event: object): string =>
  `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`;

function stream(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: { message: string; session_id?: string },
): void {
  const streamId = randomUUID();
  const messageId = randomUUID();
  let id = 0;
  let ended = false;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  res.write(
    frame(++id, {
      type: 'start',
      session_id: body.session_id ?? randomUUID(),
      message_id: messageId,
      stream_id: streamId,
      model: 'bench',
      // What the contract's `start` names since assistants: the relay has one, unversioned.
      assistant_id: 'bench',
      assistant_version: 1,
    }),
  );
  const payload = JSON.stringify({
    model: 'bench',
    stream: true,
    messages: [{ role: 'user', content: body.message }],
    stream_options: { include_usage: true },
  });
  const finish = (reason: string): void => {
    if (ended) return;
    ended = true;
    running.delete(streamId);
    res.end(
      frame(++id, {
        type: 'done',
        message_id: messageId,
        finish_reason: reason,
        data_collected: {},
        is_complete: false,
        missing_fields: [],
      }),
    );
  };
  const up = http.request(upstream, {
    method: 'POST',
    agent,
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      authorization: 'Bearer x',
    },
  });
  running.set(streamId, () => {
    up.destroy();
    finish('cancelled');
  });
  res.on('close', () => {
    if (!ended) up.destroy();
  });
  up.on('error', () => finish('error'));
  up.on('response', (upRes) => {
    upRes.setEncoding('utf8');
    let buffered = '';
    upRes.on('data', (text: string) => {
      buffered += text;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!line.startsWith('data: ')) continue;
        const data = line.slice(6);
        if (data === '[DONE]') continue;
        const content = JSON.parse(data).choices?.[0]?.delta?.content;
        if (content) res.write(frame(++id, { type: 'chunk', content }));
      }
    });
    upRes.on('end', () => finish('stop'));
  });
  up.end(payload);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/health') return void res.end('{"status":"ok"}');
  const cancel =
    req.method === 'POST' && /^\/api\/chat\/streams\/([^/]+)\/cancel$/.exec(req.url ?? '');
  if (cancel) {
    const stop = running.get(cancel[1]);
    stop?.();
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ stream_id: cancel[1], cancelled: stop !== undefined }));
  }
  onChatStreamRequest(req, res, (body: { message: string; session_id?: string }) =>
    stream(req, res, body),
  );
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`baseline relay listening on ${port}`));
process.once('SIGTERM', () => process.exit(0));
