/** A double-quoted SQL identifier. Registry names are already restricted to [a-z0-9_]. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A single-quoted SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}
