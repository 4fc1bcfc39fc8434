// Jest reporter: ends every run with the plain line `N passed, N failed` from jest's own counts,
// so CI can tell a run that executed tests from one that executed none.
'use strict';
class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${results.numPassedTests} passed, ${results.numFailedTests} failed${tail}\n`);
  }
}
module.exports = SummaryLineReporter;
