import { DEFAULTS } from '../../lib/core/defaults';
import { LIMITS } from '../../lib/core/limits';
import { SERVER_ENV } from '../../lib/core/server-contract';
import {
  envNumber,
  maxMessageBytesFrom,
  proxyProtocolFrom,
  rebalanceOptionsFromEnv,
  RUNTIME_DEFAULTS,
  RUNTIME_ENV,
  RUNTIME_RANGES,
  socketIoServerOptions,
  WebSocketRuntime,
  wsServerOptions,
} from '../../lib/runtime';

describe('settings from the tier environment', () => {
  test('drain window and health path come from WST_* (the numbers the renderers write)', () => {
    const r = new WebSocketRuntime({ signals: [], env: { [SERVER_ENV.drainWindowSeconds]: '42', [SERVER_ENV.healthPath]: '/ready' } });
    expect(r.drainWindowMs).toBe(42_000);
    expect(r.healthPath).toBe('/ready');
  });

  test('without environment the tier defaults apply', () => {
    const r = new WebSocketRuntime({ signals: [], env: {} });
    expect(r.drainWindowMs).toBe(DEFAULTS.connection.drainWindowSeconds * 1000);
    expect(r.healthPath).toBe(DEFAULTS.healthCheck.path);
    expect(r.maxConnections).toBe(Number.POSITIVE_INFINITY);
    expect(r.allowedOrigins).toBeUndefined();
  });

  test('grace, ping interval and keep-alive default to the tier’s numbers, not the runtime’s own', () => {
    const r = new WebSocketRuntime({ signals: [], env: {} });
    expect(r.drainGraceMs).toBe(DEFAULTS.connection.drainGraceSeconds * 1000);
    expect(r.drainGraceMs).toBe(30_000);
    expect(RUNTIME_DEFAULTS.drainGraceSeconds).toBe(DEFAULTS.connection.drainGraceSeconds);
    expect(r.pingIntervalMs).toBe(DEFAULTS.connection.pingIntervalSeconds * 1000);
    expect(r.keepAliveTimeoutMs).toBe((DEFAULTS.connection.albIdleTimeoutSeconds + 5) * 1000);
  });

  test('grace, ping interval and keep-alive come from WST_* when the tier writes them', () => {
    const r = new WebSocketRuntime({
      signals: [],
      env: { [SERVER_ENV.drainGraceSeconds]: '12', [SERVER_ENV.pingIntervalSeconds]: '10', [SERVER_ENV.keepAliveTimeoutSeconds]: '605' },
    });
    expect([r.drainGraceMs, r.pingIntervalMs, r.keepAliveTimeoutMs]).toEqual([12_000, 10_000, 605_000]);
  });

  test.each([
    // [window, grace, accepted] — the tier requires window + grace ≤ 7200 s (the longest hook heartbeat) and grace in LIMITS.drainGraceSeconds
    [7170, 30, true],
    [7171, 30, false],
    [7200, 0, true],
    [7200, 1, false],
    [172_800, 0, false],
    [300, LIMITS.drainGraceSeconds.max, true],
    [300, LIMITS.drainGraceSeconds.max + 1, false],
    [-1, 30, false],
  ])('drain window %p s with grace %p s: accepted %p, as the tier decides', (window, grace, ok) => {
    const make = () => new WebSocketRuntime({ signals: [], env: {}, drainWindowSeconds: window, drainGraceSeconds: grace });
    if (ok) expect(make).not.toThrow();
    else expect(make).toThrow(/(drainWindowSeconds|drainGraceSeconds) is -?\d+; allowed: /);
  });

  test('out-of-range ping and grace from the environment name the variable and the tier range', () => {
    expect(() => new WebSocketRuntime({ signals: [], env: { [SERVER_ENV.pingIntervalSeconds]: '0' } })).toThrow(
      /WST_PING_INTERVAL_SECONDS is "0"; allowed: a number 1–3600/,
    );
    expect(() => new WebSocketRuntime({ signals: [], env: { [SERVER_ENV.drainGraceSeconds]: '601' } })).toThrow(
      /WST_DRAIN_GRACE_SECONDS is "601"; allowed: a number 0–600/,
    );
    expect(() => new WebSocketRuntime({ signals: [], env: {}, drainWindowSeconds: 7200 })).toThrow(
      /drainWindowSeconds is 7200; allowed: 0–7170 .*Fix:/,
    );
  });

  test('explicit options win over the environment', () => {
    const r = new WebSocketRuntime({ signals: [], env: { [SERVER_ENV.drainWindowSeconds]: '42' }, drainWindowSeconds: 7 });
    expect(r.drainWindowMs).toBe(7000);
  });

  test('cap, origins and node id from the runtime’s own variables', () => {
    const r = new WebSocketRuntime({
      signals: [],
      env: {
        [RUNTIME_ENV.maxConnections]: '500',
        [RUNTIME_ENV.allowedOrigins]: 'https://a.example.com, https://*.b.example.com',
        [RUNTIME_ENV.nodeId]: 'node-7',
      },
    });
    expect(r.maxConnections).toBe(500);
    expect(r.allowedOrigins).toEqual(['https://a.example.com', 'https://*.b.example.com']);
    expect(r.nodeId).toBe('node-7');
  });

  test('a bad value names the variable, the value and the range', () => {
    expect(() => new WebSocketRuntime({ signals: [], env: { [SERVER_ENV.drainWindowSeconds]: 'soon' } })).toThrow(
      /WST_DRAIN_WINDOW_SECONDS is "soon"; allowed: a number 0–7200/,
    );
    expect(() => new WebSocketRuntime({ signals: [], env: {}, maxConnections: 0 })).toThrow(/maxConnections is 0/);
    expect(
      () => new WebSocketRuntime({ signals: [], env: {}, maxConnectionLifetimeSeconds: 10, connectionLifetimeDitherSeconds: 10 }),
    ).toThrow(/connectionLifetimeDitherSeconds is 10/);
    expect(() => envNumber({ X: '2' }, 'X', 0, 1)).toThrow(/X is "2"; allowed: a number 0–1/);
  });

  test('rebalancing is off unless its interval is set', () => {
    expect(rebalanceOptionsFromEnv({})).toBeUndefined();
    expect(rebalanceOptionsFromEnv({ [RUNTIME_ENV.rebalanceIntervalMs]: '1000', [RUNTIME_ENV.rebalanceTolerance]: '0.2' })).toEqual({
      intervalMs: 1000,
      tolerance: 0.2,
      maxShedFraction: undefined,
    });
    expect(() => rebalanceOptionsFromEnv({ [RUNTIME_ENV.rebalanceIntervalMs]: '10' })).toThrow(/WST_REBALANCE_INTERVAL_MS is "10"/);
  });

  test('health answers 503 while draining even with no connections (state flips before anything closes)', async () => {
    const r = new WebSocketRuntime({ signals: [], env: {}, drainWindowSeconds: 0 });
    const res = {
      status: 0,
      body: '',
      writeHead(s: number) {
        this.status = s;
        return this;
      },
      end(b?: string) {
        this.body = b ?? '';
      },
    };
    const req = { url: '/healthz?x=1', method: 'GET' };
    expect(r.handleHealth(req, res as never)).toBe(true);
    expect(res.status).toBe(200);
    await r.drain();
    r.handleHealth(req, res as never);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).status).toBe('drained');
    expect(r.handleHealth({ url: '/other', method: 'GET' }, res as never)).toBe(false);
  });
});

