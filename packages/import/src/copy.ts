// PostgreSQL's binary COPY format, for the importer's rows: no number is turned into text on
// either side (pgvector reads a vector's binary form directly).

/** The file header of a binary COPY stream: signature, flags, header extension length. */
export const COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)])
/** The trailer: a field count of -1. */
export const COPY_TRAILER = Buffer.from([0xff, 0xff])

/**
 * One row in binary COPY format: `ord` (int4, when given: the staging table's), `id` (text),
 * `vec` (pgvector's binary form: int16 dims, int16 unused, float4 each) and `metadata` (jsonb:
 * version 1, then the JSON text), and for the staging table of a collection with owners `owner`
 * (jsonb: a string or an array of them).
 */
export function copyRow(id: string, vector: number[], metadata: Record<string, unknown>, ord?: number, owner?: string | string[]): Buffer {
  const idBytes = Buffer.from(id, 'utf8')
  const json = Buffer.from(JSON.stringify(metadata), 'utf8')
  const ownerJson = owner === undefined ? undefined : Buffer.from(JSON.stringify(owner), 'utf8')
  const fields = (ord === undefined ? 3 : 4) + (ownerJson ? 1 : 0)
  const size = 2 + (ord === undefined ? 0 : 8) + 4 + idBytes.length + 4 + 4 + vector.length * 4 + 4 + 1 + json.length + (ownerJson ? 5 + ownerJson.length : 0)
  const out = Buffer.allocUnsafe(size)
  let at = out.writeInt16BE(fields, 0)
  if (ord !== undefined) {
    at = out.writeInt32BE(4, at)
    at = out.writeInt32BE(ord, at)
  }
  at = out.writeInt32BE(idBytes.length, at)
  at += idBytes.copy(out, at)
  at = out.writeInt32BE(4 + vector.length * 4, at)
  at = out.writeInt16BE(vector.length, at)
  at = out.writeInt16BE(0, at)
  for (const x of vector) at = out.writeFloatBE(x, at)
  at = out.writeInt32BE(1 + json.length, at)
  at = out.writeUInt8(1, at)
  at += json.copy(out, at)
  if (ownerJson) {
    at = out.writeInt32BE(1 + ownerJson.length, at)
    at = out.writeUInt8(1, at)
    ownerJson.copy(out, at)
  }
  return out
}
