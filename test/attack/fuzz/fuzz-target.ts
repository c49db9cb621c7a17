/**
 * The service under fuzzing, in its own process (so a crash is visible and its memory is its
 * own): the real app over a fresh SQLite database, Kaltura configured in local mode so sessions
 * succeed, listening on 127.0.0.1. Run with `--expose-gc` and an IPC channel; answers
 * `{type:'memory'}` with its memory after a memory-reducing GC (settled-memory.ts), and `{type:'close'}` by closing and exiting.
 */
import { CANVAS_SPEC_SETTINGS, createTestApp, saveSettings, seedUser } from '../../helper.js';
import { leakRecorder } from '../leak-scan/leak-recorder.js';
import { settledMemory, type SettledMemory } from './settled-memory.js';

/** Messages the fuzz test receives. */
export type TargetMessage =
  | { type: 'ready'; port: number; token: string; userIds: number[] }
  | ({ type: 'memory' } & SettledMemory);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('run with --expose-gc and an IPC channel');
leakRecorder.setFile('test/attack/fuzz.test.ts (server process)');

const t = await createTestApp();
const root = await t.ctx.accounts.create({ name: 'Default Account', isDefault: true, domains: ['school.example.edu'] });
const admin = await seedUser(t.ctx, { accountId: root.id, admin: true, userName: 'Fuzz Admin' });
const student = await seedUser(t.ctx, { accountId: root.id, sisUserId: 'sis-1', userName: 'Fuzz Student' });
await saveSettings(t.ctx, { ...CANVAS_SPEC_SETTINGS, session_mode: 'local', ks_version: '2' });
await t.app.listen({ host: '127.0.0.1', port: 0 });
const address = t.app.server.address();
if (!address || typeof address === 'string') throw new Error('no port');

const send = (m: TargetMessage) => process.send!(m);
send({ type: 'ready', port: address.port, token: admin.token, userIds: [admin.user.id, student.user.id, 999_999] });

process.on('message', (m: { type: string }) => {
  if (m.type === 'memory') {
    send({ type: 'memory', ...settledMemory() });
  } else if (m.type === 'close') {
    void t.close().finally(() => {
      leakRecorder.flush();
      process.exit(0);
    });
  }
});
