// Serialising a report while it is read: rows arrive a page of hosts at a time and leave as
// CSV or JSON text, so memory holds one page, never the fleet. The stream is pull-based: the
// next page is read from the database only when the client has taken the previous one.

import 'server-only';
import { rowValues, type Column, type ReportRow } from './columns';
import { csvLine } from './csv';
import type { Tally } from './tally';

export async function* csvChunks(columns: readonly Column<ReportRow>[], batches: AsyncIterable<ReportRow[]>): AsyncGenerator<string> {
  yield csvLine(columns.map((c) => c.key));
  for await (const rows of batches) {
    if (rows.length > 0) yield rows.map((row) => csvLine(rowValues(columns, row))).join('');
  }
}

export interface JsonHead {
  report: string;
  title: string;
  generatedAt: string;
  filters: Record<string, unknown>;
}

/** {"report", …, "columns", "rows": [...], "rowCount", "summary"}: the figures come last, added up on the way. */
export async function* jsonChunks<Summary>(
  head: JsonHead,
  columns: readonly Column<ReportRow>[],
  batches: AsyncIterable<ReportRow[]>,
  tally: Tally<ReportRow, Summary>,
): AsyncGenerator<string> {
  const opening = JSON.stringify({ ...head, columns: columns.map((c) => ({ key: c.key, header: c.header })) });
  yield `${opening.slice(0, -1)},"rows":[`;
  let count = 0;
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    const parts: string[] = [];
    for (const row of rows) {
      tally.add(row);
      parts.push(`${count++ === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`);
    }
    yield parts.join('');
  }
  yield `\n],"rowCount":${count},"summary":${JSON.stringify(tally.result())}}\n`;
}

/**
 * A byte stream over text chunks. The first chunk is read before the stream is handed out, so a
 * failure to start (the database is gone) can still be answered with an error status.
 */
export async function textStream(chunks: AsyncGenerator<string>, onError: (error: unknown) => void): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const first = await chunks.next();
  let pending: IteratorResult<string> | null = first;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = pending ?? (await chunks.next());
          pending = null;
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          onError(error);
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
