/**
 * The seeded fuzz of the tier model (issue 14 item 5): configurations as a plain-JavaScript or
 * JSON caller may write them (test/fuzz/configs.ts: valid, boundary values, wrong types, misspelled
 * and unknown keys, cross-field conflicts, 0–40 cells) must each be either refused with the
 * library's own error naming a field, or render a tier that passes the post-synthesis check. No
 * TypeError and no raw CDK/Pulumi error may escape, misspelled keys are reported, a sized group can
 * always scale, and CDK and Pulumi accept and refuse the same configs with the same codes.
 *
 * The seed is the suite's (test/helpers/fast-check-seed.js: fixed in CI, FC_SEED=random to explore).
 * Sizes: FUZZ_CONFIGS (core, 1500), FUZZ_RENDERS (configs rendered by both CDK and Pulumi, 90):
 * a CDK synthesis costs about 0.9 s on a 2-core machine, so the rendered sample is the first
 * FUZZ_RENDERS configs of at most 4 cells, two thirds of them accepted ones.
 */
import fc from 'fast-check';
import * as pulumi from '@pulumi/pulumi';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { errorsOf, type Issue, resolveTier, type TierConfig, TierConfigError, validateTier } from '../../lib/core';
import { WebSocketTier as CdkTier } from '../../lib/cdk';
import { WebSocketTier as PulumiTier } from '../../lib/pulumi';
import { createTestApp, TEST_ZONE } from '../helpers/cdk-app';
import { recordProgram } from '../helpers/pulumi-mocks';
import { withServerStart } from '../helpers/server-start';
import { configArb, describeConfig, MISSPELLINGS } from './configs';

