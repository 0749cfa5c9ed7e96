export { meanMetrics, type RankingMetrics, rankingMetrics } from './metrics.ts'
export { okapiRanker, type Ranker, type TokenizedDoc } from './okapi.ts'
export { type EvalQuery, isRelevant, loadQueries, matches, QUERY_FILE, relevantCount } from './queries.ts'
export { queryLexemes, tokenizedCollection } from './tokens.ts'
