import { CELL_METRIC_HELPERS, CELL_METRICS, cellMetricProblem, cellMetricSpec } from '../../lib/core/metrics';

describe('CELL_METRICS', () => {
  test('every helper has a metric on at least one load-balancer type, period 60 s', () => {
    expect(CELL_METRIC_HELPERS).toHaveLength(12);
    for (const helper of CELL_METRIC_HELPERS) {
      const d: { application?: { periodSeconds: number }; network?: { periodSeconds: number } } = CELL_METRICS[helper];
      expect(d.application ?? d.network).toBeDefined();
      for (const spec of [d.application, d.network]) if (spec) expect(spec.periodSeconds).toBe(60);
    }
  });

  test('a helper on the wrong cell type reports the mismatch', () => {
    const spec = cellMetricSpec('metricElb5xx', 'network');
    expect(spec.metricName).toBe('HTTPCode_ELB_5XX_Count');
    expect(cellMetricProblem(spec, 'metricElb5xx', { name: 'a', loadBalancerType: 'network' }, true)).toMatch(/is an NLB cell/);
    expect(cellMetricSpec('metricActiveConnections', 'network').metricName).toBe('ActiveFlowCount');
  });

  test('both renderers install every helper from the table', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cdk = require('../../lib/cdk/websocket-cell').WebSocketCell;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require('../../lib/pulumi/websocket-cell').WebSocketCell;
    for (const helper of CELL_METRIC_HELPERS) {
      expect(typeof cdk.prototype[helper]).toBe('function');
      expect(typeof pulumi.prototype[helper]).toBe('function');
    }
  });
});
