export * from './twin';
export * from './bundle';
export * from './watchdog';
