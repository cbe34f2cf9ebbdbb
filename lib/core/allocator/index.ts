// The endpoint allocator: re-exports only (config types also come through config.ts and resolved.ts).
export * from './config';
export * from './handler';
export * from './load';
export * from './resolve';
export * from './select';
export * from './ticket';
export { validateAllocator } from './validate';
export { allocatorRenderIssues } from './render-gap';
