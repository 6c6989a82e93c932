/** A WebSocket stand-in the test drives by hand: open it, fail it, feed it frames. */
import type { WebSocketLike } from '../../../renderer/src/bridge/websocket-transport.ts';

export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  static reset(): void {
    FakeWebSocket.instances = [];
  }
  static get last(): FakeWebSocket {
    const ws = FakeWebSocket.instances.at(-1);
    if (!ws) throw new Error('no WebSocket was created');
    return ws;
  }

  readonly url: string;
  readyState = 0;
  sent: unknown[] = [];
  closedByClient = false;
  onopen: ((ev: Event) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send() on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closedByClient = true;
    this.drop();
  }

  // ---- driven by the test ----
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** The server refused or the connection dropped: error, then close. */
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    this.onclose?.({ code: 1006 } as CloseEvent);
  }

  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) } as MessageEvent);
  }
}
