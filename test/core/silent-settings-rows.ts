/**
 * Row table of the rules that connect settings which are each valid on their own (issue 14 item 3,
 * "no silent bad settings"): lib/core/validate-host.ts, lib/core/validate-fleet.ts and
 * lib/core/server-secrets.ts. Run by test/core/silent-settings.test.ts; the every-issue-code
 * meta-test in test/core/validate.test.ts reads it too.
 */
import type { TierConfig } from '../../lib/core';
import { alb, tier } from './fixtures';

/** One row per rule, as in test/core/validate.test.ts. */
export interface SilentRow {
  readonly code: string;
  readonly what: string;
  readonly config: TierConfig;
  readonly path: string;
  readonly severity: 'error' | 'warning';
  readonly message: RegExp;
}

const two = [alb('a'), alb('b')];

export const SILENT_ROWS: SilentRow[] = [
  // host limits vs the plan (lib/core/validate-host.ts)
  {
    code: 'fd-limit-below-connections',
    what: 'LimitNOFILE 1024 with the default target of 10,000',
    config: tier({ host: { fileDescriptorLimit: 1024 } }),
    path: 'host.fileDescriptorLimit',
    severity: 'error',
    message:
      /is 1,024 but cells\[0\] \('a'\) targets 10,000 per instance and accepts up to 14,286.*EMFILE.*Allowed: at least 15,310\. Fix: raise host\.fileDescriptorLimit to 15,310/,
  },
  {
    code: 'fd-limit-below-connections',
    what: 'a local proxy doubles the descriptors per connection',
    config: tier({ host: { fileDescriptorLimit: 20000, localProxy: true }, scaling: { targetConnectionsPerInstance: 7000 } }),
    path: 'host.fileDescriptorLimit',
    severity: 'error',
    message: /is 20,000 .*accepts up to 10,000.*two file descriptors through the local proxy.*at least 21,024/,
  },
  {
    code: 'target-above-fd-ceiling',
    what: '2,000,000 connections per instance (with fd limit 1024)',
    config: tier({ scaling: { targetConnectionsPerInstance: 2_000_000 }, host: { fileDescriptorLimit: 1024 } }),
    path: 'scaling.targetConnectionsPerInstance',
    severity: 'error',
    message:
      /is 2,000,000 connections per instance.*fs\.nr_open of 1,048,576.*Ephemeral ports are not the bound.*Allowed: at most 733,286 per process\. Fix: lower scaling\.targetConnectionsPerInstance to 733,286/,
  },
  {
    code: 'target-above-fd-ceiling',
    what: 'a cell target above the ceiling names the cell field',
    config: tier({ cells: [alb('a', { scaling: { targetConnectionsPerInstance: 900_000 } })] }),
    path: 'cells[0].scaling.targetConnectionsPerInstance',
    severity: 'error',
    message: /cells\[0\]\.scaling\.targetConnectionsPerInstance is 900,000.*Fix: lower/,
  },
  {
    code: 'backlog-below-reconnect-burst',
    what: 'somaxconn 128 under a storm of the default target',
    config: tier({ host: { somaxconn: 128 } }),
    path: 'host.somaxconn',
    severity: 'warning',
    message:
      /host\.somaxconn is 128.*targets 10,000 connections per instance.*within 60 s.*about 167 connections a second.*Fix: raise host\.somaxconn to at least 167/,
  },
  {
    code: 'backlog-below-reconnect-burst',
    what: 'an explicit listen backlog below a short drain',
    config: tier({ host: { listenBacklog: 512 }, connection: { drainWindowSeconds: 10 } }),
    path: 'host.listenBacklog',
    severity: 'warning',
    message:
      /host\.listenBacklog is 512.*one node's drain \(connection\.drainWindowSeconds 10 s\).*about 1,000 connections a second.*Fix: raise host\.listenBacklog to at least 1,000/,
  },
  // fleet lifecycle (lib/core/validate-fleet.ts)
  {
    code: 'health-grace-too-short',
    what: 'grace 0 with a 5 s interval and unhealthy threshold 2',
    config: tier({
      scaling: { healthCheckGracePeriodSeconds: 0 },
      healthCheck: { intervalSeconds: 5, timeoutSeconds: 2, unhealthyThresholdCount: 2 },
    }),
    path: 'scaling.healthCheckGracePeriodSeconds',
    severity: 'error',
    message:
      /is 0 s, shorter than the 15 s.*unhealthy after healthCheck\.intervalSeconds 5 s × unhealthyThresholdCount 2 = 10 s.*health-check-grace-period\.html.*Allowed: at least 15 s\. Fix: set it to 195 s/,
  },
  {
    code: 'health-grace-below-warmup',
    what: 'grace shorter than the warm-up plus the healthy checks',
    config: tier({ scaling: { healthCheckGracePeriodSeconds: 60 } }),
    path: 'scaling.healthCheckGracePeriodSeconds',
    severity: 'warning',
    message: /is 60 s, shorter than the 180 s warm-up plus the 30 s of healthy checks.*Fix: raise it to at least 210 s/,
  },
  {
    code: 'health-check-faster-than-ping',
    what: 'unhealthy after 10 s, ping every 25 s',
    config: tier({ healthCheck: { intervalSeconds: 5, timeoutSeconds: 2, unhealthyThresholdCount: 2 } }),
    path: 'healthCheck.unhealthyThresholdCount',
    severity: 'warning',
    message:
      /5 s × unhealthyThresholdCount 2 = 10 s is how long a server may stall.*shorter than one ping interval \(connection\.pingIntervalSeconds 25 s\).*Fix: make interval × unhealthy threshold at least 25 s/,
  },
  {
    code: 'all-cells-at-zero-gauge',
    what: 'every cell at minCapacity 0 with the gauge signal',
    config: tier({ cells: two, scaling: { minCapacity: 0 } }),
    path: 'scaling.minCapacity',
    severity: 'error',
    message:
      /leaves every cell at minCapacity 0.*evaluate-target-health.*'connection-gauge' tracks a metric only running servers publish.*Fix: give every cell minCapacity ≥ 1/,
  },
  {
    code: 'all-cells-at-zero',
    what: 'every cell at minCapacity 0 with the load balancer signal',
    config: tier({
      cells: [alb('a', { scaling: { minCapacity: 0 } }), alb('b', { scaling: { minCapacity: 0 } })],
      scaling: { signal: 'load-balancer-connections' },
    }),
    path: 'cells[0].scaling.minCapacity',
    severity: 'warning',
    message: /leaves every cell at minCapacity 0.*HTTP 503.*no instance to divide by.*Fix: give every cell minCapacity ≥ 1/,
  },
  {
    code: 'cell-at-zero-gauge',
    what: 'one weighted cell at zero under the gauge',
    config: tier({ cells: [alb('a'), alb('b', { scaling: { minCapacity: 0 } })] }),
    path: 'cells[1].scaling.minCapacity',
    severity: 'warning',
    message:
      /is 0 for cells\[1\] \('b'\), which Route 53 still sends clients to.*never scales out again.*Fix: set minCapacity ≥ 1 for it, or give it weight 0/,
  },
  {
    code: 'drain-window-zero',
    what: 'drain window 0 with grace 0',
    config: tier({ connection: { drainWindowSeconds: 0, drainGraceSeconds: 0 } }),
    path: 'connection.drainWindowSeconds',
    severity: 'warning',
    message:
      /is 0 and connection\.drainGraceSeconds is 0 too.*cut every socket.*Fix: give a drain window of several minutes \(the default is 300 s/,
  },
  {
    code: 'drain-window-zero',
    what: 'drain window 0 with the default grace',
    config: tier({ connection: { drainWindowSeconds: 0 } }),
    path: 'connection.drainWindowSeconds',
    severity: 'warning',
    message: /is 0 so a leaving instance closes every socket in the same moment.*Fix:/,
  },
  {
    code: 'socket-io-long-polling-unspecified',
    what: 'a socket.io server without a word on long-polling',
    config: tier({ capacity: { peakConnections: 100_000, framework: 'socket.io' } }),
    path: 'connection.longPollingFallback',
    severity: 'warning',
    message:
      /not set while capacity\.framework is 'socket\.io'.*HTTP 400 "Session ID unknown".*using-multiple-nodes.*Fix: set longPollingFallback: true/,
  },
  // secrets (lib/core/server-secrets.ts)
  {
    code: 'env-value-looks-secret',
    what: 'a password in plain environment',
    config: tier({ server: { environment: { DB_PASSWORD: 'hunter2' } } }),
    path: 'server.environment.DB_PASSWORD',
    severity: 'warning',
    message:
      /looks like a secret \(the key DB_PASSWORD names a secret; the value is not repeated here\).*user data.*Fix: .*server\.secrets/,
  },
  {
    code: 'env-value-looks-secret',
    what: 'an AWS secret access key under an innocent name',
    config: tier({ server: { environment: { UPSTREAM: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } } }),
    path: 'server.environment.UPSTREAM',
    severity: 'warning',
    message: /shaped like an AWS secret access key.*Fix:/,
  },
  {
    code: 'server-secrets-invalid',
    what: 'secrets is a list',
    config: tier({ server: { secrets: [] as never } }),
    path: 'server.secrets',
    severity: 'error',
    message: /server\.secrets is \[\]; it must be an object keyed by environment variable name\. Fix:/,
  },
  {
    code: 'server-secrets-invalid',
    what: 'an entry with both sources',
    config: tier({ server: { secrets: { DB: { ssmParameter: '/a', secretsManagerSecret: 'b' } as never } } }),
    path: 'server.secrets.DB',
    severity: 'error',
    message: /names both an SSM parameter and a Secrets Manager secret.*Fix: give exactly one source/,
  },
  {
    code: 'server-secrets-invalid',
    what: 'an entry with a misspelt field',
    config: tier({ server: { secrets: { DB: { ssmParamter: '/a' } as never } } }),
    path: 'server.secrets.DB',
    severity: 'error',
    message: /has 'ssmParamter', which is not a field.*Fix:/,
  },
  {
    code: 'server-secret-name-invalid',
    what: 'a lowercase variable name',
    config: tier({ server: { secrets: { 'db-password': { ssmParameter: '/app/db' } } } }),
    path: 'server.secrets.db-password',
    severity: 'error',
    message: /"db-password" is not a valid environment variable name.*Fix: rename it, e.g\. "DB_PASSWORD"/,
  },
  {
    code: 'server-secret-name-reserved',
    what: 'a WST_ name',
    config: tier({ server: { secrets: { WST_PORT: { ssmParameter: '/app/port' } } } }),
    path: 'server.secrets.WST_PORT',
    severity: 'error',
    message: /"WST_PORT" uses the reserved WST_ prefix.*Fix: rename it/,
  },
  {
    code: 'server-secret-name-collision',
    what: 'the same name in environment and secrets',
    config: tier({ server: { environment: { DB_HOST: 'db.internal' }, secrets: { DB_HOST: { ssmParameter: '/app/db-host' } } } }),
    path: 'server.secrets.DB_HOST',
    severity: 'error',
    message: /"DB_HOST" is also a key of server\.environment.*Fix: remove it from server\.environment/,
  },
  {
    code: 'server-secret-reference-invalid',
    what: 'a parameter name with a space',
    config: tier({ server: { secrets: { DB: { ssmParameter: 'app db' } } } }),
    path: 'server.secrets.DB.ssmParameter',
    severity: 'error',
    message: /is "app db"; allowed: a parameter name.*Fix: e\.g\. '\/app\/db-password'/,
  },
  {
    code: 'server-secret-reference-invalid',
    what: 'a partial secret ARN',
    config: tier({ server: { secrets: { DB: { secretsManagerSecret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db' } } } }),
    path: 'server.secrets.DB.secretsManagerSecret',
    severity: 'error',
    message: /complete secret ARN.*a partial ARN cannot be scoped in IAM.*Fix: give the name/,
  },
  {
    code: 'server-secret-json-key-invalid',
    what: 'a JSON key on an SSM parameter',
    config: tier({ server: { secrets: { DB: { ssmParameter: '/app/db', jsonKey: 'password' } as never } } }),
    path: 'server.secrets.DB.jsonKey',
    severity: 'error',
    message: /only Secrets Manager entries pick a key.*Fix: remove it/,
  },
  {
    code: 'server-secret-kms-key-invalid',
    what: 'a KMS alias instead of a key ARN',
    config: tier({ server: { secrets: { DB: { ssmParameter: '/app/db', kmsKeyArn: 'alias/app' } } } }),
    path: 'server.secrets.DB.kmsKeyArn',
    severity: 'error',
    message: /is "alias\/app"; allowed: a KMS key ARN.*not an alias.*Fix: copy the key's ARN/,
  },
];