describe('WST_MAX_MESSAGE_BYTES and WST_PROXY_PROTOCOL', () => {
  const make = (env: NodeJS.ProcessEnv, options: Partial<ConstructorParameters<typeof WebSocketRuntime>[0]> = {}) =>
    new WebSocketRuntime({ signals: [], env, ...options });

  test('the message size comes from WST_MAX_MESSAGE_BYTES, else the runtime default (1 MiB); an explicit option wins', () => {
    expect(make({ [RUNTIME_ENV.maxMessageBytes]: '65536' }).maxMessageBytes).toBe(65_536);
    expect(make({}).maxMessageBytes).toBe(RUNTIME_DEFAULTS.maxMessageBytes);
    expect(RUNTIME_DEFAULTS.maxMessageBytes).toBe(1_048_576);
    expect(make({ [RUNTIME_ENV.maxMessageBytes]: '65536' }, { maxMessageBytes: 10 }).maxMessageBytes).toBe(10);
    expect(make({ [RUNTIME_ENV.maxMessageBytes]: '' }).maxMessageBytes).toBe(RUNTIME_DEFAULTS.maxMessageBytes);
    expect(make({ [RUNTIME_ENV.maxMessageBytes]: String(RUNTIME_RANGES.maxMessageBytes.max) }).maxMessageBytes).toBe(
      RUNTIME_RANGES.maxMessageBytes.max,
    );
  });

  test.each(['0', '-1', '1.5', 'lots', String(RUNTIME_RANGES.maxMessageBytes.max + 1)])(
    'WST_MAX_MESSAGE_BYTES=%j is refused with the variable, the value and the range',
    (raw) => {
      expect(() => make({ [RUNTIME_ENV.maxMessageBytes]: raw })).toThrow(
        new RegExp(
          `^WST_MAX_MESSAGE_BYTES is "${raw.replace('.', '\\.')}"; allowed: an? (number|integer) 1–${RUNTIME_RANGES.maxMessageBytes.max}\\. Fix:`,
        ),
      );
      expect(() => maxMessageBytesFrom({ [RUNTIME_ENV.maxMessageBytes]: raw })).toThrow(/WST_MAX_MESSAGE_BYTES/);
    },
  );

  test('a bad explicit maxMessageBytes names the option', () => {
    expect(() => make({}, { maxMessageBytes: 0 })).toThrow(/maxMessageBytes is 0; allowed: 1–/);
    expect(() => make({}, { maxMessageBytes: 2.5 })).toThrow(/maxMessageBytes is 2\.5; allowed: an integer/);
  });

  test('the adapters get the size from the environment: ws maxPayload and Engine.IO maxHttpBufferSize', () => {
    const r = make({ [RUNTIME_ENV.maxMessageBytes]: '4096' });
    expect(wsServerOptions(r).maxPayload).toBe(4096);
    expect(socketIoServerOptions(r).maxHttpBufferSize).toBe(4096);
  });

  test('WST_PROXY_PROTOCOL: "1" on; "0", empty or unset off; an explicit option wins', () => {
    expect(make({ [RUNTIME_ENV.proxyProtocol]: '1' }).proxyProtocol).toBe(true);
    expect(make({ [RUNTIME_ENV.proxyProtocol]: '0' }).proxyProtocol).toBe(false);
    expect(make({ [RUNTIME_ENV.proxyProtocol]: '' }).proxyProtocol).toBe(false);
    expect(make({}).proxyProtocol).toBe(false);
    expect(make({ [RUNTIME_ENV.proxyProtocol]: '1' }, { proxyProtocol: false }).proxyProtocol).toBe(false);
    expect(proxyProtocolFrom({ [RUNTIME_ENV.proxyProtocol]: '1' })).toBe(true);
  });

  test.each(['true', 'yes', '2', ' 1'])('WST_PROXY_PROTOCOL=%j is refused with the allowed values', (raw) => {
    expect(() => make({ [RUNTIME_ENV.proxyProtocol]: raw })).toThrow(/^WST_PROXY_PROTOCOL is ".*"; allowed: "1" .* or "0"\. Fix:/);
  });
});
