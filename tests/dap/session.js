// Drives one DAP session with @vscode/debugadapter-testsupport's DebugClient, the way
// vscode-go starts Delve: `ADAPTER dap --listen=127.0.0.1:0 --log-dest=3`, wait for
// "DAP server listening at:" on fd 3, connect over TCP. A recording relay between the
// client and the adapter keeps every byte the adapter sent. Prints one JSON document.
//
// Usage: node session.js SCENARIO.json   (see tests/it/dap.rs for the fields)
'use strict';
const cp = require('child_process');
const net = require('net');
const fs = require('fs');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const sc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const deadline = (p, ms, what) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout: ${what}`)), ms))]);

// Splits recorded bytes into DAP frames (raw body text).
function frames(buf) {
  const out = [];
  let at = 0;
  while (at < buf.length) {
    const end = buf.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const m = /Content-Length: (\d+)/.exec(buf.slice(at, end).toString('latin1'));
    if (!m) break;
    const len = Number(m[1]);
    out.push(buf.slice(end + 4, end + 4 + len).toString('utf8'));
    at = end + 4 + len;
  }
  return out;
}

async function main() {
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  const timing = {};
  // `connect`: a Delve already listening (`dlv --headless`, vscode-go's remote attach);
  // else the adapter is started here.
  let adapter = null;
  let stderr = '';
  let stdout = '';
  let addr = sc.connect;
  if (!addr) {
    adapter = cp.spawn(sc.adapter[0], [...sc.adapter.slice(1), 'dap', ...(sc.dlvFlags || []), '--listen=127.0.0.1:0', '--log-dest=3'], {
      cwd: sc.cwd,
      env: Object.assign({}, process.env, sc.env || {}),
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    adapter.stderr.on('data', (d) => (stderr += d));
    addr = await deadline(
      new Promise((resolve, reject) => {
        const seen = (d) => {
          const s = d.toString();
          const m = /^DAP server listening at: (\S+)/.exec(s);
          if (m) resolve(m[1]);
        };
        adapter.stdio[3].on('data', seen);
        adapter.stdout.on('data', (d) => {
          stdout += d;
          seen(d);
        });
        adapter.on('exit', (c) => reject(new Error(`adapter exited ${c}: ${stderr}`)));
      }),
      20000,
      'listening message'
    );
  }
  timing.listening = ms();
  const port = Number(addr.split(':').pop());

  // Recording relay: client <-> relay <-> adapter.
  const fromAdapter = [];
  const relay = net.createServer((c) => {
    const a = net.createConnection(port, '127.0.0.1');
    a.setNoDelay(true);
    c.setNoDelay(true);
    a.on('data', (d) => {
      fromAdapter.push(d);
      c.write(d);
    });
    c.on('data', (d) => a.write(d));
    a.on('close', () => c.destroy());
    c.on('close', () => a.destroy());
    a.on('error', () => {});
    c.on('error', () => {});
  });
  await new Promise((r) => relay.listen(0, '127.0.0.1', r));

  // Another user tries the adapter's port: connected-then-closed without a byte, or
  // refused, is a refusal.
  const intrude = () =>
    new Promise((resolve) => {
      const code = `const s=require('net').createConnection(${port},'127.0.0.1');let got=0;` +
        `s.on('data',d=>got+=d.length);s.on('error',e=>{console.log(e.code);process.exit(0)});` +
        `s.on('close',()=>{console.log(got?'data':'closed');process.exit(0)});` +
        `s.on('connect',()=>s.write('Content-Length: 2\\r\\n\\r\\n{}'));setTimeout(()=>{console.log(got?'data':'open');process.exit(0)},3000)`;
      cp.execFile('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', code], (err, out, errOut) =>
        resolve(err ? `error: ${err} ${errOut}` : out.trim())
      );
    });
  const dc = new DebugClient('node', 'unused', 'go');
  const result = { stops: [], breakpoints: [], steps: [], outputs: [], errors: [], intruder: [] };
  if (sc.intruder) result.intruder.push(await intrude());
  dc.on('output', (e) => result.outputs.push(e.body));
  await dc.start(relay.address().port);
  await deadline(dc.initializeRequest({ adapterID: 'go', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' }), 10000, 'initialize');
  const initialized = dc.waitForEvent('initialized', 60000);
  const launch = sc.attach ? dc.attachRequest(sc.launch) : dc.launchRequest(sc.launch);
  await deadline(Promise.all([launch, initialized]), 120000, 'launch');
  timing.initialized = ms();
  for (const f of sc.files) {
    const r = await dc.setBreakpointsRequest({ source: { path: f.path }, breakpoints: f.lines.map((line) => ({ line })) });
    result.breakpoints.push(r.body.breakpoints);
  }
  if (sc.functions) {
    const r = await dc.setFunctionBreakpointsRequest({ breakpoints: sc.functions.map((name) => ({ name })) });
    result.functions = r.body.breakpoints;
  }
  if (sc.intruder) result.intruder.push(await intrude());
  const stopped = () => deadline(dc.waitForEvent('stopped', 60000), 60000, 'stopped');
  const terminated = dc.waitForEvent('terminated', 120000).then(() => 'terminated');
  let next = stopped();
  await dc.configurationDoneRequest();
  for (let i = 0; i < (sc.maxStops ?? 3); i++) {
    const ev = await Promise.race([next, terminated]);
    if (ev === 'terminated') break;
    const tid = ev.body.threadId;
    const st = await dc.stackTraceRequest({ threadId: tid, startFrame: 0, levels: 1 });
    const top = st.body.stackFrames[0];
    const scopes = await dc.scopesRequest({ frameId: top.id });
    const vars = [];
    for (const s of scopes.body.scopes.slice(0, 1)) {
      const v = await dc.variablesRequest({ variablesReference: s.variablesReference });
      for (const x of v.body.variables) vars.push(`${x.name}=${x.value}`);
    }
    result.stops.push({ reason: ev.body.reason, line: top.line, name: top.name, vars });
    if (i === 0 && sc.step) {
      next = stopped();
      await dc.nextRequest({ threadId: tid });
      const s2 = await next;
      const st2 = await dc.stackTraceRequest({ threadId: s2.body.threadId, startFrame: 0, levels: 1 });
      result.steps.push({ line: st2.body.stackFrames[0].line, name: st2.body.stackFrames[0].name });
    }
    next = stopped();
    await dc.continueRequest({ threadId: tid });
  }
  next.catch(() => {});
  terminated.catch(() => {});
  await deadline(dc.disconnectRequest({ terminateDebuggee: !sc.attach }), 20000, 'disconnect');
  const code = adapter
    ? await deadline(
        new Promise((r) => (adapter.exitCode !== null ? r(adapter.exitCode) : adapter.on('exit', (c, s) => r(c === null ? s : c)))),
        20000,
        'adapter exit'
      )
    : null;
  relay.close();
  result.exit = code;
  result.timing = timing;
  result.frames = frames(Buffer.concat(fromAdapter));
  result.stderr = stderr;
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ fatal: String(e && e.stack ? e.stack : e) }));
  process.exit(1);
});
