export * from './backoff';
export * from './reconnecting-websocket';
export * from './socket-io';
export * from './allocator';
