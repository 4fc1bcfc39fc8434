import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const JEST = require.resolve('jest/bin/jest');

/** Runs jest with the project's summary reporter on one fixture file; returns the closing line and exit code. */
function runFixture(file: string): { line: string; status: number | null } {
  const config = {
    rootDir: path.join(__dirname, 'fixtures'),
    testMatch: [`**/${file}`],
    transform: {},
    reporters: [path.join(__dirname, 'summary-line.js')],
  };
  const run = spawnSync(process.execPath, [JEST, '--config', JSON.stringify(config), '--ci', '--runInBand'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' },
  });
  const lines = run.stdout.trim().split('\n');
  return { line: lines[lines.length - 1], status: run.status };
}

describe('the closing line', () => {
  test('counts a file that fails to load as a failure', () => {
    const { line, status } = runFixture('throws-at-load.fixture.js');
    expect(status).not.toBe(0);
    expect(line).toBe('0 passed, 1 failed');
  });

  test('counts a file whose hook throws as a failure, beside its passing test', () => {
    const { line, status } = runFixture('hook-throws.fixture.js');
    expect(status).not.toBe(0);
    expect(line).toBe('1 passed, 1 failed');
  });

  test('reads 0 failed for a run that passed', () => {
    const { line, status } = runFixture('passes.fixture.js');
    expect(status).toBe(0);
    expect(line).toBe('1 passed, 0 failed');
  });

  test('counts a non-zero exit with no failure recorded as one failure', () => {
    const { summaryLine } = require('./summary-line.js');
    const clean = {
      numPassedTests: 3, numFailedTests: 0, numPendingTests: 1, numTodoTests: 0,
      testResults: [{ numFailingTests: 0, failureMessage: null }], snapshot: { failure: false },
    };
    expect(summaryLine(clean, 0)).toBe('3 passed, 0 failed, 1 skipped');
    expect(summaryLine(clean, 1)).toBe('3 passed, 1 failed, 1 skipped');
    expect(summaryLine({ ...clean, snapshot: { failure: true } }, 0)).toBe('3 passed, 1 failed, 1 skipped');
  });
});
