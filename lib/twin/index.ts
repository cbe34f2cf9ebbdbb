export * from './twin';
export * from './bundle';
