// Jest global setup and teardown: every temporary folder the tests make (each App without an
// outdir synthesizes into a new `cdk.out*` folder under the system temp dir) goes into one folder
// of this run, removed when the run ends. Workers start after global setup, so they inherit TMPDIR.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const KEY = 'CDK_HARDENED_EKS_TEST_TMPDIR';

async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-hardened-eks-test-'));
  process.env[KEY] = dir;
  process.env.TMPDIR = dir;
}

async function teardown() {
  const dir = process.env[KEY];
  if (dir) { fs.rmSync(dir, { recursive: true, force: true }); }
}

module.exports = { setup, teardown };
