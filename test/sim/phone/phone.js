/* global document, window, location, navigator, fetch, EventSource, RTCPeerConnection, MediaStream, AudioContext, URLSearchParams, localStorage, setInterval, clearInterval, setTimeout, clearTimeout, console */
/**
 * The customer-phone page of the WhatsApp Cloud API simulator (served at /phone). Plain ES module,
 * no build step, no external requests: it talks only to the simulator's control API (`/_sim/...`)
 * and its Server-Sent Events, and does real WebRTC with the business.
 *
 * Query parameters: `?user=<wa_id or BSUID>` picks the customer; `?raw=1` turns off the mic's echo
 * cancellation, noise suppression and gain control (tests send pure tones through it).
 * Tests can read `window.phone.measure()` (dominant frequency of the audio heard) and `.snapshot()`.
 */

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const RAW_AUDIO = params.get('raw') === '1';
const GATHER_TIMEOUT_MS = 5000;

const state = {
  users: [],
  user: null,
  business: { name: 'Business', number: '' },
  messages: [], // { seq, userId, dir: 'in'|'out'|'sys', at, id?, raw?, text? }
  answered: new Map(), // permission request message id → 'accept' | 'reject'
  callDirections: new Map(),
  callEvents: new Map(), // call id → live events seen for it (the id may be known after its events)
  call: null,
  lastSeq: 0,
};

// ------------------------------------------------------------------------------- control API

