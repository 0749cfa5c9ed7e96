export {
  abortMove,
  FINISH_GRACE_MS,
  finishMove,
  type MoveContext,
  type MoveOptions,
  type MoveProgress,
  type MoveResult,
  moveCollection,
  moveStatus,
  PHASES,
  type Phase,
} from './move.ts'
export { type MoveFlags, runMove } from './run.ts'
export { fingerprint } from './sql.ts'
