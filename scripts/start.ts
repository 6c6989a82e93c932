/**
 * `npm start`: builds Switchboard and runs it — the Electron app where an Electron binary is
 * installed, otherwise the browser host (`npm run web`) on a fixed data dir, printing the URL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import path from 'node:path';
import { electronBinary } from './lib/electron-binary.ts';

const root = path.resolve(import.meta.dirname, '..');
const build = spawnSync(path.join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = electronBinary();
const child =
  electron.path !== null
    ? spawn(electron.path, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
    : (() => {
        const dataDir =
          process.env['SWITCHBOARD_DATA_DIR'] ??
          path.join(process.env['XDG_DATA_HOME'] ?? path.join(homedir(), '.local', 'share'), 'switchboard-web');
        console.log(`No Electron binary here (${electron.reason}); starting the browser host with data in ${dataDir}.`);
        return spawn(
          process.execPath,
          [
            path.join(root, 'main/host/web-host.ts'),
            '--data-dir',
            dataDir,
            '--port',
            process.env['PORT'] ?? '5280',
            ...process.argv.slice(2),
          ],
          { cwd: root, stdio: 'inherit' },
        );
      })();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
