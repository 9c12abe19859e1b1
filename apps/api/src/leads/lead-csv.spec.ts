import { parse } from 'csv-parse/sync';
import type { LeadSummary } from '@chat/contracts';
import { leadsCsv } from './lead-csv';

async function* leadsOf(...fields: Record<string, string>[]): AsyncGenerator<LeadSummary> {
  for (const [index, data] of fields.entries()) {
    yield {
      id: `id-${index}`,
      session_id: `s-${index}`,
      assistant_id: 'trading-education',
      state: 'complete',
      fields: data,
      notification_status: 'sent',
      created_at: '2026-11-28T09:00:00.000000Z',
      updated_at: '2026-11-28T09:00:00.000000Z',
      completed_at: null,
      stage: 'qualified',
      owner: index === 0 ? 'agent@example.com' : null,
      tags: index === 0 ? ['callback', 'vip'] : [],
      unread: true,
    };
  }
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describe('leadsCsv', () => {
  it('writes UTF-8 with a BOM, a header row, escaped cells, and formulas as text', async () => {
    const csv = await text(
      leadsCsv(
        leadsOf(
          { name: 'José "Pepe" Núñez, Jr.', goals: 'line one\nline two' },
          {
            name: '=HYPERLINK("https://evil.example","click")',
            email: '+1 555',
            goals: '-5%',
            phone: '@SUM(A1)',
          },
        ),
        ['name', 'email', 'phone', 'goals'],
      ),
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows: string[][] = parse(csv.slice(1), { relax_column_count: false });
    expect(rows[0]).toEqual([
      'lead_id',
      'session_id',
      'state',
      'notification_status',
      'created_at',
      'completed_at',
      'assistant_id',
      'stage',
      'owner',
      'tags',
      'name',
      'email',
      'phone',
      'goals',
    ]);
    expect(rows[1].slice(6, 10)).toEqual([
      'trading-education',
      'qualified',
      'agent@example.com',
      'callback vip',
    ]);
    expect(rows[2].slice(8, 10)).toEqual(['', '']);
    expect(rows[1].slice(10)).toEqual(['José "Pepe" Núñez, Jr.', '', '', 'line one\nline two']);
    // A spreadsheet would run these; prefixed with a quote, they stay text.
    expect(rows[2].slice(10)).toEqual([
      `'=HYPERLINK("https://evil.example","click")`,
      `'+1 555`,
      `'@SUM(A1)`,
      `'-5%`,
    ]);
    expect(rows).toHaveLength(3);
  });

  it('quotes a cell holding a lone carriage return, which a spreadsheet would take for a line end', async () => {
    const csv = await text(
      leadsCsv(leadsOf({ name: 'Ada\rLovelace', goals: 'one\r' }), ['name', 'goals']),
    );
    const [, row] = csv.slice(1).split('\r\n');
    expect(row.endsWith(',"Ada\rLovelace","one\r"')).toBe(true);
    // Read back by a parser that, like spreadsheets, ends a record at a bare CR too: one row, intact.
    const rows: string[][] = parse(csv.slice(1), { record_delimiter: ['\r\n', '\r', '\n'] });
    expect(rows).toHaveLength(2);
    expect(rows[1].slice(10)).toEqual(['Ada\rLovelace', 'one\r']);
  });
});
