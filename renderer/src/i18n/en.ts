/**
 * English UI strings. Every word the renderer shows lives here.
 * vue-i18n message syntax: `{name}` interpolates; a literal `{`, `}`, `@`, `$` or `|` must be
 * written as `{'@'}` and so on.
 */
const en = {
  app: {
    name: 'Switchboard',
    nameAndVersion: 'Switchboard {version}',
    tagline: 'WhatsApp calls and messages for your business',
  },
  nav: {
    label: 'Main',
    conversations: 'Conversations',
    settings: 'Settings',
  },
  shortcuts: {
    search: 'Search',
    settings: 'Open settings',
  },
  threads: {
    title: 'Conversations',
    listLabel: 'Conversations',
    searchLabel: 'Search conversations',
    searchPlaceholder: 'Search',
    clearSearch: 'Clear search',
    filtersLabel: 'Show',
    filter: {
      all: 'All',
      unread: 'Unread',
      missed: 'Missed calls',
    },
    empty: {
      title: 'No conversations yet',
      body: 'When customers message or call your WhatsApp number, they appear here.',
    },
    emptyUnread: {
      title: 'You’re all caught up',
      body: 'Conversations with new messages show up here.',
    },
    emptyMissed: {
      title: 'No missed calls',
      body: 'Calls you didn’t get to in time are listed here, so you can call back.',
    },
    emptySearch: {
      title: 'No matches for “{query}”',
      body: 'Try a name, a phone number or words from a message.',
    },
  },
  thread: {
    regionLabel: 'Conversation',
    empty: {
      title: 'Select a conversation',
      body: 'Messages and calls with each customer appear together, in one thread.',
      searchHint: 'to search',
      settingsHint: 'for settings',
    },
  },
  call: {
    regionLabel: 'Current call',
  },
  banner: {
    firstRun: {
      label: 'Getting started',
      title: 'Connect your WhatsApp Business number to start taking calls',
      body: 'You’ll need a few details from your Meta developer dashboard. It takes about five minutes.',
      action: 'Connect number',
    },
    unreachable: {
      label: 'Calls are being missed',
      title: 'WhatsApp can’t reach this computer — calls will be missed',
      body: 'Switchboard is trying to restore the link. Customers who call now get no answer.',
      action: 'See connection',
    },
    bridge: {
      label: 'Connection problem',
      no_secret: {
        title: 'This window isn’t linked to Switchboard',
        body: 'Open the link printed by {command} — it includes a one-time key that lets this window talk to Switchboard.',
      },
      unreachable: {
        title: 'Can’t reach Switchboard',
        body: 'Check that {command} is still running. If it was restarted, open the new link it printed.',
      },
      lost: {
        title: 'Reconnecting to Switchboard…',
        body: 'The connection dropped. Switchboard will pick up where it left off.',
      },
      stopped: {
        title: 'Disconnected from Switchboard',
        body: 'Reload the window to connect again.',
      },
    },
  },
  status: {
    label: 'Status',
    bridge: {
      label: 'App connection',
      open: 'Connected',
      connecting: 'Connecting…',
      closed: 'Disconnected',
    },
    account: {
      label: 'Account',
      unknown: 'Unknown',
      not_connected: 'Not connected',
      connecting: 'Connecting…',
      connected: 'Connected',
      error: 'Needs attention',
    },
    reachability: {
      label: 'Calls',
      unknown: 'Unknown',
      connecting: 'Connecting…',
      connected: 'Reachable',
      unreachable: 'Unreachable — calls will be missed',
    },
    reachabilityShort: {
      unknown: 'Unknown',
      connecting: 'Connecting…',
      connected: 'Reachable',
      unreachable: 'Unreachable',
    },
    openAccount: 'Open account settings',
    openConnection: 'Open connection settings',
  },
  settings: {
    title: 'Settings',
    sectionsLabel: 'Settings sections',
    sections: {
      account: { title: 'Account', hint: 'Your business number' },
      calling: { title: 'Calling', hint: 'Hours, call button, voicemail' },
      connection: { title: 'Connection', hint: 'How calls reach this computer' },
      appearance: { title: 'Appearance', hint: 'Light, dark or system' },
      about: { title: 'About', hint: 'Version and runtime' },
    },
    account: {
      description: 'Switchboard answers calls and messages for one WhatsApp Business number on the Cloud API.',
      statusLabel: 'Status',
      notConnectedTitle: 'No number connected yet',
      notConnectedBody: 'Once your number is connected, customers’ calls ring here and their messages appear in Conversations.',
      needTitle: 'What you’ll need',
      need: {
        token: 'A permanent access token for your Meta app',
        appSecret: 'The app secret, so Switchboard can check that events really come from Meta',
        ids: 'Your WhatsApp Business Account ID and phone number ID',
      },
      secretsNote: 'Tokens and secrets are kept in your computer’s keychain, never in a file.',
    },
    calling: {
      description: 'Choose when customers can call you and what happens when you can’t pick up.',
      emptyTitle: 'Connect your number first',
      emptyBody: 'Calling settings are read from and saved to your WhatsApp Business number, so they appear once it’s connected.',
      goToAccount: 'Go to Account',
    },
    connection: {
      description: 'WhatsApp delivers calls to this computer through a secure public link. While it’s unreachable, calls are missed.',
      reachabilityLabel: 'Reachable for calls',
      sinceLabel: 'Since {time}',
      appLinkLabel: 'Window connected to Switchboard',
      appLinkDetail: {
        ipc: 'Desktop app',
        websocket: 'Browser window (local link)',
        fake: 'Test bridge',
      },
      reachabilityHelp: {
        unknown: 'Switchboard sets up the public link after your number is connected.',
        connecting: 'Setting up the public link…',
        connected: 'WhatsApp can reach this computer. Incoming calls will ring.',
        unreachable: 'WhatsApp can’t reach this computer right now. Incoming calls will be missed until the link is back.',
      },
    },
    appearance: {
      description: 'Switchboard follows your computer’s light or dark setting unless you pick one here.',
      themeLabel: 'Theme',
      theme: {
        system: 'System',
        light: 'Light',
        dark: 'Dark',
      },
      themeHint: {
        system: 'Match your computer',
        light: 'Always light',
        dark: 'Always dark',
      },
    },
    about: {
      description: 'Switchboard is a desktop softphone for the WhatsApp Business Cloud API.',
      version: 'Version',
      runsAs: 'Running as',
      host: {
        electron: 'Desktop app',
        'browser-host': 'Browser host',
      },
      platform: 'Platform',
      node: 'Node.js',
      electron: 'Electron',
      chrome: 'Chromium',
      startedAt: 'Started',
      loading: 'Loading…',
      unavailable: 'Not available',
    },
  },
};

export type Messages = typeof en;
export default en;
