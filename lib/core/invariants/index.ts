// Barrel of the post-synthesis check: re-exports only.
export * from './codes';
export * from './view';
export * from './aws-defaults';
export * from './check';
