/**
 * What runs in Electron's own Node and nowhere else we test: the thread store on `node:sqlite`
 * with FTS5 (the app opens a database seeded beforehand by plain Node and searches it through its
 * bridge; FTS5 itself is exercised in the main process), and keytar — the keychain module built
 * for this checkout — loaded and round-tripping a secret inside Electron. Skipped, with the reason,
 * where no Electron binary is installed.
 */
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { startAppServices } from '../../main/app-services.ts';
import { seedThreads } from '../support/thread-seed.ts';
import { testServiceOptions } from '../support/host.ts';
import { memoryLogger } from '../support/test-log.ts';
import {
  collectEvidenceOnFailure,
  e2eRequired,
  electronSkipReason,
  freshUserData,
  root,
  skipWithoutElectron,
  withApp,
  type PageBridge,
} from './support/electron-app.ts';

collectEvidenceOnFailure();

test.describe('Electron’s own Node', () => {
  test.skip(skipWithoutElectron, electronSkipReason);

  test('the thread store opens a seeded database and its FTS5 search answers through the bridge', async () => {
    // Seeded by the same services in plain Node, then opened by the app in Electron.
    const userData = freshUserData();
    const { log } = memoryLogger();
    const seeding = await startAppServices({ ...testServiceOptions(log), dataDir: userData });
    const seeded = seedThreads(seeding, { longThreadItems: 200 });
    await seeding.close();

    await withApp({ userData }, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      const answers = await win.evaluate(async () => {
        const sb = (window as unknown as { switchboard: PageBridge }).switchboard;
        return {
          threads: await sb['listThreads']!({ limit: 200 }),
          search: await sb['search']!({ query: 'sourdough', limit: 20 }),
          nothing: await sb['search']!({ query: 'zyxwvutsrq', limit: 20 }),
        };
      });
      expect(answers.threads.ok).toBe(true);
      expect((answers.threads.result as { threads: unknown[] }).threads.length).toBe(seeded.threadIds.length);
      const hits = (answers.search.result as { hits: Array<{ threadId: number; snippet: string }> }).hits;
      expect(answers.search.ok).toBe(true);
      expect(hits.length).toBeGreaterThan(0);
      // FTS5's snippet() marks the match (\u0001…\u0002) for the UI to highlight.
      expect(hits[0]!.snippet.toLowerCase()).toContain('\u0001sourdough\u0002');
      expect((answers.nothing.result as { hits: unknown[] }).hits).toEqual([]);

      // The same module in the main process: FTS5 is compiled into Electron's SQLite.
      const fts = await app.evaluate(() => {
        const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
        const db = new DatabaseSync(':memory:');
        db.exec("CREATE VIRTUAL TABLE notes USING fts5(body); INSERT INTO notes(body) VALUES ('ring me after lunch'), ('no calls today');");
        const rows = db.prepare('SELECT body FROM notes WHERE notes MATCH ? ORDER BY rank').all('lunch') as Array<{ body: string }>;
        const version = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
        db.close();
        return { rows: rows.map((r) => r.body), version, node: process.versions.node, electron: process.versions.electron };
      });
      expect(fts.rows).toEqual(['ring me after lunch']);
      expect(fts.electron).toBeTruthy();
      test.info().annotations.push({ type: 'electron', description: `Electron ${fts.electron}, Node ${fts.node}, SQLite ${fts.version}` });
    });
  });

  test('keytar loads in Electron’s main process and a secret round-trips through the OS keychain', async () => {
    // On Linux the keychain is a Secret Service on the session bus (the hosted CI starts one).
    const noBus = process.platform === 'linux' && !process.env['DBUS_SESSION_BUS_ADDRESS'];
    test.skip(
      noBus && !e2eRequired,
      'no D-Bus session bus, so no Secret Service for keytar (run under dbus-run-session with gnome-keyring)',
    );

    await withApp({}, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      const service = `switchboard-e2e-${process.pid}-${Date.now()}`;
      const result = await app.evaluate(
        async (_electron, { packageJson, service }) => {
          const { createRequire } = process.getBuiltinModule('node:module');
          // The keytar this checkout installed (node_modules/keytar), as the app loads it.
          const keytar = createRequire(packageJson)('keytar') as {
            setPassword(s: string, a: string, p: string): Promise<void>;
            getPassword(s: string, a: string): Promise<string | null>;
            deletePassword(s: string, a: string): Promise<boolean>;
          };
          await keytar.setPassword(service, 'e2e', 'correct horse battery staple');
          const read = await keytar.getPassword(service, 'e2e');
          const deleted = await keytar.deletePassword(service, 'e2e');
          const after = await keytar.getPassword(service, 'e2e');
          return { read, deleted, after, abi: process.versions.modules };
        },
        { packageJson: path.join(root, 'package.json'), service },
      );
      expect(result).toMatchObject({ read: 'correct horse battery staple', deleted: true, after: null });
    });
  });
});
