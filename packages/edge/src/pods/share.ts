import { VecpodsError } from '../errors.ts'

export interface ShareLimits {
  /** Public searches one pod runs at once, all callers together (the rest of its connections stay free for service_role). */
  perPod: number
  /** Public searches one caller runs on one pod at once. */
  perCaller: number
  /** Searches that may wait for a turn on one pod; one more is refused with 429 `rate_limited`. */
  maxWaiting: number
}

/** Runs public work on pods within its share; service_role work (no caller key) runs at once. */
export interface PodShare {
  run<T>(pod: string, caller: string | undefined, work: () => Promise<T>): Promise<T>
  /** Searches running and waiting on a pod (tests, diagnostics). */
  usage(pod: string): { running: number; waiting: number }
}

interface PodState {
  running: number
  byCaller: Map<string, number>
  waiting: Array<{ caller: string; admit: () => void }>
}

/**
 * The share of each pod that public callers get: at most `perPod` of their searches run on a pod at
 * once, at most `perCaller` of one caller's, and the rest wait in arrival order, each admitted as
 * soon as both bounds allow (a caller at its bound does not hold up the callers behind it). So a
 * caller sending many costly searches gets its own turns on the pod, not everyone's.
 */
export function podShare(limits: ShareLimits): PodShare {
  const pods = new Map<string, PodState>()
  const state = (pod: string) => {
    const known = pods.get(pod)
    if (known) return known
    const s: PodState = { running: 0, byCaller: new Map(), waiting: [] }
    pods.set(pod, s)
    return s
  }
  const admissible = (s: PodState, caller: string) => s.running < limits.perPod && (s.byCaller.get(caller) ?? 0) < limits.perCaller
  const take = (s: PodState, caller: string) => {
    s.running++
    s.byCaller.set(caller, (s.byCaller.get(caller) ?? 0) + 1)
  }
  const release = (pod: string, s: PodState, caller: string) => {
    s.running--
    const left = (s.byCaller.get(caller) ?? 1) - 1
    if (left > 0) s.byCaller.set(caller, left)
    else s.byCaller.delete(caller)
    // Admit waiters in arrival order while the bounds allow.
    for (let i = 0; i < s.waiting.length && s.running < limits.perPod; ) {
      const w = s.waiting[i]!
      if (admissible(s, w.caller)) {
        s.waiting.splice(i, 1)
        take(s, w.caller)
        w.admit()
      } else i++
    }
    if (!s.running && !s.waiting.length) pods.delete(pod)
  }
  return {
    async run(pod, caller, work) {
      if (caller === undefined) return work()
      const s = state(pod)
      if (admissible(s, caller)) take(s, caller)
      else {
        if (s.waiting.length >= limits.maxWaiting) {
          throw new VecpodsError('rate_limited', `pod "${pod}" has ${s.waiting.length} public searches waiting for a turn: retry in a moment`)
        }
        await new Promise<void>((admit) => s.waiting.push({ caller, admit }))
      }
      try {
        return await work()
      } finally {
        release(pod, s, caller)
      }
    },
    usage: (pod) => ({ running: pods.get(pod)?.running ?? 0, waiting: pods.get(pod)?.waiting.length ?? 0 }),
  }
}
