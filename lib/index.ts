// Package entry point `websocket-tier` (CDK). Pulumi users import `websocket-tier/pulumi`.
export * from './cdk';
export * from './core/config';
export * from './core/resolved';
export type { Issue } from './core/issues';
export { planTier, TierConfigError, type TierPlan } from './core/plan';
export { CELL_IDS, TIER_IDS, cellId, cellUrlOutputId } from './core/ids';
export { bundleNodeServer, BundleError, type BundleNodeServerOptions } from './bundle';
