/**
 * The peer a user would pick instead of the product: a chat server built the way the AI SDK
 * documents it (its "Node.js HTTP Server" recipe) — `ai` 7 `streamText` on an OpenAI-compatible
 * provider, `result.pipeUIMessageStreamToResponse(res)`, Node's `http`. It reads the same
 * upstream as the API and answers with the AI SDK's UI message stream (SSE `data: {json}` parts,
 * then `data: [DONE]`). It takes the bench's request (`{ message, session_id }`) or the AI SDK
 * client's (`{ messages }`); no sessions, storage or lead extraction: what a peer does per turn.
 * Run by the benchmark: PORT=… UPSTREAM_URL=http://127.0.0.1:…/v1
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { convertToModelMessages, streamText, type UIMessage } from 'ai';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { onChatStreamRequest } from './chat-request';

const port = Number(process.env['PORT'] ?? 8400);
const provider = createOpenAICompatible({
  name: 'bench',
  baseURL: process.env['UPSTREAM_URL'] ?? 'http://127.0.0.1:8100/v1',
  apiKey: 'x',
  includeUsage: true,
});
const model = provider.chatModel('bench');

async function chat(body: { message?: string; messages?: UIMessage[] }, res: http.ServerResponse) {
  const messages: UIMessage[] = body.messages ?? [
    { id: randomUUID(), role: 'user', parts: [{ type: 'text', text: body.message ?? '' }] },
  ];
  const result = streamText({ model, messages: await convertToModelMessages(messages) });
  result.pipeUIMessageStreamToResponse(res);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/health') return void res.end('{"status":"ok"}');
  onChatStreamRequest(req, res, (body: { message?: string; messages?: UIMessage[] }) =>
    chat(body, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    }),
  );
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`AI SDK peer listening on ${port}`));
process.once('SIGTERM', () => process.exit(0));
