/**
 * The post-synthesis check in Pulumi: transformations that break a WebSocket invariant are found
 * on the cells' registered inputs and reported with the same `rendered-*` codes as CDK; an
 * acknowledged code is a warning; an untouched tier has no issue. An error is logged with
 * pulumi.log.error and makes the tier's registered outputs reject with a ResourceError, which
 * Pulumi's program runner reports as an unhandled error that fails `pulumi preview`/`up`: jest
 * would report that rejection as a failure of the test itself, so the failure path runs in a fresh
 * Node process with a handler standing in for the runner's.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { Issue, TierConfig } from '../../lib/core';
import { WebSocketTier } from '../../lib/pulumi';
import { recordProgram, valueOf } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';

type Transform = pulumi.ResourceTransformation;

/** A transformation that rewrites the inputs of every resource of one type. */
const patch =
  (type: string, change: (props: Record<string, unknown>) => Record<string, unknown>): Transform =>
  (a) =>
    a.type === type ? { props: change(a.props as Record<string, unknown>), opts: a.opts } : undefined;

const TG = 'aws:lb/targetGroup:TargetGroup';

let error: jest.SpyInstance;
let warn: jest.SpyInstance;
beforeEach(() => {
  error = jest.spyOn(pulumi.log, 'error').mockImplementation(() => Promise.resolve());
  warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
});
afterEach(() => jest.restoreAllMocks());

async function run(config: Partial<TierConfig>, transformations: Transform[]): Promise<readonly Issue[]> {
  const { result } = await recordProgram(
    () =>
      new WebSocketTier(
        'tier',
        { ...withServerStart({ domainName: 'ws.example.com', cells: [{ name: 'a' }], ...config }), hostedZoneId: 'Z1' },
        { transformations },
      ),
  );
  return valueOf(result.renderedIssues);
}

const CASES: [string, string, Partial<TierConfig>, Transform, RegExp][] = [
  [
    'rendered-deregistration-delay-below-drain',
    'deregistration delay 5 s',
    {},
    patch(TG, (p) => ({ ...p, deregistrationDelay: 5 })),
    /tier-cell-a-target-group: deregistration_delay.timeout_seconds is 5 s .*resolved 330 s/,
  ],
  [
    'rendered-stickiness-off',
    'stickiness off under long-polling',
    { connection: { longPollingFallback: true } },
    patch(TG, (p) => ({ ...p, stickiness: { enabled: false, type: 'lb_cookie' } })),
    /stickiness.enabled is false .*longPollingFallback is on/,
  ],
  [
    'rendered-idle-timeout-not-above-ping',
    'ALB idle timeout 10 s',
    {},
    patch('aws:lb/loadBalancer:LoadBalancer', (p) => ({ ...p, idleTimeout: 10 })),
    /tier-cell-a-load-balancer: idle_timeout.timeout_seconds is 10 s/,
  ],
  [
    'rendered-nlb-unhealthy-termination-on',
    'NLB unhealthy-target termination on',
    { cells: [{ name: 'a', loadBalancerType: 'network' }] },
    patch(TG, (p) => ({ ...p, targetHealthStates: [{ enableUnhealthyConnectionTermination: true }] })),
    /target_health_state.unhealthy.connection_termination.enabled is true/,
  ],
  [
    'rendered-cross-zone-off',
    'NLB cross-zone off',
    { cells: [{ name: 'a', loadBalancerType: 'network' }] },
    patch('aws:lb/loadBalancer:LoadBalancer', (p) => ({ ...p, enableCrossZoneLoadBalancing: false })),
    /load_balancing.cross_zone.enabled is false in the rendered network load balancer/,
  ],
  [
    'rendered-imdsv2-not-required',
    'launch template HttpTokens optional',
    {},
    patch('aws:ec2/launchTemplate:LaunchTemplate', (p) => ({
      ...p,
      metadataOptions: { ...(p.metadataOptions as object), httpTokens: 'optional' },
    })),
    /MetadataOptions.HttpTokens is "optional"/,
  ],
  [
    'rendered-lifecycle-default-result-not-continue',
    'lifecycle hook DefaultResult ABANDON',
    {},
    patch('aws:autoscaling/lifecycleHook:LifecycleHook', (p) => ({ ...p, defaultResult: 'ABANDON' })),
    /DefaultResult is "ABANDON"/,
  ],
  [
    'rendered-set-identifier-changed',
    'weighted record set identifier changed',
    {},
    patch('aws:route53/record:Record', (p) => (p.setIdentifier ? { ...p, setIdentifier: 'blue' } : p)),
    /SetIdentifier is "blue"/,
  ],
];

