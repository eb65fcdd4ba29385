// pusher-js reference client for the guest flood (`cargo xtask bench chat`,
// tests/examples/guest_flood.rs): what a plain Pusher client subscribed to the same conversation
// channel receives, beside what the desk stores.
// Usage: node chat_flood_client.js <host> <port> <key> <channel> <after_id> <expected>
//   prints {"type":"ready"} once subscribed; counts the distinct `new-message` events of messages
//   newer than <after_id>; prints {"type":"all","count":n,"at_us":t} when <expected> have arrived,
//   and {"type":"progress","count":n,"last_at_us":t} each second the count changed. Ends when its
//   standard input closes.
'use strict';
const Pusher = require('pusher-js');

const [host, port, key, channelName, afterId, expected] = process.argv.slice(2);
const after = Number(afterId);
const wanted = Number(expected);
const pusher = new Pusher(key, {
  cluster: 'mt1',
  wsHost: host,
  wsPort: Number(port),
  forceTLS: false,
  enabledTransports: ['ws'],
  disableStats: true,
});
const print = (value) => process.stdout.write(JSON.stringify(value) + '\n');
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

const seen = new Set();
let lastAt = 0;
let printedCount = 0;
const channel = pusher.subscribe(channelName);
channel.bind('pusher:subscription_succeeded', () => print({ type: 'ready' }));
channel.bind('new-message', (data) => {
  const message = typeof data === 'string' ? JSON.parse(data) : data;
  const id = Number(message && message.id);
  if (!(id > after) || seen.has(id)) return;
  seen.add(id);
  lastAt = nowMicros();
  if (seen.size === wanted) print({ type: 'all', count: seen.size, at_us: lastAt });
});
setInterval(() => {
  if (seen.size !== printedCount) {
    printedCount = seen.size;
    print({ type: 'progress', count: seen.size, last_at_us: lastAt });
  }
}, 1000);
process.stdin.resume();
process.stdin.on('end', () => {
  pusher.disconnect();
  process.exit(0);
});
