export * from './io';
export * from './main';
export * from './plan';
export * from './chart';
