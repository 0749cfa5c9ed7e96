/** A value as a field of PostgreSQL's COPY text format: backslash, tab, newline and CR escaped. */
export function copyField(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!)
}

/** One staging row: order in the batch (the last of an id wins), id, vector text, metadata JSON. */
export function copyRow(ord: number, id: string, vector: number[], metadata: Record<string, unknown>): string {
  return `${ord}\t${copyField(id)}\t[${vector.join(',')}]\t${copyField(JSON.stringify(metadata))}\n`
}
