// PouchDB replicating N documents of about 300 bytes from an express-pouchdb server
// over loopback into an in-memory PouchDB: a plain pull with the default batch size.
// Prints "pouchdb_pull_seconds S" (median of 3 pulls).
const PouchDB = require('pouchdb');
PouchDB.plugin(require('pouchdb-adapter-memory'));
const express = require('express');

const N = parseInt(process.argv[2] || '20000', 10);
const MemPouch = PouchDB.defaults({ adapter: 'memory' });

async function main() {
  const app = express();
  app.use('/', require('express-pouchdb')(MemPouch, { mode: 'minimumForPouchDB', logPath: '/dev/null' }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.on('listening', resolve));
  const port = server.address().port;
  // Documents go in through the server's own HTTP API, so the server holds them.
  const source = new PouchDB('http://127.0.0.1:' + port + '/caseload');
  const body = 'x'.repeat(250);
  for (let i = 0; i < N; i += 1000) {
    const docs = [];
    for (let k = i; k < Math.min(N, i + 1000); k++) {
      docs.push({ _id: 'note-' + String(k).padStart(6, '0'), type: 'case_note', case_id: 'case-' + (k % 10), body });
    }
    await source.bulkDocs(docs);
  }
  const times = [];
  for (let run = 0; run < 3; run++) {
    const target = new MemPouch('device-' + run);
    const t0 = process.hrtime.bigint();
    // An http source object: a plain URL string would be taken as a memory database
    // name by the MemPouch defaults.
    const remote = new PouchDB('http://127.0.0.1:' + port + '/caseload');
    const result = await target.replicate.from(remote);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (result.docs_written !== N) throw new Error('replicated ' + result.docs_written + ' of ' + N);
    times.push(s);
    await target.destroy();
  }
  times.sort((a, b) => a - b);
  console.log('pouchdb_pull_seconds ' + times[1].toFixed(3));
  server.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
