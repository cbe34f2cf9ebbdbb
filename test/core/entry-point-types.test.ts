/**
 * Every entry point re-exports the config types its users write (issue: TS2305 on
 * `import type { OperationsConfig } from 'websocket-tier'`). `npm test` typechecks this file, so a
 * missing re-export fails the typecheck; the assignments below make each import used.
 */
import type { BackplaneConfig, OperationsConfig, TierCapacityConfig, TierConfig, AlarmsConfig, LoadBalancerType } from '../../lib';
import type {
  BackplaneConfig as PulumiBackplaneConfig,
  OperationsConfig as PulumiOperationsConfig,
  TierCapacityConfig as PulumiTierCapacityConfig,
  TierConfig as PulumiTierConfig,
} from '../../lib/pulumi';

describe('entry points re-export the config types users write', () => {
  it('a tier written with the CDK entry point types is a tier for the Pulumi one', () => {
    const capacity: TierCapacityConfig = { peakConnections: 100000 };
    const operations: OperationsConfig = { dashboard: false, alarms: {} satisfies AlarmsConfig };
    const backplane: BackplaneConfig = { engine: 'valkey' };
    const lb: LoadBalancerType = 'network';
    const tier: TierConfig = {
      domainName: 'ws.example.com',
      cells: [{ name: 'a', loadBalancerType: lb }],
      capacity,
      operations,
      backplane,
    };
    const same: PulumiTierConfig = tier;
    const parts: [PulumiTierCapacityConfig?, PulumiOperationsConfig?, PulumiBackplaneConfig?] = [
      same.capacity,
      same.operations,
      same.backplane,
    ];
    expect(parts).toEqual([capacity, operations, backplane]);
  });
});
