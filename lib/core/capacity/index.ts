/** The capacity and cost planner (see plan.ts for the model). */
export * from './config';
export * from './types';
export * from './data';
export * from './format';
export * from './validate';
export * from './plan';
export * from './cost';
export * from './tier';
