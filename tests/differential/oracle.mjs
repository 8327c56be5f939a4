// Differential-testing oracle: answers authorization cases with the evaluation core of
// @cloud-copilot/iam-simulate, run as a separate process so that the package (AGPL) is
// only ever used from outside our code. install-oracle.sh puts the package in
// tests/differential/node_modules; this script installs nothing.
//
// Protocol: one JSON object per line on stdin, one JSON object per line on stdout, in
// the same order.
//
//   case  {"id": 7, "principal": "arn:..." | {"type": "Anonymous"}, "action": "s3:GetObject",
//          "resource": {"arn": "arn:...", "account": "111122223333"},
//          "context": {"aws:Key": "v" | ["a", "b"]},
//          "identity": [doc...], "boundary": [doc...], "session": doc | null,
//          "scps": [[doc...] per level], "rcps": [[doc...] per level], "resourcePolicy": doc | null}
//   ->    {"id": 7, "decision": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied"}
//         or {"id": 7, "error": "..."} when the oracle threw.
//
//   timing {"id": 8, "time": <case as above>, "iterations": 2000}
//   ->    {"id": 8, "decision": ..., "loadAndEvalNs": median, "evalOnlyNs": median}
//         loadAndEvalNs parses the policy documents and evaluates (what a caller of the
//         library pays per simulation); evalOnlyNs evaluates policies loaded beforehand.
//
// Policy documents are JSON values (objects), not text.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
const modulesDir = process.env.IAMD_ORACLE_MODULES || join(here, 'node_modules');

async function loadOracle() {
  const require = createRequire(join(modulesDir, 'noop.js'));
  let pkgJson;
  try {
    pkgJson = require.resolve('@cloud-copilot/iam-simulate/package.json');
  } catch {
    // The package's "exports" map may hide package.json; find it by walking the tree.
    pkgJson = join(modulesDir, '@cloud-copilot', 'iam-simulate', 'package.json');
  }
  const pkgDir = dirname(pkgJson);
  const esm = (rel) => import(pathToFileURL(join(pkgDir, 'dist', 'esm', rel)).href);
  // The public entry point either validates against the service reference (rejecting
  // the small synthetic alphabets the generator uses) or drops session policies; the
  // evaluation core takes everything as given, which is what a semantic comparison needs.
  const core = await esm('core_engine/CoreSimulatorEngine.js');
  const request = await esm('request/request.js');
  const context = await esm('requestContext.js');
  const discovery = await esm('context_keys/discoveryContextKeyConstraints.js');
  // Resolving from the simulator's own directory finds the iam-policy copy it uses; the
  // resolved file is the CommonJS build (dist/cjs/index.js), whose ESM twin we load so
  // that both sides share one module instance.
  const policyCjs = createRequire(join(pkgDir, 'noop.js')).resolve('@cloud-copilot/iam-policy');
  const policyRoot = dirname(dirname(dirname(policyCjs)));
  const iamPolicy = await import(pathToFileURL(join(policyRoot, 'dist', 'esm', 'index.js')).href);
  return { core, request, context, discovery, iamPolicy };
}

let oracle;
try {
  oracle = await loadOracle();
} catch (err) {
  process.stderr.write(
    `oracle: cannot load @cloud-copilot/iam-simulate from ${modulesDir}: ${err.message}\n` +
      'oracle: run tests/differential/install-oracle.sh first\n',
  );
  process.exit(3);
}

const { core, request, context, discovery, iamPolicy } = oracle;

function loadPolicies(c) {
  let n = 0;
  const load = (doc) => iamPolicy.loadPolicy(doc, { name: `p${n++}` });
  const levels = (list) =>
    (list || []).map((docs, i) => ({ orgIdentifier: `level-${i}`, policies: docs.map(load) }));
  return {
    identityPolicies: (c.identity || []).map(load),
    permissionBoundaries: c.boundary && c.boundary.length > 0 ? c.boundary.map(load) : undefined,
    sessionPolicy: c.session ? load(c.session) : undefined,
    serviceControlPolicies: levels(c.scps),
    resourceControlPolicies: levels(c.rcps),
    resourcePolicy: c.resourcePolicy ? load(c.resourcePolicy) : undefined,
  };
}

function buildRequest(c) {
  const ctx = new context.RequestContextImpl(c.context || {});
  return new request.AwsRequestImpl(
    c.principal,
    { resource: c.resource.arn, accountId: c.resource.account },
    c.action,
    ctx,
  );
}

function authorize(c, loaded) {
  const analysis = core.authorize({
    request: buildRequest(c),
    ...loaded,
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: 'Strict',
      discoveryContextKeyConstraints: new discovery.DiscoveryContextKeyConstraints([]),
    },
    serviceSettings: {},
  });
  return analysis.result;
}

function decide(c) {
  return authorize(c, loadPolicies(c));
}

function median(samples) {
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function time(c, iterations) {
  const n = Math.max(1, iterations | 0);
  // Warm the JIT before measuring, as a long-lived caller would be.
  for (let i = 0; i < Math.min(n, 500); i++) decide(c);
  const full = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    decide(c);
    full.push(Number(process.hrtime.bigint() - t0));
  }
  const loaded = loadPolicies(c);
  const evalOnly = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    authorize(c, loaded);
    evalOnly.push(Number(process.hrtime.bigint() - t0));
  }
  return { loadAndEvalNs: median(full), evalOnlyNs: median(evalOnly) };
}

function answer(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (err) {
    return { id: null, error: `bad input line: ${err.message}` };
  }
  const id = msg.id ?? null;
  try {
    if (msg.time) {
      const decision = decide(msg.time);
      return { id, decision, ...time(msg.time, msg.iterations) };
    }
    return { id, decision: decide(msg) };
  } catch (err) {
    return { id, error: String(err && err.message ? err.message : err) };
  }
}

// Answers are written in batches: one write per line would dominate the cost of a
// million cases. A batch is flushed once the input chunk at hand is drained
// (setImmediate runs after the pending I/O callbacks), so a caller that waits for each
// answer before sending the next case is answered at once.
let pending = [];
let scheduled = false;
const flush = () => {
  scheduled = false;
  if (pending.length > 0) {
    process.stdout.write(pending.join(''));
    pending = [];
  }
};
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  pending.push(JSON.stringify(answer(line)) + '\n');
  if (pending.length >= 512) {
    flush();
  } else if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
rl.on('close', flush);
