import { describe, expect, it } from 'vitest';
import type { Column, ReportRow } from './columns';
import { csvChunks, jsonChunks, textStream } from './stream';

const columns: Column<ReportRow>[] = [
  { key: 'host', header: 'Host' },
  { key: 'vfs', header: 'VFs' },
];

async function* batches(...pages: ReportRow[][]) {
  yield* pages;
}

const countTally = () => {
  let n = 0;
  return { add: () => void n++, result: () => ({ counted: n }) };
};

async function text(chunks: AsyncGenerator<string>) {
  return new Response(await textStream(chunks, () => {})).text();
}

describe('report streams', () => {
  it('writes CSV with the column keys as header, page after page', async () => {
    const csv = await text(csvChunks(columns, batches([{ host: 'a', vfs: 1 }], [], [{ host: 'b,c', vfs: null }])));
    expect(csv).toBe('host,vfs\r\na,1\r\n"b,c",\r\n');
  });

  it('writes JSON that parses, with rowCount and summary after the rows', async () => {
    const head = { report: 'x', title: 'X', generatedAt: '2026-11-24T10:00:00.000Z', filters: { host: 'a' } };
    const json = JSON.parse(await text(jsonChunks(head, columns, batches([{ host: 'a', vfs: 1 }, { host: 'b', vfs: 2 }]), countTally())));
    expect(json).toEqual({ ...head, columns: [{ key: 'host', header: 'Host' }, { key: 'vfs', header: 'VFs' }], rows: [{ host: 'a', vfs: 1 }, { host: 'b', vfs: 2 }], rowCount: 2, summary: { counted: 2 } });
    const empty = JSON.parse(await text(jsonChunks(head, columns, batches(), countTally())));
    expect(empty).toMatchObject({ rows: [], rowCount: 0, summary: { counted: 0 } });
  });

  it('fails before streaming when the first page cannot be read', async () => {
    async function* broken(): AsyncGenerator<string> {
      throw new Error('database gone');
    }
    await expect(textStream(broken(), () => {})).rejects.toThrow('database gone');
  });

  it('reads the next page only when the reader asks for it', async () => {
    let produced = 0;
    async function* counting(): AsyncGenerator<string> {
      for (let i = 0; i < 100; i++) {
        produced++;
        yield `chunk ${i}\n`;
      }
    }
    const reader = (await textStream(counting(), () => {})).getReader();
    await reader.read();
    await new Promise((r) => setImmediate(r));
    expect(produced).toBeLessThanOrEqual(3);
    await reader.cancel();
  });
});
