import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { parse } from 'csv-parse'

/** One line of the input: its number (1-based) and the record it holds, or why it holds none. */
export type Line = { line: number; record: unknown } | { line: number; error: string; text: string }

export type Format = 'ndjson' | 'csv'

/** The format of a file from its name: `.csv` is CSV; `.ndjson`, `.jsonl` and `.json` are NDJSON. */
export function formatOf(file: string): Format {
  if (/\.csv$/i.test(file)) return 'csv'
  if (/\.(nd)?jsonl?$|\.ndjson$/i.test(file)) return 'ndjson'
  throw new Error(`${file}: cannot tell the format from the name (use .ndjson, .jsonl or .csv, or --format)`)
}

/** NDJSON: one JSON object per line; blank lines are skipped. */
async function* ndjson(file: string): AsyncGenerator<Line> {
  let line = 0
  for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY })) {
    line++
    if (!text.trim()) continue
    try {
      yield { line, record: JSON.parse(text) }
    } catch (error) {
      yield { line, error: `not valid JSON: ${(error as Error).message}`, text }
    }
  }
}

/**
 * CSV with a header row: `id`, and `text` or `vector` (a JSON array), optionally `metadata` (a
 * JSON object) and `owner` (on a collection with owners: the owner, or a JSON array of them);
 * any other column becomes a metadata field (as a string).
 */
async function* csv(file: string): AsyncGenerator<Line> {
  const parser = createReadStream(file).pipe(parse({ columns: true, info: true, skip_empty_lines: true, relax_column_count: true }))
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    const line = info.lines
    try {
      const { id, text, vector, metadata, owner, ...rest } = record
      const parsedMetadata = metadata ? (JSON.parse(metadata) as Record<string, unknown>) : {}
      yield {
        line,
        record: {
          id,
          ...(text ? { text } : {}),
          ...(vector ? { vector: JSON.parse(vector) as unknown } : {}),
          metadata: { ...rest, ...parsedMetadata },
          ...(owner ? { owner: owner.startsWith('[') ? (JSON.parse(owner) as unknown) : owner } : {}),
        },
      }
    } catch (error) {
      yield { line, error: `a JSON column is not valid JSON: ${(error as Error).message}`, text: JSON.stringify(record) }
    }
  }
}

/** The lines of a file, parsed. */
export function readLines(file: string, format: Format = formatOf(file)): AsyncGenerator<Line> {
  return format === 'csv' ? csv(file) : ndjson(file)
}
