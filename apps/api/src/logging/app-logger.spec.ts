import { Writable } from 'node:stream';
import pino from 'pino';
import { AppLogger } from './app-logger';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: new AppLogger(pino({ level }, sink)), lines };
}

describe('AppLogger', () => {
  it('writes JSON lines with the message, its context and the fields of an object given first', async () => {
    const { logger, lines } = capture();
    logger.log('Listening', 'Bootstrap');
    logger.error({ err: new Error('boom'), streamId: 's-1' }, 'Turn failed', 'ChatService');
    logger.debug('not at info level', 'ChatService');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'Listening', context: 'Bootstrap' });
    expect(lines[1]).toMatchObject({ level: 50, msg: 'Turn failed', context: 'ChatService', streamId: 's-1' });
    expect(lines[1]['err']).toMatchObject({ message: 'boom' });
  });

  it("keeps the stack of Nest's exception handlers' (message, stack, context) calls", async () => {
    const { logger, lines } = capture();
    logger.error('Kaput', 'Error: Kaput\n    at somewhere (x.js:1:1)', 'ExceptionsHandler');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ context: 'ExceptionsHandler', err: { message: 'Kaput' } });
    expect(String((lines[0]['err'] as { stack: string }).stack)).toContain('at somewhere');
  });
});
