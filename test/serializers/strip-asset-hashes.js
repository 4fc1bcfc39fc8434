// Snapshot serializer: replaces asset hashes (64 hex characters, alone or in a file name) with a
// placeholder, so a snapshot changes when the template changes, not when a bundled asset does.
'use strict';
// Not a content digest (`sha256:<hex>`): a changed image digest must change the snapshot.
const ASSET_HASH = /(?<!sha256:)(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g;
const MARK = Symbol.for('cdk-hardened-eks.assetHashesStripped');

module.exports = {
  test(value) {
    return value !== null && typeof value === 'object' && !value[MARK] && JSON.stringify(value).match(ASSET_HASH) !== null;
  },
  serialize(value, config, indentation, depth, refs, printer) {
    const stripped = JSON.parse(JSON.stringify(value).replace(ASSET_HASH, '<asset hash>'));
    Object.defineProperty(stripped, MARK, { value: true, enumerable: false });
    return printer(stripped, config, indentation, depth, refs);
  },
};
