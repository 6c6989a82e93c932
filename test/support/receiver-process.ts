/**
 * A webhook receiver in its own process, for crash tests: `node receiver-process.ts DATA_DIR PORT SECRET`.
 * Prints "ready <port>" once listening. Killing it with SIGKILL at any moment must lose nothing.
 */
import { openDatabase } from '../../main/storage/database.ts';
import { WebhookInbox } from '../../main/webhooks/inbox.ts';
import { startWebhookReceiver } from '../../main/webhooks/webhook-receiver.ts';
import { stderrLogger } from '../../main/core/log.ts';

const [dataDir, port, secret] = process.argv.slice(2);
if (!dataDir || !port || !secret) {
  process.stderr.write('usage: receiver-process.ts DATA_DIR PORT SECRET\n');
  process.exit(2);
}
const log = stderrLogger('error');
const inbox = new WebhookInbox(openDatabase(dataDir), log);
const receiver = await startWebhookReceiver({
  inbox,
  port: Number(port),
  appSecret: () => secret,
  verifyToken: () => 'unused-verify-token',
  log,
});
process.stdout.write(`ready ${receiver.port}\n`);
