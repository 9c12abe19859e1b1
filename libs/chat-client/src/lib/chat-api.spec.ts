import { TestBed } from '@angular/core/testing';
import { json, ScriptedServer } from '@chat/test-support';
import { API_BASE_URL } from './api-config';
import { provideChatHttp } from './api-error-interceptor';
import { ChatApi } from './chat-api';
import { ApiRequestError } from './chat-error';

describe('ChatApi REST calls', () => {
  let server: ScriptedServer;
  let api: ChatApi;

  beforeEach(async () => {
    server = await new ScriptedServer().start();
    TestBed.configureTestingModule({ providers: [provideChatHttp(), { provide: API_BASE_URL, useValue: server.url }] });
    api = TestBed.inject(ChatApi);
  });

  afterEach(() => server.stop());

  async function failure(call: Promise<unknown>): Promise<ApiRequestError> {
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiRequestError);
    return error as ApiRequestError;
  }

  it("maps the contract's error body, with Retry-After, to an error the reader can act on", async () => {
    server.on('GET /api/chat/profile', (_req, res) =>
      json(res, 429, { statusCode: 429, code: 'rate_limited', message: 'Too many requests' }, { 'Retry-After': '7' }),
    );
    const error = await failure(api.getProfile());
    expect(error.status).toBe(429);
    expect(error.chatError).toEqual(expect.objectContaining({ code: 'rate_limited', retryable: true, retryAfterSeconds: 7 }));
  });

  it('reads a body that is not ours by its status', async () => {
    server.on('POST /api/chat/streams/s1/cancel', (_req, res) => {
      res.statusCode = 502;
      res.end('<html>Bad gateway</html>');
    });
    const error = await failure(api.cancelStream('s1', 'token-1'));
    expect(error.chatError.code).toBe('internal_error');
  });

  it('answers null for a session the server does not know', async () => {
    server.on('GET /api/chat/sessions/abc', (_req, res) =>
      json(res, 404, { statusCode: 404, code: 'not_found', message: 'Unknown session' }),
    );
    await expect(api.getSession('abc', null)).resolves.toBeNull();
  });

  it('sends the session token with every call about the session', async () => {
    const seen: (string | undefined)[] = [];
    server.on('GET /api/chat/sessions/abc', (req, res) => {
      seen.push(req.headers['x-session-token'] as string | undefined);
      json(res, 404, { statusCode: 404, code: 'not_found', message: 'Unknown session' });
    });
    server.on('POST /api/chat/streams/s1/cancel', (req, res) => {
      seen.push(req.headers['x-session-token'] as string | undefined);
      json(res, 200, { stream_id: 's1', cancelled: true });
    });
    await api.getSession('abc', 'token-1');
    await api.cancelStream('s1', 'token-1');
    await api.getSession('abc', null);
    expect(seen).toEqual(['token-1', 'token-1', undefined]);
  });

  it('reports an unreachable server as a network error', async () => {
    await server.stop();
    const error = await failure(api.getProfile());
    expect(error.status).toBe(0);
    expect(error.chatError.code).toBe('network_error');
    server = await new ScriptedServer().start();
  });
});