async function api(method, path, body) {
  const res = await fetch(`/_sim/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, json };
}

const keyOf = (u) => u.wa_id ?? u.user_id;
const initials = (name) =>
  (name || '?')
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0])
    .join('')
    .toUpperCase();
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const duration = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const phoneFmt = (digits) => (digits ? `+${digits}` : '');

// ------------------------------------------------------------------------------- users & chat

async function loadUsers(selectKey) {
  const r = await api('GET', 'users');
  state.users = r.json.data ?? [];
  const sel = $('user-select');
  sel.replaceChildren(
    ...state.users.map((u) => {
      const o = document.createElement('option');
      o.value = keyOf(u);
      o.textContent = `${u.name ?? 'Unnamed'} · ${u.wa_id ? phoneFmt(u.wa_id) : `@${u.username ?? u.user_id}`}`;
      return o;
    }),
  );
  const wanted = selectKey ?? state.user?.user_id ?? params.get('user') ?? localStorage.getItem('sim-phone-user');
  const u = state.users.find((x) => x.user_id === wanted || x.wa_id === wanted?.replace(/^\+/, '')) ?? state.users[0] ?? null;
  selectUser(u);
}

function selectUser(u) {
  state.user = u;
  if (!u) return;
  $('user-select').value = keyOf(u);
  localStorage.setItem('sim-phone-user', u.user_id);
  renderChat();
}

function textOf(raw) {
  switch (raw.type) {
    case 'text':
      return raw.text?.body ?? '';
    case 'interactive':
      return raw.interactive?.body?.text ?? `[${raw.interactive?.type ?? 'interactive'}]`;
    case 'template':
      return `Template “${raw.template?.name ?? '?'}”`;
    case 'image':
      return `Photo${raw.image?.caption ? ` · ${raw.image.caption}` : ''}`;
    case 'audio':
      return 'Voice message';
    default:
      return `[${raw.type ?? 'message'}]`;
  }
}

/** The call-button payload of a business message, or null (interactive voice_call or a template button). */
function callButtonOf(raw) {
  if (raw.type === 'interactive' && raw.interactive?.type === 'voice_call') {
    return { label: raw.interactive.action?.parameters?.display_text ?? 'Call now' };
  }
  if (raw.type === 'template' && (raw.template?.components ?? []).some((c) => c.sub_type === 'voice_call')) return { label: 'Call now' };
  return null;
}

function isPermissionRequest(raw) {
  if (raw.type === 'interactive') return raw.interactive?.type === 'call_permission_request';
  return raw.type === 'template' && /call_permission|cpr/i.test(raw.template?.name ?? '');
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function phoneIcon() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute(
    'd',
    'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z',
  );
  svg.append(path);
  return svg;
}

function renderMessage(m) {
  if (m.dir === 'sys') {
    const li = el('li', 'sys log', m.text);
    li.prepend(phoneIcon());
    li.dataset.testid = 'chat-call-log';
    return li;
  }
  const li = el('li', `msg ${m.dir}`);
  li.dataset.testid = m.dir === 'out' ? 'chat-out' : 'chat-in';
  if (m.id) li.dataset.messageId = m.id;
  const raw = m.raw;
  if (m.dir === 'in' && raw.type === 'template') li.append(el('span', 'kind', 'Template message'));
  li.append(el('span', 'text', textOf(raw)));
  if (m.dir === 'in') {
    const actions = el('div', 'actions');
    const button = callButtonOf(raw);
    if (button) {
      const b = el('button', 'with-icon', button.label);
      b.prepend(phoneIcon());
      b.dataset.testid = 'tap-call-button';
      b.onclick = () => startCall({ tapMessageId: m.id });
      actions.append(b);
    }
    if (isPermissionRequest(raw)) {
      const answered = state.answered.get(m.id);
      if (answered) {
        actions.append(el('span', 'kind', answered === 'accept' ? '✓ You allowed calls' : '✕ You did not allow calls'));
      } else {
        for (const [label, testid, response, permanent] of [
          ['Allow', 'permission-allow', 'accept', false],
          ['Always allow', 'permission-allow-always', 'accept', true],
          ["Don't allow", 'permission-deny', 'reject', false],
        ]) {
          const b = el('button', '', label);
          b.dataset.testid = testid;
          b.onclick = () => answerPermission(m.id, response, permanent);
          actions.append(b);
        }
      }
    }
    if (actions.childElementCount > 0) li.append(actions);
  }
  li.append(el('time', '', clock(m.at)));
  return li;
}

function renderChat() {
  const u = state.user;
  $('chat-title').textContent = state.business.name;
  $('biz-avatar').textContent = initials(state.business.name);
  $('chat-sub').textContent = u ? `You: ${u.name ?? keyOf(u)}` : 'No customer selected';
  const log = $('chat-log');
  const items = u ? state.messages.filter((m) => m.userId === u.user_id) : [];
  if (items.length === 0) {
    log.replaceChildren(el('li', 'empty', 'No messages yet. Say hello, or tap the phone icon to call.'));
    return;
  }
  log.replaceChildren(...items.map(renderMessage));
  log.scrollTop = log.scrollHeight;
}

async function sendMessage(text) {
  if (!state.user || !text) return;
  const r = await api('POST', `users/${encodeURIComponent(keyOf(state.user))}/messages`, { text });
  if (!r.ok) console.warn('send failed', r.json);
}

async function answerPermission(messageId, response, permanent) {
  const r = await api('POST', `users/${encodeURIComponent(keyOf(state.user))}/permission`, { response, permanent, message_id: messageId });
  if (r.ok) {
    state.answered.set(messageId, response);
    renderChat();
  } else {
    console.warn('permission reply failed', r.json);
  }
}

// ------------------------------------------------------------------------------- events

function onEvent(e, live) {
  if (e.seq <= state.lastSeq) return; // EventSource reconnects replay from `since`
  state.lastSeq = e.seq;
  const d = e.data ?? {};
  switch (e.type) {
    case 'message.from_user':
      state.messages.push({ seq: e.seq, userId: d.userId, dir: 'out', at: e.at, id: d.message?.id, raw: d.message ?? {} });
      break;
    case 'message.to_user':
      if (!d.userId) return;
      state.messages.push({ seq: e.seq, userId: d.userId, dir: 'in', at: e.at, id: d.id, raw: { type: d.type, ...(d.message ?? {}) } });
      break;
    case 'permission.reply':
      for (const m of state.messages) {
        if (m.userId === d.user && m.dir === 'in' && isPermissionRequest(m.raw) && !state.answered.has(m.id))
          state.answered.set(m.id, d.response);
      }
      break;
    case 'user.created':
      if (live) void loadUsers();
      return;
    case 'call.outgoing':
    case 'call.incoming':
      state.callDirections.set(d.callId, e.type === 'call.outgoing' ? 'USER_INITIATED' : 'BUSINESS_INITIATED');
      if (e.type === 'call.incoming' && live) onIncoming(d);
      break;
    case 'call.ended': {
      const dir = state.callDirections.get(d.callId);
      const missed = d.status !== 'COMPLETED';
      const label =
        dir === 'BUSINESS_INITIATED'
          ? missed
            ? 'Missed voice call'
            : 'Voice call'
          : missed
            ? `Voice call · ${endText(d.reason, dir)}`
            : 'Voice call';
      state.messages.push({ seq: e.seq, userId: d.userId, dir: 'sys', at: e.at, text: `${label} · ${clock(e.at)}` });
      break;
    }
    default:
      break;
  }
  if (live && e.type.startsWith('call.') && d.callId) {
    const list = state.callEvents.get(d.callId) ?? [];
    list.push(e);
    state.callEvents.set(d.callId, list);
    if (state.call?.id === d.callId) void onCallEvent(e);
  }
  if (live && /^(message|permission|call\.ended)/.test(e.type)) renderChat();
}

async function connectEvents() {
  // History first (chat and call log), then the live stream from where history ended.
  const r = await api('GET', 'events?poll=1&since=0');
  for (const e of r.json.data ?? []) onEvent(e, false);
  renderChat();
  const link = $('sim-link');
  const es = new EventSource(`/_sim/events?since=${state.lastSeq}`);
  const handler = (msg) => onEvent(JSON.parse(msg.data), true);
  for (const type of [
    'message.from_user',
    'message.to_user',
    'permission.reply',
    'user.created',
    'call.outgoing',
    'call.incoming',
    'call.pre_accepted',
    'call.accepted',
    'call.answer_sdp',
    'call.status',
    'call.picked_up',
    'call.media',
    'call.ended',
  ]) {
    es.addEventListener(type, handler);
  }
  es.onopen = () => {
    link.textContent = 'connected';
    link.className = 'connection up';
  };
  es.onerror = () => {
    link.textContent = 'reconnecting…';
    link.className = 'connection down';
  };
}

// ------------------------------------------------------------------------------- calls

const END_TEXT = {
  not_answered: 'Not answered',
  rejected_by_business: 'Declined',
  rejected_by_user: 'Declined',
  terminated_by_business: 'Ended by the business',
  hung_up_by_user: 'Call ended',
  media_timeout: 'Call failed: no audio (138021)',
};

function endText(reason, direction) {
  if (reason === 'not_answered' && direction === 'BUSINESS_INITIATED') return 'Missed call';
  return END_TEXT[reason] ?? reason ?? 'Call ended';
}

const REFUSAL_TEXT = {
  calling_disabled: "This business doesn't take WhatsApp calls",
  sip_enabled: "This business doesn't take WhatsApp calls here",
  restricted: "This business can't take calls right now",
  outside_call_hours: 'The business is closed now',
  call_icon_hidden: 'Calling from the chat is not available for this business',
  country_restricted: "This business doesn't take calls from your country",
  already_in_call: 'You are already in a call with this business',
  concurrent_limit: "The business can't take more calls right now",
  invalid_sdp: 'Your phone could not set up the call',
};

const PHASE_TEXT = {
  calling: 'Calling…',
  ringing: 'Ringing…',
  incoming: 'Incoming voice call',
  connecting: 'Connecting…',
  connected: 'Connected',
  ended: 'Call ended',
};

function showCall() {
  const c = state.call;
  const screen = $('call-screen');
  screen.hidden = !c;
  $('call-button').disabled = Boolean(c && c.phase !== 'ended');
  $('user-select').disabled = Boolean(c && c.phase !== 'ended');
  if (!c) return;
  $('call-peer').textContent = state.business.name;
  $('call-avatar').textContent = initials(state.business.name);
  const st = $('call-state');
  st.textContent = PHASE_TEXT[c.phase];
  st.dataset.state = c.phase;
  $('call-end-reason').textContent = c.phase === 'ended' ? c.endText : '';
  $('actions-active').hidden = !['calling', 'ringing', 'connecting', 'connected'].includes(c.phase);
  $('actions-incoming').hidden = c.phase !== 'incoming';
  $('actions-ended').hidden = c.phase !== 'ended';
  $('mute-button').disabled = c.phase !== 'connected';
  $('keypad-button').disabled = c.phase !== 'connected';
  if (c.phase !== 'connected') $('keypad').hidden = true;
  renderTimer();
}

function renderTimer() {
  const c = state.call;
  const t = $('call-timer');
  if (!c?.connectedAt) {
    t.textContent = '';
    return;
  }
  t.textContent = duration(((c.endedAt ?? Date.now()) - c.connectedAt) / 1000);
}

function newCall(fields) {
  state.call = {
    id: null,
    direction: 'USER_INITIATED',
    phase: 'calling',
    pc: null,
    mic: null,
    remoteSet: false,
    connectedAt: null,
    endedAt: null,
    endText: '',
    media: null,
    lastPackets: 0,
    stalls: 0,
    muted: false,
    dtmf: '',
    timers: [],
    audio: null,
    ...fields,
  };
  $('mute-button').setAttribute('aria-pressed', 'false');
  $('keypad-button').setAttribute('aria-pressed', 'false');
  $('dtmf-sent').textContent = '';
  showCall();
  return state.call;
}

async function openMic() {
  const audio = RAW_AUDIO ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false } : true;
  return navigator.mediaDevices.getUserMedia({ audio });
}

function newPeerConnection(c) {
  const pc = new RTCPeerConnection();
  pc.ontrack = (ev) => attachRemote(c, ev.streams[0] ?? new MediaStream([ev.track]));
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'failed' && state.call === c && c.phase !== 'ended') console.warn('WebRTC connection failed');
  };
  c.pc = pc;
  return pc;
}

async function gathered(pc) {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, GATHER_TIMEOUT_MS);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(t);
          resolve();
        }
      });
    });
  }
  return pc.localDescription.sdp;
}

/** Play the business's audio and feed an analyser (level meter + `window.phone.measure()`). */
function attachRemote(c, stream) {
  if (c.audio) return;
  const player = $('remote-audio');
  player.srcObject = stream;
  player.play().catch(() => {});
  const ctx = new AudioContext();
  ctx.resume().catch(() => {});
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 16384;
  analyser.smoothingTimeConstant = 0;
  ctx.createMediaStreamSource(stream).connect(analyser);
  c.audio = { ctx, analyser };
  const buf = new Float32Array(2048);
  c.timers.push(
    setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      $('level').style.width = `${Math.min(100, Math.sqrt(sum / buf.length) * 400)}%`;
    }, 100),
  );
}

/** Tell the simulator whether audio from the business arrives (its 20 s / 30 s media timers). */
function watchMedia(c) {
  c.timers.push(
    setInterval(async () => {
      if (!c.pc || !c.id || c.phase === 'ended') return;
      let packets = 0;
      (await c.pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') packets = s.packetsReceived ?? 0;
      });
      let receiving = c.media;
      if (packets > c.lastPackets) {
        receiving = true;
        c.stalls = 0;
      } else if (++c.stalls >= 3 && c.media === true) {
        receiving = false;
      }
      c.lastPackets = packets;
      if (receiving !== c.media && receiving !== null) {
        c.media = receiving;
        if (c.phase !== 'ended') await api('POST', `calls/${encodeURIComponent(c.id)}/media`, { receiving });
      }
    }, 1000),
  );
  c.timers.push(setInterval(renderTimer, 500));
}

async function startCall(opts = {}) {
  if (!state.user || (state.call && state.call.phase !== 'ended')) return;
  const user = state.user;
  const c = newCall({ phase: 'calling' });
  try {
    c.mic = await openMic();
    const pc = newPeerConnection(c);
    pc.addTransceiver(c.mic.getAudioTracks()[0], { direction: 'sendrecv', streams: [c.mic] });
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = await gathered(pc);
    if (c.phase === 'ended') return;
    const key = encodeURIComponent(keyOf(user));
    let r;
    if (opts.tapMessageId) {
      r = await api('POST', `users/${key}/tap-call-button`, { message_id: opts.tapMessageId, sdp });
    } else {
      const via = $('call-via').value;
      const payload = $('call-payload').value.trim();
      const body = { sdp, via };
      if (via === 'call_button') body.cta_payload = payload;
      if (via === 'deeplink') body.deeplink_payload = payload;
      r = await api('POST', `users/${key}/call`, body);
    }
    if (!r.ok) {
      finish(c, r.json.refused ? (REFUSAL_TEXT[r.json.reason] ?? r.json.details) : (r.json.error ?? `Call failed (${r.status})`));
      return;
    }
    c.id = r.json.id;
    c.phase = 'ringing';
    showCall();
    watchMedia(c);
    for (const e of state.callEvents.get(c.id) ?? []) await onCallEvent(e);
  } catch (err) {
    finish(c, `Call failed: ${err.message ?? err}`);
  }
}

async function onCallEvent(e) {
  const c = state.call;
  const d = e.data;
  if (!c || c.id !== d.callId || c.phase === 'ended') return;
  if ((e.type === 'call.pre_accepted' || e.type === 'call.accepted') && c.direction === 'USER_INITIATED') {
    if (!c.remoteSet) {
      c.remoteSet = true;
      await c.pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
    }
    if (e.type === 'call.accepted') connected(c);
  } else if (e.type === 'call.ended') {
    finish(c, endText(d.reason, c.direction));
  }
}

function connected(c) {
  if (c.connectedAt) return;
  c.phase = 'connected';
  c.connectedAt = Date.now();
  showCall();
}

function onIncoming(d) {
  if (state.call && state.call.phase !== 'ended') return; // busy: the business's call keeps ringing out
  const u = state.users.find((x) => x.user_id === d.userId);
  if (u && u !== state.user) selectUser(u);
  newCall({ id: d.callId, direction: 'BUSINESS_INITIATED', phase: 'incoming', offer: d.sdp });
}

async function answerIncoming() {
  const c = state.call;
  if (!c || c.phase !== 'incoming') return;
  c.phase = 'connecting';
  showCall();
  try {
    c.mic = await openMic();
    const pc = newPeerConnection(c);
    await pc.setRemoteDescription({ type: 'offer', sdp: c.offer });
    pc.addTrack(c.mic.getAudioTracks()[0], c.mic);
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = await gathered(pc);
    if (c.phase === 'ended') return;
    const r = await api('POST', `calls/${encodeURIComponent(c.id)}/answer`, { sdp, pickup: true });
    if (!r.ok) {
      finish(c, r.json.error ?? `Could not answer (${r.status})`);
      return;
    }
    c.remoteSet = true;
    watchMedia(c);
    connected(c);
  } catch (err) {
    finish(c, `Could not answer: ${err.message ?? err}`);
  }
}

async function declineIncoming() {
  const c = state.call;
  if (!c || c.phase !== 'incoming') return;
  await api('POST', `calls/${encodeURIComponent(c.id)}/decline`);
  finish(c, 'Declined');
}

async function hangUp() {
  const c = state.call;
  if (!c || c.phase === 'ended') return;
  if (c.id) await api('POST', `calls/${encodeURIComponent(c.id)}/hangup`);
  finish(c, 'Call ended');
}

function finish(c, text) {
  if (c.phase === 'ended') return;
  c.phase = 'ended';
  c.endText = text;
  if (c.connectedAt) c.endedAt = Date.now();
  for (const t of c.timers) clearInterval(t);
  c.timers = [];
  c.pc?.close();
  c.mic?.getTracks().forEach((t) => t.stop());
  c.audio?.ctx.close().catch(() => {});
  $('remote-audio').srcObject = null;
  $('level').style.width = '0';
  if (state.call === c) showCall();
}

function toggleMute() {
  const c = state.call;
  if (!c?.mic) return;
  c.muted = !c.muted;
  for (const t of c.mic.getAudioTracks()) t.enabled = !c.muted;
  $('mute-button').setAttribute('aria-pressed', String(c.muted));
}

function pressKey(digit) {
  const sender = state.call?.pc?.getSenders().find((s) => s.track?.kind === 'audio');
  if (!sender?.dtmf || !sender.dtmf.canInsertDTMF) return;
  sender.dtmf.insertDTMF(sender.dtmf.toneBuffer + digit, 120, 70);
  state.call.dtmf += digit;
  $('dtmf-sent').textContent = state.call.dtmf;
}

/** For tests: the dominant frequency of the business's audio (WebAudio peak bin, interpolated). */
function measure() {
  const a = state.call?.audio;
  if (!a) return { frequency: 0, peakDb: -Infinity };
  const bins = new Float32Array(a.analyser.frequencyBinCount);
  a.analyser.getFloatFrequencyData(bins);
  const binHz = a.ctx.sampleRate / a.analyser.fftSize;
  let best = -1;
  for (let i = Math.max(1, Math.floor(50 / binHz)); i < bins.length - 1; i++) if (best < 0 || bins[i] > bins[best]) best = i;
  if (best <= 0 || !Number.isFinite(bins[best])) return { frequency: 0, peakDb: -Infinity };
  const [x, y, z] = [bins[best - 1], bins[best], bins[best + 1]];
  const denom = x - 2 * y + z;
  const delta = denom !== 0 && Number.isFinite(denom) ? (0.5 * (x - z)) / denom : 0;
  return { frequency: (best + delta) * binHz, peakDb: y };
}

// ------------------------------------------------------------------------------- wiring

async function loadBusiness() {
  const cred = (await api('GET', 'credentials')).json;
  state.business.number = cred.displayPhoneNumber ?? '';
  try {
    const res = await fetch(`/${cred.apiVersion}/${cred.phoneNumberId}?fields=verified_name,display_phone_number`, {
      headers: { Authorization: `Bearer ${cred.accessToken}` },
    });
    const j = await res.json();
    if (j.verified_name) state.business.name = j.verified_name;
  } catch {
    // keep the default name
  }
  $('business-name').textContent = state.business.name;
  $('business-number').textContent = phoneFmt(state.business.number);
  document.title = `Customer phone · ${state.business.name}`;
}

function wire() {
  $('user-select').onchange = (ev) => selectUser(state.users.find((u) => keyOf(u) === ev.target.value) ?? null);
  $('composer').onsubmit = (ev) => {
    ev.preventDefault();
    const input = $('message-input');
    const text = input.value.trim();
    input.value = '';
    void sendMessage(text);
  };
  $('new-user-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const f = new window.FormData(ev.target);
    const body = { name: String(f.get('name')).trim() };
    const wa = String(f.get('wa_id') ?? '').replace(/^\+/, '');
    if (wa) body.wa_id = wa;
    else body.user_id = `${(String(f.get('country')) || 'US').toUpperCase()}.${String(Date.now()).padStart(20, '0')}`;
    if (f.get('country')) body.country = String(f.get('country')).toUpperCase();
    const r = await api('POST', 'users', body);
    $('new-user-error').textContent = r.ok ? '' : (r.json.error ?? `Failed (${r.status})`);
    if (r.ok) {
      ev.target.reset();
      await loadUsers(r.json.user_id);
    }
  };
  $('call-button').onclick = () => void startCall();
  $('hangup-button').onclick = () => void hangUp();
  $('answer-button').onclick = () => void answerIncoming();
  $('decline-button').onclick = () => void declineIncoming();
  $('mute-button').onclick = toggleMute;
  $('keypad-button').onclick = () => {
    const k = $('keypad');
    k.hidden = !k.hidden;
    $('keypad-button').setAttribute('aria-pressed', String(!k.hidden));
  };
  $('call-close').onclick = () => {
    state.call = null;
    showCall();
  };
  $('keys').replaceChildren(
    ...'123456789*0#'.split('').map((digit) => {
      const b = el('button', '', digit);
      b.dataset.testid = `dtmf-${digit === '*' ? 'star' : digit === '#' ? 'hash' : digit}`;
      b.onclick = () => pressKey(digit);
      return b;
    }),
  );
  window.addEventListener('pagehide', () => {
    const c = state.call;
    if (c?.id && c.phase !== 'ended') navigator.sendBeacon(`/_sim/calls/${encodeURIComponent(c.id)}/hangup`);
  });
}

window.phone = {
  measure,
  snapshot: () => ({
    user: state.user?.user_id ?? null,
    callId: state.call?.id ?? null,
    phase: state.call?.phase ?? 'idle',
    media: state.call?.media ?? null,
    muted: state.call?.muted ?? false,
    dtmf: state.call?.dtmf ?? '',
  }),
};

wire();
await loadBusiness();
await loadUsers();
await connectEvents();
document.body.dataset.ready = 'true';
