/** Restarts allowed within `windowMs` before the supervisor gives up. */
export const MAX_RESTARTS = 10
export const RESTART_WINDOW_MS = 60_000

/**
 * How long to wait before restarting a process that just died, or null to give up: 200 ms after a
 * process that had run for a while, doubling (to at most 5 s) for each recent start while it keeps
 * dying within 10 s; null once `MAX_RESTARTS` starts fall within the last minute.
 */
export function restartDelay(starts: number[], now: number, ranMs: number): number | null {
  const recent = starts.filter((t) => now - t < RESTART_WINDOW_MS).length
  if (recent > MAX_RESTARTS) return null
  if (ranMs >= 10_000) return 200
  return Math.min(200 * 2 ** Math.max(recent - 1, 0), 5000)
}
