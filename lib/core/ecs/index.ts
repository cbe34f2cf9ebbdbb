// ECS cell backends: re-exports only (types come through config.ts and resolved.ts).
export * from './facts';
export { ecsRendererIssues, type EcsRendererCapabilities, fargateBackendOf, isEcsCell, validateEcsCells } from './validate';
export { ecrRepository, ecsLoadBalancerPart, resolveCellBackend, RUNNING_TASKS, type EcsCellInputs } from './resolve';
