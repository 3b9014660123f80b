// The read model's queries: the HTTP API and the dashboard call these with the serving schema.
export { bucketCount, buckets, maxBuckets, rangeProblem, type Bucket } from './buckets.js';
export { causalOrder, serviceOf, traceIdOf, type CausalNode } from './causal-order.js';
export { decodeCursor, encodeCursor, type OrderCursor } from './cursor.js';
export {
  getOrder,
  listOrders,
  type ListOrdersOptions,
  type OrderDetail,
  type OrderPage,
  type OrderSummary,
} from './orders.js';
export { outcomeReport, type OutcomeReport, type OutcomeReportOptions } from './outcomes.js';
export {
  salesReport,
  type ProductSales,
  type SalesPoint,
  type SalesReport,
  type SalesReportOptions,
} from './sales.js';
export { getTimeline, type Timeline, type TimelineEvent } from './timeline.js';
