// Jest reporter: ends every run with the plain line `N passed, N failed` from jest's own counts,
// so CI can tell a run that executed tests from one that executed none. Jest's own summary is
// printed after custom reporters run, so the line is written when the process exits.
'use strict';
class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${tail}`;
    process.once('exit', () => process.stdout.write(`\n${line}\n`));
  }
}
module.exports = SummaryLineReporter;
