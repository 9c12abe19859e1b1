import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ChatVisitor, waitFor } from '@chat/test-support';
import { AppLogger } from '../src/logging/app-logger';
import { startApi } from './support/api-server';

describe('request ids in the lines services write', () => {
  it("gives a line written while serving a request that request's id, and a line outside any request none", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const api = await startApi({ OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined });
    // The app's own logger over a pino that writes here: the lines main.ts would print.
    api.app.useLogger(new AppLogger(pino({ level: 'info' }, sink)));
    try {
      const visitor = new ChatVisitor(api.baseUrl);
      for (const message of ['My name is Ana Silva', 'ana.silva@example.com']) {
        await visitor.turn({ message, session_id: 'request-ids' });
      }
      // The turn that completes the lead, under the caller's own request id. Its notification's
      // first attempt runs inside the turn, and the mail module says where the mail went.
      const response = await fetch(`${api.baseUrl}/api/chat/stream`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'gateway.lead-42', ...visitor.headers('request-ids') },
        body: JSON.stringify({ message: "I'm a beginner", session_id: 'request-ids' }),
      });
      expect(response.headers.get('x-request-id')).toBe('gateway.lead-42');
      expect(await response.text()).toContain('"is_complete":true');
      new Logger('Outside').log('not serving a request');
      await waitFor(() => lines.some((line) => line['context'] === 'LeadNotifier'));

      const mailLine = lines.find((line) => line['context'] === 'LeadNotifier');
      expect(mailLine).toMatchObject({ level: 40, reqId: 'gateway.lead-42' });
      expect(String(mailLine?.['msg'])).toMatch(/written to/);
      expect(lines.find((line) => line['context'] === 'Outside')).not.toHaveProperty('reqId');
      // No line of the two earlier requests took this id.
      expect(lines.filter((line) => line['reqId'] === 'gateway.lead-42')).toHaveLength(
        lines.filter((line) => line['reqId'] !== undefined).length,
      );
    } finally {
      await api.close();
    }
  });
});
