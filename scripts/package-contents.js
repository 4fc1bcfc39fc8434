// What the npm package must hold, and what it must not. `node scripts/package-contents.js` checks
// the package `npm pack` would make from this folder (after `npm run build`); the tests check the
// same rules on a package laid out in a temp folder, so they need no build.
'use strict';
const { execFileSync } = require('child_process');

const REQUIRED = ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'API.md', '.jsii', 'dist/index.js', 'dist/index.d.ts', 'node_modules/smol-toml/package.json'];
const FORBIDDEN = [/^test\//, /^lib\//, /^examples\//, /^bench\//, /^scripts\//, /^\.ci\//, /^cdk\.out\//, /\.tsbuildinfo$/, /^tsconfig/, /^node_modules\/(?!smol-toml\/)/];

/** The paths `npm pack --dry-run` lists for the package in `dir`. */
function packedFiles(dir) {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out)[0].files.map((f) => f.path).sort();
}

/** What is wrong with a package holding `files`; empty when nothing is. */
function packageProblems(files) {
  const problems = REQUIRED.filter((f) => !files.includes(f)).map((f) => `missing: ${f}`);
  for (const f of files) {
    if (FORBIDDEN.some((re) => re.test(f))) { problems.push(`must not be packed: ${f}`); }
  }
  return problems;
}

module.exports = { packedFiles, packageProblems, REQUIRED };

if (require.main === module) {
  const problems = packageProblems(packedFiles(process.cwd()));
  if (problems.length > 0) {
    console.error(`The npm package is not right (run 'npm run build' first):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('The npm package holds what it must and nothing from test/, lib/ or the build state.');
}
