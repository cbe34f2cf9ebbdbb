import { originAllowed, originMatcher, WebSocketRuntime } from '../../lib/runtime';

describe('Origin allowlist: parsed origins (scheme, host, port), never string suffixes', () => {
  const exact = ['https://app.example.com'];
  const wild = ['https://*.example.com'];
  const ported = ['http://localhost:8080', 'https://*.example.org:8443'];
  test.each([
    // [origin, allowlist, allowed]
    ['https://app.example.com', exact, true],
    ['https://APP.Example.com', exact, true],
    ['https://app.example.com:443', exact, true],
    ['https://app.example.com/', exact, true],
    ['http://app.example.com', exact, false],
    ['https://app.example.com:8443', exact, false],
    ['https://evil.com/.app.example.com', exact, false],
    ['https://evil.com/.app.example.com', wild, false],
    ['https://app.example.com.evil.net', exact, false],
    ['https://xapp.example.com', exact, false],
    ['https://user@app.example.com', exact, false],
    ['https://app.example.com?x=1', exact, false],
    ['null', exact, false],
    ['not a url', exact, false],
    ['https://a.example.com', wild, true],
    ['https://a.b.example.com', wild, true],
    ['https://example.com', wild, false],
    ['https://badexample.com', wild, false],
    ['http://a.example.com', wild, false],
    ['wss://a.example.com', wild, false],
    ['https://a.example.com:8443', wild, false],
    ['https://a.example.com:443', wild, true],
    ['https://a.example.com.evil.net', wild, false],
    ['http://localhost:8080', ported, true],
    ['http://localhost', ported, false],
    ['http://localhost:8081', ported, false],
    ['https://a.example.org:8443', ported, true],
    ['https://a.example.org', ported, false],
    ['https://anything.test', ['*'], true],
    ['null', ['*'], true],
  ])('%s against %j: %p', (origin, allowed, ok) => {
    expect(originAllowed(origin, allowed)).toBe(ok);
  });

  test.each([
    'app.example.com',
    'https://app.example.com/path',
    'https://*example.com',
    'https://a.*.example.com',
    'https://user@app.example.com',
  ])('allowlist entry %j is refused with the option name and the fix', (entry) => {
    expect(() => originMatcher(entry)).toThrow(/allowedOrigins entry .* is not an origin; allowed: .*Fix:/);
    expect(() => new WebSocketRuntime({ signals: [], env: {}, allowedOrigins: [entry] })).toThrow(/allowedOrigins entry/);
  });

  test('admit() refuses a foreign origin with 403 and accepts a missing one', () => {
    const r = new WebSocketRuntime({ signals: [], env: {}, allowedOrigins: ['https://*.example.com'] });
    expect(r.admit({ headers: { origin: 'https://evil.com/.app.example.com' } })).toMatchObject({ accept: false, status: 403 });
    expect(r.admit({ headers: { origin: 'https://app.example.com' } })).toEqual({ accept: true });
    expect(r.admit({ headers: {} })).toEqual({ accept: true });
  });
});
