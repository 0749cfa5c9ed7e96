import { createClient } from '@supabase/supabase-js'
import { createVectorClient, type Filter, type SearchHit, type SearchMeta, type SearchMode, type VecpodsError } from '@vecpods/sdk'
import { html, nothing, render } from 'lit-html'
import { COLLECTIONS, type Collections, type Name, snippet, titleOf } from './collections.ts'
import './style.css'

const supabase = createClient(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_ANON_KEY)
const vecpods = createVectorClient<Collections>({ supabase })
const NAMES = Object.keys(COLLECTIONS) as Name[]
const EXAMPLES = ['parse command line arguments', 'read a file line by line', 'validate an object schema', 'retry a failed request']

type Hit = SearchHit<Collections, Name>
interface Detail {
  hit: Hit
  status: 'loading' | 'done' | 'error'
  row?: Record<string, unknown> | null
  error?: VecpodsError
}

/** The search modes the demo offers: meaning, exact words, or both fused. */
const MODES: Array<[SearchMode, string]> = [
  ['vector', 'Meaning (vector)'],
  ['text', 'Words (full text)'],
  ['hybrid', 'Hybrid (both, fused)'],
]
const SCORE_TITLE: Record<SearchMode, string> = {
  vector: 'similarity score',
  text: 'full-text score (Okapi BM25)',
  hybrid: 'fused score (vector and BM25 arms)',
}

const state = {
  query: '',
  collection: 'all' as 'all' | Name,
  mode: 'vector' as SearchMode,
  pkg: '',
  yearFrom: '',
  status: 'idle' as 'idle' | 'loading' | 'done' | 'error',
  hits: [] as Hit[],
  meta: null as SearchMeta | null,
  error: null as VecpodsError | null,
  roundTripMs: 0,
  selected: -1,
  detail: null as Detail | null,
  catalog: null as null | { offline: string | undefined; model: string; rows: Partial<Record<Name, number>> },
}

let inflight: AbortController | undefined
let debounce: ReturnType<typeof setTimeout> | undefined

function filters(): Filter<Collections[Name]> | undefined {
  const f: Record<string, unknown> = {}
  if (state.pkg.trim()) f.package = { $eq: state.pkg.trim() }
  if (state.yearFrom) f.year = { $gte: Number(state.yearFrom) }
  return Object.keys(f).length ? (f as Filter<Collections[Name]>) : undefined
}

async function search(): Promise<void> {
  inflight?.abort()
  const query = state.query.trim()
  if (!query) {
    Object.assign(state, { status: 'idle', hits: [], meta: null, error: null, selected: -1 })
    return draw()
  }
  const controller = new AbortController()
  inflight = controller
  state.status = 'loading'
  draw()
  const started = performance.now()
  const scope = state.collection === 'all' ? { collections: NAMES } : { collection: state.collection }
  const f = filters()
  const { data, meta, error } = await vecpods.search(query, { ...scope, mode: state.mode, limit: 20, ...(f ? { filters: f } : {}), signal: controller.signal })
  if (controller.signal.aborted) return
  state.roundTripMs = performance.now() - started
  if (error) Object.assign(state, { status: 'error', error, hits: [], meta: null, selected: -1 })
  else Object.assign(state, { status: 'done', error: null, hits: data, meta, selected: data.length ? 0 : -1 })
  draw()
}

function schedule(): void {
  clearTimeout(debounce)
  debounce = setTimeout(() => void search(), 200)
}

async function open(index: number): Promise<void> {
  const hit = state.hits[index]
  if (!hit) return
  state.selected = index
  state.detail = { hit, status: 'loading' }
  draw()
  // The row itself, read with supabase-js through the primary (a postgres_fdw foreign table).
  const columns =
    hit.collection === 'api'
      ? 'id, url, package, symbol, kind, metadata'
      : hit.collection === 'posts'
        ? 'id, url, package, version, year, metadata'
        : 'id, url, package, version, section, metadata'
  const { data, error } = await vecpods.get(hit.collection, hit.id, { columns })
  if (state.detail?.hit !== hit) return
  state.detail = error ? { hit, status: 'error', error } : { hit, status: 'done', row: data }
  draw()
}

function close(): void {
  state.detail = null
  draw()
  document.querySelector<HTMLElement>(`[data-index="${state.selected}"]`)?.focus()
}

