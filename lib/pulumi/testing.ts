/**
 * `websocket-tier/pulumi/testing`: Pulumi mocks for unit tests of programs that use the
 * `websocket-tier/pulumi` components. They answer every invoke the components make (availability
 * zones, region, partition, caller identity, the SSM AMI parameter, the ELB service account) and
 * give the resources the outputs the components read (ACM domain validation options, load
 * balancer DNS names and ARN suffixes, the ElastiCache primary endpoint…), and record every
 * resource (type, name, inputs) so tests assert on the inputs the program would send to the
 * engine. No CLI, no cloud, no provider plugin.
 *
 * @example
 * import { recordProgram } from 'websocket-tier/pulumi/testing';
 * const { recorder } = await recordProgram(() => new WebSocketTier('tier', props));
 * expect(recorder.ofType('aws:lb/loadBalancer:LoadBalancer')).toHaveLength(3);
 *
 * Mocked values: account 123456789012, region us-east-1, AZs us-east-1a/b/c. Override any invoke
 * by its token with `callOverrides`.
 */
import * as pulumi from '@pulumi/pulumi';

/** One registered resource as the mock monitor saw it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs after every Output was resolved (plain JSON). */
  // `any` like Pulumi's own `MockResourceArgs.inputs`: arbitrary JSON that tests index without casts.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly inputs: Record<string, any>;
  /** Reference (`<urn>::<id>`) of the explicit provider the resource was created with, if any. */
  readonly provider?: string;
}

/** Every resource registered since `setupPulumiMocks()`, with lookups. */
export class PulumiRecorder {
  readonly resources: RecordedResource[] = [];

  /** Resources of a type token, e.g. `aws:lb/targetGroup:TargetGroup`. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this name. @throws Error when there is not exactly one */
  named(name: string): RecordedResource {
    const found = this.resources.filter((r) => r.name === name);
    if (found.length !== 1) {
      throw new Error(`expected one resource named ${name}, found ${found.length}; names: ${this.resources.map((r) => r.name).join(', ')}`);
    }
    return found[0];
  }

  /** The one resource with this type and name, or undefined. */
  find(type: string, name: string): RecordedResource | undefined {
    return this.resources.find((r) => r.type === type && r.name === name);
  }

  /** Sorted `type::name` list: the Pulumi id contract. */
  inventory(): string[] {
    return this.resources.map((r) => `${r.type}::${r.name}`).sort();
  }
}

/** Mock ARNs and names are derived from the resource name so they are stable across runs. */
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const { type, name, inputs } = args;
  const arn = `arn:aws:mock:us-east-1:123456789012:${type.split(':').pop()}/${name}`;
  const state: Record<string, unknown> = { ...inputs, arn, name: inputs.name ?? name };
  switch (type) {
    case 'aws:lb/loadBalancer:LoadBalancer':
      Object.assign(state, {
        dnsName: `${name}.elb.amazonaws.com`,
        zoneId: 'ZLBMOCK',
        arnSuffix: `${inputs.loadBalancerType === 'network' ? 'net' : 'app'}/${name}/0123456789abcdef`,
      });
      break;
    case 'aws:lb/targetGroup:TargetGroup':
      state.arnSuffix = `targetgroup/${name}/0123456789abcdef`;
      break;
    case 'aws:ec2/vpc:Vpc':
      if (inputs.assignGeneratedIpv6CidrBlock) state.ipv6CidrBlock = '2600:1f18:abc:de00::/56';
      break;
    case 'aws:acm/certificate:Certificate':
      state.domainValidationOptions = [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((d: string) => ({
        domainName: d,
        resourceRecordName: `_x1.${String(d).replace(/^\*\./, '')}.`,
        resourceRecordType: 'CNAME',
        resourceRecordValue: '_x2.acm-validations.aws.',
      }));
      break;
    case 'aws:route53/record:Record':
      state.fqdn = inputs.name;
      break;
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      state.latestVersion = 1;
      break;
    case 'aws:s3/bucket:Bucket':
      state.bucket = `${name}-bucket`;
      break;
    case 'aws:elasticache/replicationGroup:ReplicationGroup':
      state.primaryEndpointAddress = `master.${name}.mock.use1.cache.amazonaws.com`;
      break;
    default:
      break;
  }
  return state;
}