describe('Pulumi: transformations that break an invariant are found on the registered inputs', () => {
  it.each(CASES)('%s (%s)', async (code, _what, config, transform, message) => {
    // Acknowledged so the program completes in-process; the error path is the last test.
    const issues = await run({ ...config, acknowledge: [code as never] }, [transform]);
    const hit = issues.find((i) => i.code === code);
    expect(hit?.severity).toBe('warning');
    expect(hit?.message).toMatch(message);
    expect(hit?.message).toMatch(/Acknowledged in the tier's acknowledge list\.$/);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`[@websocket-tier/${code}]`), expect.any(WebSocketTier));
    expect(error).not.toHaveBeenCalled();
  });

  it('without the transformation the same configs have no issue', async () => {
    for (const [, , config] of CASES) expect(await run(config, [])).toEqual([]);
  });

  it('an untouched ALB + NLB TLS + NLB TCP tier with long-polling has no issue, error or warning', async () => {
    const issues = await run(
      {
        cells: [
          { name: 'a' },
          { name: 'n', loadBalancerType: 'network' },
          { name: 't', loadBalancerType: 'network', nlbListenerProtocol: 'TCP' },
        ],
        connection: { longPollingFallback: true },
        healthCheck: { port: 8081 },
        dns: { ipAddressType: 'dualstack', healthChecks: true },
      },
      [],
    );
    expect(issues).toEqual([]);
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('unacknowledged, the error is logged on the tier and the program run fails with the ResourceError', () => {
    const ROOT = path.join(__dirname, '..', '..');
    const script = `
      const pulumi = require('@pulumi/pulumi');
      const { setupPulumiMocks, settle } = require('./lib/pulumi/testing');
      const { WebSocketTier } = require('./lib/pulumi');
      const logged = [];
      pulumi.log.error = (m) => { logged.push(m); return Promise.resolve(); };
      // Pulumi's program runner: an unhandled error is reported and fails the run.
      process.on('unhandledRejection', (e) => {
        process.stdout.write(JSON.stringify({ logged, failure: { name: e.constructor.name, message: e.message } }));
        process.exit(1);
      });
      setupPulumiMocks().then(async () => {
        new WebSocketTier('tier', { domainName: 'ws.example.com', cells: [{ name: 'a' }], server: { unitProvidedByImage: true }, hostedZoneId: 'Z1' }, {
          transformations: [(a) => a.type === '${TG}' ? { props: { ...a.props, deregistrationDelay: 5 }, opts: a.opts } : undefined],
        });
        await settle();
      });
    `;
    let status = 0;
    let out = '';
    try {
      execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
      });
    } catch (e) {
      status = (e as { status: number }).status;
      out = String((e as { stdout: string }).stdout);
    }
    expect(status).toBe(1);
    const { logged, failure } = JSON.parse(out) as { logged: string[]; failure: { name: string; message: string } };
    expect(logged).toEqual([
      expect.stringMatching(
        /^tier-cell-a-target-group: deregistration_delay.timeout_seconds is 5 s .*\[rendered-deregistration-delay-below-drain\]$/,
      ),
    ]);
    expect(failure.name).toBe('ResourceError');
    expect(failure.message).toMatch(
      /tier: invalid rendered WebSocket tier \(post-synthesis check\) \(1 problem\):\n {2}- tier-cell-a-target-group: .*\[rendered-deregistration-delay-below-drain\]/,
    );
  });
});
