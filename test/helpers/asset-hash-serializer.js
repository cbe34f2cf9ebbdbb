// Snapshot serializer: replaces 64-hex asset hashes so snapshots do not churn when the example
// server bundle (or the Node version that produced it) changes.
const HASH = /[0-9a-f]{64}/g;
module.exports = {
  test: (val) => typeof val === 'string' && HASH.test(val) && ((HASH.lastIndex = 0), true),
  serialize: (val, config, indentation, depth, refs, printer) =>
    printer(val.replace(HASH, '[ASSET-HASH]'), config, indentation, depth, refs),
};
