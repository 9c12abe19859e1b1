import type http from 'node:http';

/**
 * For the bench's own servers (the relay, the AI SDK peer): answers 404 unless `req` is
 * `POST /api/chat/stream`, 400 to a body that is not JSON, else hands the parsed body to `stream`.
 */
export function onChatStreamRequest<T>(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  stream: (body: T) => void,
): void {
  if (req.method !== 'POST' || req.url !== '/api/chat/stream') {
    res.writeHead(404);
    return void res.end();
  }
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (text: string) => (raw += text));
  req.on('end', () => {
    let body: T;
    try {
      body = JSON.parse(raw) as T;
    } catch {
      res.writeHead(400);
      return void res.end();
    }
    stream(body);
  });
}
