import { splitWords } from '@chat/fake-openai';

const PROSE =
  'Momentum strategies buy assets that have risen and sell those that have fallen, on the idea that trends persist for a while. ' +
  'Position sizing keeps any single loss small, and a written plan stops a trader from improvising when markets move fast. ';

const CODE = [
  '```typescript',
  'export function movingAverage(prices: number[], window: number): number[] {',
  '  const result: number[] = [];',
  '  let sum = 0;',
  '  for (let i = 0; i < prices.length; i++) {',
  '    sum += prices[i];',
  '    if (i >= window) sum -= prices[i - window];',
  '    if (i >= window - 1) result.push(sum / window); // average of the last `window` prices',
  '  }',
  '  return result;',
  '}',
  '```',
].join('\n');

const TABLE = [
  '| Indicator | Signal | Typical window |',
  '| --- | --- | --- |',
  '| Moving average | Trend direction | 20-200 days |',
  '| RSI | Overbought or oversold | 14 days |',
  '| MACD | Momentum shifts | 12/26/9 days |',
].join('\n');

/** A long markdown reply (prose, lists, code blocks, tables) cut into about `count` word tokens. */
export function benchTokens(count: number): string[] {
  const tokens: string[] = [];
  for (let section = 1; tokens.length < count; section++) {
    const text = [
      `## Part ${section}: trading ideas`,
      '',
      PROSE + PROSE,
      '',
      '- Define the entry rule before the trade',
      '- Size the position from the stop distance',
      '- **Review** every trade in a journal',
      '',
      CODE,
      '',
      TABLE,
      '',
      `Section ${section} ends with a [link to the course](https://example.com/course/${section}).`,
      '',
      '',
    ].join('\n');
    tokens.push(...splitWords(text));
  }
  return tokens.slice(0, count);
}
