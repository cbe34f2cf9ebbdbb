// Property tests run from one fixed seed in CI so a run is reproducible: a failure found once is
// found every time, and a green run cannot turn red on an unrelated submission. Explore new cases
// with FC_SEED=random (or any integer) locally; a failing seed is printed by fast-check.
const fc = require('fast-check');

const raw = process.env.FC_SEED;
if (raw !== 'random') {
  const seed = raw === undefined || raw === '' ? 20261202 : Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED is ${JSON.stringify(raw)}; allowed: an integer or "random".`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
