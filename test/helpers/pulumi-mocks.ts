/**
 * The project's Pulumi mocks are the shipped ones (`websocket-tier/pulumi/testing`), so users test
 * with exactly what this repository's tests use.
 */
export * from '../../lib/pulumi/testing';
