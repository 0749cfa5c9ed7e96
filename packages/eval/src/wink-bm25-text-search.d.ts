// The part of wink-bm25-text-search's API (a CommonJS module without types) that vecpods uses.
declare module 'wink-bm25-text-search' {
  interface WinkBM25 {
    defineConfig(config: { fldWeights: Record<string, number>; bm25Params?: { k1?: number; b?: number; k?: number } }): boolean
    definePrepTasks(tasks: Array<(input: string) => string[] | string>, field?: string): number
    addDoc(doc: Record<string, string>, id: string): number
    consolidate(freqPrecision?: number): boolean
    search(text: string, limit?: number): Array<[string, number]>
  }
  function bm25(): WinkBM25
  export default bm25
}