function onKey(event: KeyboardEvent): void {
  const typing = (event.target as HTMLElement).tagName === 'INPUT'
  if (event.key === '/' && !typing) {
    event.preventDefault()
    document.querySelector<HTMLInputElement>('#q')?.focus()
  } else if (event.key === 'Escape' && state.detail) {
    close()
  } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && state.hits.length) {
    event.preventDefault()
    const step = event.key === 'ArrowDown' ? 1 : -1
    state.selected = Math.max(0, Math.min(state.hits.length - 1, state.selected + step))
    draw()
    document.querySelector<HTMLElement>(`[data-index="${state.selected}"]`)?.focus()
  } else if (event.key === 'Enter' && typing && state.selected >= 0 && (event.target as HTMLElement).id === 'q') {
    void open(state.selected)
  }
}

async function loadCatalog(): Promise<void> {
  const { data } = await supabase.functions.invoke('vector-search/collections', { method: 'GET' })
  const body = data as { data: Array<{ name: string; rows: number | null }>; meta: { model: string; embedder: { kind: string } | null } } | null
  if (!body) return
  const rows: Partial<Record<Name, number>> = {}
  for (const c of body.data) if ((NAMES as string[]).includes(c.name) && c.rows !== null) rows[c.name as Name] = c.rows
  const kind = body.meta.embedder?.kind
  state.catalog = { offline: kind === 'static' || kind === 'lexical' ? kind : undefined, model: body.meta.model, rows }
  draw()
}

const fmt = new Intl.NumberFormat('en')

/** Event handlers of the view: each changes the state, then searches or redraws. */
function pick(query: string): void {
  state.query = query
  void search()
}
function select(index: number): void {
  state.selected = index
  draw()
}
function submit(e: Event): void {
  e.preventDefault()
  void search()
}
function edit(field: 'query' | 'pkg' | 'yearFrom', e: Event): void {
  state[field] = (e.target as HTMLInputElement).value
  schedule()
}
function chooseMode(e: Event): void {
  state.mode = (e.target as HTMLSelectElement).value as SearchMode
  void search()
}
function chooseCollection(e: Event): void {
  state.collection = (e.target as HTMLSelectElement).value as Name
  void search()
}

function resultsView() {
  switch (state.status) {
    case 'idle':
      return html`<div class="empty">
        <p>Search the documentation of this project's npm packages: README sections, release notes and API reference, kept on three pods.</p>
        <p>Try ${EXAMPLES.map((q, i) => html`${i ? ', ' : ''}<button class="link" @click=${() => pick(q)}>${q}</button>`)}.</p>
      </div>`
    case 'error':
      return html`<div class="error" role="alert"><strong>${state.error!.code}</strong> ${state.error!.message}</div>`
    case 'loading':
    case 'done':
      // While the next results load, the previous ones stay on screen (dimmed).
      if (state.status === 'loading' && !state.hits.length) return html`<div class="loading" aria-busy="true">Searching…</div>`
      if (!state.hits.length) return html`<div class="empty">No results${filters() ? ' with these filters' : ''} for “${state.query}”.</div>`
      return html`<ol class="results ${state.status === 'loading' ? 'stale' : ''}" role="listbox" aria-label="Results">
        ${state.hits.map(
          (hit, i) => html`<li role="option" aria-selected=${i === state.selected}>
            <button class="hit" data-index=${i} data-id=${hit.id} @click=${() => void open(i)} @focus=${() => select(i)}>
              <span class="title">${titleOf(hit.collection, hit.metadata as Record<string, unknown>)}</span>
              <span class="badges">
                <span class="badge ${hit.collection}">${COLLECTIONS[hit.collection].label}</span>
                <span class="badge pod">${hit.pod}</span>
                <span class="score" title=${SCORE_TITLE[state.mode]}>${hit.score.toFixed(3)}</span>
              </span>
              <span class="package">${String((hit.metadata as Record<string, unknown>).package ?? '')}</span>
              <span class="snippet">${snippet((hit.metadata as Record<string, unknown>).text)}</span>
            </button>
          </li>`,
        )}
      </ol>`
  }
}

