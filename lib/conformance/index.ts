export * from './checks';
export * from './run';
export * from './report';
