// Jest reporter: ends every run with the plain line `N passed, N failed` from jest's own counts,
// so CI can tell a run that executed tests from one that executed none, and a run that failed from
// one that passed. Jest counts only failed tests in `numFailedTests`; a test file that fails to load,
// or whose hooks throw, fails no test, so each such file counts as one failure here. The line is
// written when the process exits (jest prints its own summary after custom reporters run), and a
// non-zero exit code with nothing counted as failed still reads as one failure.
'use strict';

/** The counts behind the closing line, from jest's aggregated results and the exit code. */
function summaryCounts(results, exitCode) {
  const brokenFiles = results.testResults
    .filter((file) => file.numFailingTests === 0 && (file.testExecError !== undefined && file.testExecError !== null || Boolean(file.failureMessage)))
    .length;
  let failed = results.numFailedTests + brokenFiles + (results.runExecError ? 1 : 0);
  if (failed === 0 && (results.snapshot && results.snapshot.failure)) { failed = 1; }
  if (failed === 0 && exitCode !== 0) { failed = 1; }
  return { passed: results.numPassedTests, failed, skipped: results.numPendingTests + results.numTodoTests };
}

/** The closing line itself. */
function summaryLine(results, exitCode) {
  const { passed, failed, skipped } = summaryCounts(results, exitCode);
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    process.once('exit', (code) => process.stdout.write(`\n${summaryLine(results, code ?? process.exitCode ?? 0)}\n`));
  }
}

module.exports = SummaryLineReporter;
module.exports.summaryLine = summaryLine;
