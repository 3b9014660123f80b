export { databases, endpoints, loadStackConfig, stackVariables, StackConfigError } from './config.js';
export type { StackConfig, StackEndpoints } from './config.js';
export { basicAuthorization } from './basic-auth.js';
export { StackPartError } from './errors.js';
export type { PartName } from './parts/part.js';
export { createParts, down, partNames, reset, StackUpError, status, stopPlan, up } from './stack.js';
export type { PartStatus, Renderer, UpOutcome } from './stack.js';
export { repoRoot } from './paths.js';
export { StackLease } from './lease.js';
export { portFree, portHolder } from './proc.js';
export { chromiumPath, ensureChromium } from './browser.js';
export { ensureSchemathesis, schemathesisVersion } from './schemathesis.js';
export {
  dashboardQueries,
  dashboardsDir,
  flatPanels,
  knownMetrics,
  metricNames,
  readDashboards,
} from './dashboards.js';
export type { Dashboard, DashboardPanel, DashboardQuery, QueryIntervals } from './dashboards.js';
