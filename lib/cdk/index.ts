export * from './websocket-tier';
export * from './websocket-cell';
export * from './websocket-backplane';