const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} is ${JSON.stringify(raw)}; allowed: a positive integer.`);
  return n;
};
const CONFIGS = envInt('FUZZ_CONFIGS', 1500);
const RENDERS = envInt('FUZZ_RENDERS', 90);
const SEED = fc.readConfigureGlobal().seed ?? 20261202;

const SAMPLE: TierConfig[] = fc.sample(configArb, { numRuns: CONFIGS, seed: SEED });

/** Maps whose keys are the user's own names, where no key is a misspelling. */
const FREE_FORM = [/^server\.environment$/, /^server\.secrets$/, /^operations\.minimumCapacityUnits$/, /^operations\.alarms$/];

const CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Codes only a renderer can raise: how the server starts (`withServerStart` leaves a hostile `server` alone), the domain vs the hosted zone, an allocator it does not render yet. */
const RENDERER_CODES = new Set(['server-no-start', 'domain-outside-zone', 'allocator-not-rendered']);

/**
 * Known gap, named so it cannot widen: the Pulumi component does not render ECS cells yet and
 * refuses them with this code where CDK renders them (issue 12). A Pulumi refusal with exactly
 * this code, of a config CDK accepted, is counted apart (and printed) instead of as a disagreement.
 */
const PULUMI_ECS_GAP = 'ecs-pulumi-unsupported';

/** What a renderer did with a config. */
interface Outcome {
  readonly accepted: boolean;
  /** Sorted distinct codes of the errors (the library's error only). */
  readonly codes: readonly string[];
}

const codesOf = (issues: readonly Issue[]) => [...new Set(errorsOf(issues).map((i) => i.code))].sort();

/**
 * The Pulumi components refuse a config with a `pulumi.ResourceError` (the engine's error type)
 * whose message is the library's list: `<name>: invalid WebSocket tier configuration (N problems):`
 * then one `- <field> … [code]` line per error.
 */
const PULUMI_REFUSAL = /^fuzz: invalid WebSocket tier configuration \(\d+ problems?\):\n/;

/** A thrown value as the library's error, or a failure naming the config. */
function libraryError(e: unknown, where: string, config: TierConfig): Outcome {
  if (e instanceof TierConfigError) return { accepted: false, codes: codesOf(e.issues) };
  if (where === 'Pulumi' && e instanceof pulumi.ResourceError && PULUMI_REFUSAL.test(e.message)) {
    const codes = [...e.message.matchAll(/^\s+- .*\[([a-z0-9-]+)\]$/gm)].map((m) => m[1]);
    return { accepted: false, codes: [...new Set(codes)].sort() };
  }
  const text = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
  throw new Error(`${where} threw something other than TierConfigError for ${describeConfig(config)}:\n${text}`);
}

function renderCdk(config: TierConfig): Outcome {
  try {
    const app = createTestApp();
    const stack = new Stack(app, 'Fuzz');
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
    new CdkTier(stack, 'Tier', { ...withServerStart(config), hostedZone });
    // Synthesis runs the post-synthesis check (node.addValidation) over the rendered resources.
    Template.fromStack(stack);
    return { accepted: true, codes: [] };
  } catch (e) {
    return libraryError(e, 'CDK', config);
  }
}

async function renderPulumi(config: TierConfig): Promise<Outcome> {
  // A refusal is caught inside the program, so the refused component's pending registrations
  // settle under the same mocks (caught outside, they would reach the next config's mocks).
  let refused: { error: unknown } | undefined;
  try {
    await recordProgram(() => {
      try {
        new PulumiTier('fuzz', { ...withServerStart(config), hostedZoneId: TEST_ZONE.hostedZoneId, hostedZoneName: TEST_ZONE.zoneName });
      } catch (error) {
        refused = { error };
      }
    });
  } catch (e) {
    return libraryError(e, 'Pulumi (while settling)', config);
  }
  return refused ? libraryError(refused.error, 'Pulumi', config) : { accepted: true, codes: [] };
}

describe(`model fuzz: ${CONFIGS} seeded configs (seed ${SEED})`, () => {
  const verdicts = SAMPLE.map((config) => {
    try {
      return { config, issues: validateTier(config), thrown: undefined as unknown };
    } catch (e) {
      return { config, issues: [] as Issue[], thrown: e };
    }
  });

  it('the sample covers every kind of case: accepted, refused, wrong types, misspellings, many cells', () => {
    const refused = verdicts.filter((v) => errorsOf(v.issues).length > 0);
    const codes = new Set(refused.flatMap((v) => codesOf(v.issues)));
    expect(verdicts.length - refused.length).toBeGreaterThan(CONFIGS / 20);
    expect(refused.length).toBeGreaterThan(CONFIGS / 4);
    if (CONFIGS >= 1000) {
      for (const code of [
        'bigint-value',
        'not-a-finite-number',
        'not-a-boolean',
        'not-a-string',
        'unknown-key',
        'stack-resource-limit',
        'domain-ip-address',
      ]) {
        expect([code, codes.has(code)]).toEqual([code, true]);
      }
      expect(SAMPLE.filter((c) => MISSPELLINGS.has(c)).length).toBeGreaterThan(CONFIGS / 20);
    }
  });

  it('validateTier never throws, and every issue is the library format: a code; an error also a field and its fix', () => {
    const bad: string[] = [];
    for (const v of verdicts) {
      if (v.thrown !== undefined) bad.push(`threw ${String(v.thrown)} for ${describeConfig(v.config)}`);
      for (const i of v.issues) {
        const ok =
          CODE.test(i.code) && typeof i.path === 'string' && (i.severity === 'warning' || (i.path !== '' && /Fix: \S/.test(i.message)));
        if (!ok) bad.push(`${JSON.stringify(i)} for ${describeConfig(v.config)}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('every accepted config resolves, and each sized group can scale under its policy (max above min, or the fixed-size warning)', () => {
    const bad: string[] = [];
    for (const v of verdicts.filter((x) => errorsOf(x.issues).length === 0)) {
      try {
        const tier = resolveTier(v.config);
        tier.cells.forEach((cell, i) => {
          const a = cell.autoScaling;
          const warned = v.issues.some((x) => x.code === 'scaling-fixed-size' && x.path === `cells[${i}].scaling`);
          if (a.maxCapacity <= a.minCapacity && !warned)
            bad.push(`cells[${i}] min ${a.minCapacity} max ${a.maxCapacity} for ${describeConfig(v.config)}`);
        });
      } catch (e) {
        bad.push(`resolveTier threw ${String(e)} for ${describeConfig(v.config)}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('a misspelled or unknown key is reported (never ignored) unless it sits under an error or in a map of user names', () => {
    const bad: string[] = [];
    for (const v of verdicts) {
      const m = MISSPELLINGS.get(v.config);
      if (m && !FREE_FORM.some((re) => re.test(m.parent))) {
        const field = m.parent ? `${m.parent}.${m.to}` : m.to;
        const reported = v.issues.some((i) => i.path === field || i.message.includes(m.to));
        const under = errorsOf(v.issues).some(
          (i) => m.parent === i.path || m.parent.startsWith(`${i.path}.`) || m.parent.startsWith(`${i.path}[`),
        );
        // a required key misspelled is reported as missing (its own code names the original field)
        const missing = v.issues.some((i) => i.path === (m.parent ? `${m.parent}.${m.from}` : m.from));
        if (!reported && !under && !missing)
          bad.push(`${m.parent || '<top>'}: ${m.from} → ${m.to} not reported for ${describeConfig(v.config)}`);
      }
      const top = v.config as unknown as Record<string, unknown>;
      if ('conection' in top && !v.issues.some((i) => i.path === 'conection'))
        bad.push(`top-level "conection" not reported for ${describeConfig(v.config)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  const small = verdicts.filter((v) => Array.isArray(v.config.cells) && v.config.cells.length <= 4);
  // Accepted configs with an allocator are refused by both renderers at once (allocator-not-rendered), so
  // they would not exercise synthesis: the accepted part of the rendered sample has none.
  const acceptedSmall = small.filter(
    (v) => errorsOf(v.issues).length === 0 && (v.config as { allocator?: unknown }).allocator === undefined,
  );
  const refusedSmall = small.filter((v) => errorsOf(v.issues).length > 0);
  const nAccepted = Math.min(acceptedSmall.length, Math.ceil((RENDERS * 2) / 3));
  const rendered = [...acceptedSmall.slice(0, nAccepted), ...refusedSmall.slice(0, RENDERS - nAccepted)];

  it(`CDK and Pulumi render ${RENDERS} configs alike: the same verdict as core, the same error codes, no foreign error; accepted ones pass the post-synthesis check`, async () => {
    expect(rendered.length).toBe(RENDERS);
    const disagreements: string[] = [];
    let ecsGap = 0;
    for (const v of rendered) {
      const core: Outcome = { accepted: errorsOf(v.issues).length === 0, codes: codesOf(v.issues) };
      const cdk = renderCdk(v.config);
      const pulumi = await renderPulumi(v.config);
      // The renderers must agree with each other exactly, and with core up to the checks only a renderer
      // can make (how the server starts, the domain vs the hosted zone): any other difference is a finding.
      const show = (o: Outcome) => (o.accepted ? 'accepted' : `refused [${o.codes.join(', ')}]`);
      const beyondCore = (o: Outcome) => o.codes.filter((c) => !core.codes.includes(c) && !RENDERER_CODES.has(c));
      const missing = (o: Outcome) => core.codes.filter((c) => !o.codes.includes(c));
      if (cdk.accepted && !pulumi.accepted && pulumi.codes.length === 1 && pulumi.codes[0] === PULUMI_ECS_GAP) {
        ecsGap++;
        continue;
      }
      if (
        show(cdk) !== show(pulumi) ||
        beyondCore(cdk).length > 0 ||
        missing(cdk).length > 0 ||
        (core.accepted !== cdk.accepted && cdk.codes.every((c) => !RENDERER_CODES.has(c)))
      ) {
        disagreements.push(`core ${show(core)}, CDK ${show(cdk)}, Pulumi ${show(pulumi)} for ${describeConfig(v.config)}`);
      }
    }
    if (ecsGap > 0)
      console.log(
        `model fuzz: ${ecsGap} of ${RENDERS} rendered configs are ECS tiers CDK renders and Pulumi refuses (${PULUMI_ECS_GAP}, the known gap)`,
      );
    expect({ disagreements: disagreements.length, first: disagreements.slice(0, 5) }).toEqual({ disagreements: 0, first: [] });
  }, 600_000);
});
