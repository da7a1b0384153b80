// What the proxy costs (scripts/bench --dap): session start (spawn → `initialized` event) and the
// round trip of small requests (`threads`, `stackTrace` while stopped), `dlv dap` directly
// versus through `debugdoctor dap`, alternating runs. Prints a JSON document.
//
// Usage: node bench.js DLV PROXY_AS_DLV PROGRAM SOURCE LINE [sessions] [requests]
'use strict';
const cp = require('child_process');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const [dlv, proxy, program, source, line] = process.argv.slice(2, 7);
const sessions = Number(process.argv[7] || 7);
const requests = Number(process.argv[8] || 300);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function one(adapter) {
  const t0 = now();
  const p = cp.spawn(adapter, ['dap', '--listen=127.0.0.1:0', '--log-dest=3'], {
    env: Object.assign({}, process.env, { DEBUGDOCTOR_DLV: dlv }),
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const port = await new Promise((resolve) =>
    p.stdio[3].on('data', (d) => {
      const m = /^DAP server listening at: \S+:(\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    })
  );
  const dc = new DebugClient('node', 'unused', 'go');
  await dc.start(port);
  await dc.initializeRequest({ adapterID: 'go', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const init = dc.waitForEvent('initialized', 30000).then(() => now() - t0);
  const [, start] = await Promise.all([dc.launchRequest({ mode: 'exec', program }), init]);
  await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: Number(line) }] });
  const stopped = dc.waitForEvent('stopped', 30000);
  await dc.configurationDoneRequest();
  const ev = await stopped;
  const rtt = [];
  for (let i = 0; i < requests; i++) {
    const a = now();
    if (i % 2) await dc.threadsRequest();
    else await dc.stackTraceRequest({ threadId: ev.body.threadId, startFrame: 0, levels: 5 });
    rtt.push(now() - a);
  }
  await dc.disconnectRequest({ terminateDebuggee: true });
  await new Promise((r) => (p.exitCode !== null ? r() : p.on('exit', r)));
  return { start, rtt };
}

(async () => {
  const res = { direct: { start: [], rtt: [] }, proxy: { start: [], rtt: [] }, pairs: [] };
  await one(dlv); // warm-up (page cache)
  await one(proxy);
  // Pairs in alternating order, so a load change on the machine hits both sides alike; the
  // added start is the median of the pairs' differences.
  for (let i = 0; i < sessions; i++) {
    const order = i % 2 ? [['proxy', proxy], ['direct', dlv]] : [['direct', dlv], ['proxy', proxy]];
    const pair = {};
    for (const [k, a] of order) {
      const r = await one(a);
      res[k].start.push(r.start);
      res[k].rtt.push(...r.rtt);
      pair[k] = r.start;
    }
    res.pairs.push(pair.proxy - pair.direct);
  }
  const out = {
    sessions,
    requests_per_session: requests,
    start_ms: { direct: median(res.direct.start), proxy: median(res.proxy.start) },
    rtt_ms: { direct: median(res.direct.rtt), proxy: median(res.proxy.rtt) },
  };
  out.added_start_ms = median(res.pairs);
  out.added_rtt_ms = out.rtt_ms.proxy - out.rtt_ms.direct;
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
