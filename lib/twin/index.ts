export * from './twin';
export * from './bundle';
export * from './haproxy-config';
export * from './watchdog';
export * from './allocator-server';
