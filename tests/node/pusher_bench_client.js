// pusher-js reference client for `cargo xtask bench realtime` (crates/pusher/examples/realtime_bench.rs).
// Usage: node pusher_bench_client.js <port> <key> <mode> [channels]
//   mode "events": subscribe to bench-events and bench-latency-js; print {"type":"ready"} once both are
//                  subscribed, then
//                  {"type":"result", ...} after the "bench-end" event.
//   mode "memory": subscribe to <channels> channels, print {"type":"memory","rss":bytes}.
'use strict';
const Pusher = require('pusher-js');

const [port, key, mode, channelCount] = process.argv.slice(2);
const pusher = new Pusher(key, {
  cluster: 'mt1',
  wsHost: '127.0.0.1',
  wsPort: Number(port),
  forceTLS: false,
  enabledTransports: ['ws'],
  disableStats: true,
});
let connects = 0;
pusher.connection.bind('connected', () => { connects += 1; });
const print = (value) => process.stdout.write(JSON.stringify(value) + '\n');
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

if (mode === 'memory') {
  const count = Number(channelCount || 100);
  let subscribed = 0;
  for (let i = 0; i < count; i++) {
    pusher.subscribe(`bench-memory-${i}`).bind('pusher:subscription_succeeded', () => {
      subscribed += 1;
      if (subscribed === count) {
        setTimeout(() => {
          if (global.gc) global.gc();
          print({ type: 'memory', rss: process.memoryUsage().rss });
          pusher.disconnect();
          process.exit(0);
        }, 1000);
      }
    });
  }
} else {
  const latencies = [];
  let burstCount = 0;
  let burstFirst = 0;
  let burstLast = 0;
  let cpuAtFirstBurst = null;
  const channel = pusher.subscribe('bench-events');
  const latencyChannel = pusher.subscribe('bench-latency-js');
  let ready = 0;
  const onReady = () => {
    ready += 1;
    if (ready === 2) print({ type: 'ready' });
  };
  channel.bind('pusher:subscription_succeeded', onReady);
  latencyChannel.bind('pusher:subscription_succeeded', onReady);
  latencyChannel.bind('latency', (data) => latencies.push(nowMicros() - data.sent_at_us));
  channel.bind('burst', () => {
    const now = nowMicros();
    if (burstCount === 0) {
      burstFirst = now;
      cpuAtFirstBurst = process.cpuUsage();
    }
    burstLast = now;
    burstCount += 1;
  });
  channel.bind('bench-end', () => {
    const cpu = cpuAtFirstBurst ? process.cpuUsage(cpuAtFirstBurst) : { user: NaN, system: NaN };
    print({ connects, burst_cpu_ms: (cpu.user + cpu.system) / 1000, type: 'result', latencies_us: latencies, burst_count: burstCount,
            burst_first_us: burstFirst, burst_last_us: burstLast });
    pusher.disconnect();
    process.exit(0);
  });
}
