// ECS cell backends: re-exports only (types come through config.ts and resolved.ts).
export * from './facts';
export { ecsBackendOf, ecsRendererIssues, type EcsRendererCapabilities, fargateBackendOf, isEcsCell, validateEcsCells } from './validate';
export { ecsEc2BackendOf, ecsEc2InstanceType, resolveEcsEc2Capacity, validateEcsEc2Capacity } from './ec2-capacity';
export { ecrRepository, ecsLoadBalancerPart, resolveCellBackend, RUNNING_TASKS, type EcsCellInputs } from './resolve';
export { ECS_SECRET_ACTIONS, ecsContainerSecrets, ecsSecretGrants, type EcsContainerSecret, type EcsSecretGrants } from './secrets';
