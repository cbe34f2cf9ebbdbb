/**
 * `websocket-tier/pulumi`: the WebSocket tier as Pulumi components over `@pulumi/aws`. Loads no
 * CDK code (test/pulumi/entry-points.test.ts checks it).
 */
export * from './websocket-tier';
export * from './websocket-cell';
export * from './websocket-backplane';
export type * from '../core/config';