/** A function mock: the invoke's inputs in, its result out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- invoke inputs are arbitrary JSON, as in Pulumi's MockCallArgs
export type CallMock = (inputs: any) => Record<string, unknown>;

/** The invokes the components make, by token, with their mocked results. */
export const DEFAULT_CALL_MOCKS: Readonly<Record<string, CallMock>> = {
  'aws:index/getAvailabilityZones:getAvailabilityZones': () => ({
    names: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    zoneIds: ['use1-az1', 'use1-az2', 'use1-az4'],
  }),
  'aws:index/getPartition:getPartition': () => ({ partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' }),
  'aws:index/getRegion:getRegion': () => ({ region: 'us-east-1', name: 'us-east-1', id: 'us-east-1' }),
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    accountId: '123456789012',
    arn: 'arn:aws:iam::123456789012:user/mock',
    userId: 'mock',
    id: '123456789012',
  }),
  'aws:elb/getServiceAccount:getServiceAccount': (inputs) => ({
    id: '127311923021',
    arn: 'arn:aws:iam::127311923021:root',
    region: inputs.region ?? 'us-east-1',
  }),
  'aws:ssm/getParameter:getParameter': (inputs) => ({
    name: inputs.name,
    value: `ami-mock-${String(inputs.name).split('-').pop()}`,
    type: 'String',
    id: inputs.name,
  }),
};

/** Project and stack the mocked program runs as. */
export interface PulumiMockOptions {
  /** @default 'websocket-tier' */
  readonly project?: string;
  /** @default 'test' */
  readonly stack?: string;
}

/**
 * Install mocks that record into a new recorder. Call before creating resources.
 * @param callOverrides - invoke mocks by token that replace or extend {@link DEFAULT_CALL_MOCKS}
 * @throws Error (from the call mock) when the program invokes a function the mocks do not know;
 *   the message names the token and how to add a mock for it
 */
export async function setupPulumiMocks(
  callOverrides: Readonly<Record<string, CallMock>> = {},
  options: PulumiMockOptions = {},
): Promise<PulumiRecorder> {
  const recorder = new PulumiRecorder();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        recorder.resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        return { id: `${args.name}-id`, state: mockState(args) };
      },
      call(args) {
        const fn = callOverrides[args.token] ?? DEFAULT_CALL_MOCKS[args.token];
        if (!fn) {
          throw new Error(
            `websocket-tier/pulumi/testing: no mock for function ${args.token}; the mocks answer ${Object.keys(DEFAULT_CALL_MOCKS).join(', ')}. ` +
              `Fix: pass callOverrides { '${args.token}': (inputs) => ({ ... }) } to setupPulumiMocks()/recordProgram().`,
          );
        }
        return fn(args.inputs);
      },
    },
    options.project ?? 'websocket-tier',
    options.stack ?? 'test',
    false,
  );
  return recorder;
}

/** Wait until every pending registration (including ones waiting on other resources' outputs) is done. */
export async function settle(): Promise<void> {
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (!waitForRPCs)
    throw new Error(
      'pulumi-mocks: @pulumi/pulumi no longer exposes runtime.waitForRPCs; websocket-tier/pulumi/testing supports the @pulumi/pulumi versions in its peerDependencies',
    );
  await waitForRPCs();
}

/**
 * Run `build` under fresh mocks and return what it built plus every recorded resource.
 * `callOverrides` replace function mocks by token (e.g. another region for `aws:index/getRegion:getRegion`).
 */
export async function recordProgram<T>(
  build: () => T,
  callOverrides: Readonly<Record<string, CallMock>> = {},
  options: PulumiMockOptions = {},
): Promise<{ result: T; recorder: PulumiRecorder }> {
  const recorder = await setupPulumiMocks(callOverrides, options);
  const result = build();
  await settle();
  return { result, recorder };
}

/** Resolve an Output (or plain value) to its value under mocks (call after `settle()` or inside `recordProgram`'s result). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}
