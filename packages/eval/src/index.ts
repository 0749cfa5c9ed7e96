export { meanMetrics, type RankingMetrics, rankingMetrics } from './metrics.ts'
export { type EvalQuery, isRelevant, loadQueries, matches, QUERY_FILE, relevantCount } from './queries.ts'
