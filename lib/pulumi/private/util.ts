/**
 * Small helpers shared by the Pulumi renderer. Not exported from the package.
 */
import * as pulumi from '@pulumi/pulumi';
import { childName } from '../../core/ids';

/** Where a renderer puts its children: the parent component and its Pulumi name. */
export interface Scope {
  /** Pulumi name of the parent; children are named `${name}-${kebab(id)}`. */
  readonly name: string;
  /** The parent component. */
  readonly parent: pulumi.Resource;
}

/** Name and options of a child with the given core id. */
export function child(scope: Scope, id: string): [string, pulumi.CustomResourceOptions] {
  return [childName(scope.name, id), { parent: scope.parent }];
}

/** Lines of a bash user-data script, base64-encoded as EC2 launch templates require. */
export function bashUserDataBase64(lines: readonly string[]): string {
  return Buffer.from(['#!/bin/bash', ...lines].join('\n'), 'utf8').toString('base64');
}

/** An IAM policy document as the JSON string IAM resources take. */
export function policyJson(statements: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** A Pulumi resource class: `new (name, args, opts)`. */
type ResourceClass<A, R> = new (name: string, args: A, opts?: pulumi.CustomResourceOptions) => R;

/** `new Class(`${scope.name}-${kebab(id)}`, args, { parent })`: a child named from the core id table. */
export function create<A, R>(cls: ResourceClass<A, R>, scope: Scope, id: string, args: A): R {
  const [name, opts] = child(scope, id);
  return new cls(name, args, opts);
}

/** Bucket-policy statement refusing every request not made over TLS (the `enforceSSL` of CDK). */
export function denyInsecureTransport(bucketArn: string): Record<string, unknown> {
  return {
    Sid: 'DenyPlainHttp',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
