/**
 * Runs the fake OpenAI server by hand or for the portal's e2e tests:
 *   node -r @swc-node/register tools/fake-openai/src/main.ts --port 8100 --text "Hello there" --token-delay-ms 20
 * Streaming requests get the text; non-streaming ones (data extraction) get `--json` (default `{}`).
 */
import { parseArgs } from 'node:util';
import { startFakeOpenAi } from './lib/fake-openai-server';
import type { FakeReplyScript } from './lib/fake-reply-script';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8100' },
    host: { type: 'string', default: '127.0.0.1' },
    text: { type: 'string' },
    'token-delay-ms': { type: 'string' },
    'first-token-delay-ms': { type: 'string' },
    tick: { type: 'boolean', default: false },
    status: { type: 'string' },
    'stall-after': { type: 'string' },
    'break-after': { type: 'string' },
    json: { type: 'string', default: '{}' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    'Options: --port 8100 --host 127.0.0.1 --text "..." --token-delay-ms N --first-token-delay-ms N --tick\n' +
      '         --status 503 --stall-after N --break-after N --json \'{"name":"Ada"}\'',
  );
  process.exit(0);
}

const num = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

const reply: FakeReplyScript = {
  text: values.text,
  tokenDelayMs: num(values['token-delay-ms']),
  firstTokenDelayMs: num(values['first-token-delay-ms']),
  tickPerToken: values.tick,
  status: num(values.status),
  stallAfterTokens: num(values['stall-after']),
  breakAfterTokens: num(values['break-after']),
};
const extraction: FakeReplyScript = { ...reply, json: JSON.parse(values.json) };

async function main(): Promise<void> {
  const server = await startFakeOpenAi({ port: Number(values.port), host: values.host });
  server.setDefault((body: { stream?: boolean }) => (body?.stream ? reply : extraction));
  console.log(`fake-openai listening on ${server.url}`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
