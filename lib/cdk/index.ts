export * from './websocket-tier';
export * from './websocket-cell';
