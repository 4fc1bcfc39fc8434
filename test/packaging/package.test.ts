import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { packedFiles, packageProblems } = require('../../scripts/package-contents.js');

const ROOT = path.join(__dirname, '..', '..');

/**
 * A copy of this package's manifest and docs in a temp folder, with a stand-in for the build
 * output (dist/, .jsii) and the files a working copy also holds (sources, tests, build state, other
 * dependencies), so `npm pack --dry-run` shows what the `files` list and the bundled dependencies
 * let through, without a build.
 */
function layOut(editManifest: (manifest: any) => void = () => {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  editManifest(manifest);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const file of ['README.md', 'API.md', 'LICENSE', 'CHANGELOG.md', 'tsconfig.dev.json']) {
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('dist/index.js', 'module.exports = {};');
  write('dist/index.d.ts', 'export {};');
  write('dist/nodes/hardened-node-group.js', '');
  write('dist/tsconfig.tsbuildinfo', '{}');
  write('.jsii', '{}');
  write('lib/index.ts', '');
  write('test/a.test.ts', '');
  write('examples/basic.ts', '');
  write('cdk.out/manifest.json', '{}');
  write('node_modules/left-pad/package.json', JSON.stringify({ name: 'left-pad', version: '1.0.0' }));
  fs.cpSync(path.join(ROOT, 'node_modules', 'smol-toml'), path.join(dir, 'node_modules', 'smol-toml'), { recursive: true });
  return dir;
}

describe('the npm package', () => {
  const dir = layOut();
  const files: string[] = packedFiles(dir);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('holds LICENSE, README.md, API.md, CHANGELOG.md, .jsii, dist/ and the bundled smol-toml, and nothing else of the working copy', () => {
    expect(packageProblems(files)).toEqual([]);
    expect(files).toContain('dist/nodes/hardened-node-group.js');
    expect(files.some((f) => f.startsWith('node_modules/smol-toml/dist/'))).toBe(true);
  });

  test('the check fails for a package that leaves out API.md and packs test/', () => {
    const broken = layOut((m) => { m.files = m.files.filter((f: string) => f !== 'API.md').concat('test/'); });
    try {
      expect(packageProblems(packedFiles(broken))).toEqual(['missing: API.md', 'must not be packed: test/a.test.ts']);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});