function detailView(detail: Detail) {
  const meta = detail.hit.metadata as Record<string, unknown>
  return html`<aside class="detail" role="dialog" aria-label="Result details">
    <header>
      <h2>${titleOf(detail.hit.collection, meta)}</h2>
      <button class="close" @click=${close} aria-label="Close details">✕</button>
    </header>
    ${detail.status === 'loading' ? html`<p class="loading">Reading the row…</p>` : nothing}
    ${detail.status === 'error' ? html`<p class="error" role="alert"><strong>${detail.error!.code}</strong> ${detail.error!.message}</p>` : nothing}
    ${detail.status === 'done' && !detail.row ? html`<p class="empty">This row is gone (deleted since the search).</p>` : nothing}
    ${
      detail.status === 'done' && detail.row
        ? html`<p class="source">Read with <code>vecpods.get('${detail.hit.collection}', …)</code> through the primary → ${detail.hit.pod}</p>
          <dl class="fields">
            ${Object.entries(detail.row)
              .filter(([k]) => k !== 'metadata')
              .map(
                ([k, v]) =>
                  html`<dt>${k}</dt><dd>${k === 'url' && v ? html`<a href=${String(v)} target="_blank" rel="noreferrer">${String(v)}</a>` : String(v ?? '—')}</dd>`,
              )}
            ${Object.entries((detail.row.metadata ?? {}) as Record<string, unknown>)
              .filter(([k]) => !['text', 'hash'].includes(k) && !(k in detail.row!))
              .map(([k, v]) => html`<dt>${k}</dt><dd>${Array.isArray(v) ? v.join(', ') : String(v)}</dd>`)}
          </dl>
          <pre class="text">${String(((detail.row.metadata ?? {}) as Record<string, unknown>).text ?? '')}</pre>`
        : nothing
    }
  </aside>`
}

/** What the generated offline models are, wherever their results show: neither is gte-small. */
function offlineNote(kind: string | undefined, model: string | undefined) {
  if (kind === 'lexical') {
    return html`<p class="note" role="note">Offline lexical model in use (<code>${model}</code>): results match <em>shared words</em>, not meaning. Deploy with gte-small for semantic search.</p>`
  }
  if (kind === 'static') {
    return html`<p class="note" role="note">Offline static word-vector model in use (<code>${model}</code>): GloVe word vectors plus shared words, averaged — related words meet, but word order and context are lost. Not gte-small; deploy with it for semantic search.</p>`
  }
  return nothing
}

function draw(): void {
  const m = state.meta
  render(
    html`<main @keydown=${onKey}>
      <header class="top">
        <h1>vecpods <span>search across pods</span></h1>
        ${
          state.catalog
            ? html`<p class="catalog">${NAMES.map((n, i) => html`${i ? ' · ' : ''}${COLLECTIONS[n].label} <b>${fmt.format(state.catalog!.rows[n] ?? 0)}</b> on ${COLLECTIONS[n].pod}`)}</p>`
            : nothing
        }
      </header>
      ${offlineNote(state.catalog?.offline ?? m?.offline_model, state.catalog?.model ?? m?.model)}
      <form class="controls" role="search" @submit=${(e: Event) => submit(e)}>
        <input id="q" type="search" placeholder="Search docs, release notes and API reference…   ( / )" autocomplete="off" aria-label="Search"
          .value=${state.query} @input=${(e: Event) => edit('query', e)} autofocus />
        <select id="collection" aria-label="Collection" @change=${(e: Event) => chooseCollection(e)}>
          <option value="all" ?selected=${state.collection === 'all'}>All collections (fan-out)</option>
          ${NAMES.map((n) => html`<option value=${n} ?selected=${state.collection === n}>${COLLECTIONS[n].label} · ${COLLECTIONS[n].pod}</option>`)}
        </select>
        <select id="mode" aria-label="Search mode" @change=${(e: Event) => chooseMode(e)}>
          ${MODES.map(([value, label]) => html`<option value=${value} ?selected=${state.mode === value}>${label}</option>`)}
        </select>
        <input id="package" type="text" placeholder="package, e.g. zod" aria-label="Filter by package" .value=${state.pkg}
          @input=${(e: Event) => edit('pkg', e)} />
        <input id="year" type="number" min="2000" max="2100" placeholder="year ≥" aria-label="Released in or after (release notes)" .value=${state.yearFrom}
          @input=${(e: Event) => edit('yearFrom', e)} />
      </form>
      <p class="status" aria-live="polite">
        ${
          m && state.status !== 'error'
            ? html`${state.hits.length} results · ${m.mode} · edge ${m.took_ms.toFixed(1)} ms · round trip ${state.roundTripMs.toFixed(0)} ms · pods ${m.pods.join(', ')}${m.partial ? html` · <span class="warn">partial: ${m.errors?.map((e) => `${e.collection} ${e.code}`).join(', ')}</span>` : nothing}`
            : nothing
        }
      </p>
      <div class="layout ${state.detail ? 'with-detail' : ''}">
        <section>${resultsView()}</section>
        ${state.detail ? detailView(state.detail) : nothing}
      </div>
    </main>`,
    document.querySelector<HTMLElement>('#app')!,
  )
}

draw()
void loadCatalog()
