// Deterministic seed data: the same account, routes, messages and inventory on every start (message times
// are placed relative to "now"). 'default' ≈ 40 numbers / 2,000 messages; 'large' = 10,000 / 100,000.
import { Inventory } from './inventory';
import { TOLL_FREE_NPAS } from './geo';
import { chooseOutcome, isFailingDestination, mediaFromUrl, priceNanodollars, type Mdr } from './mdr';
import { createRng, type Rng } from './prng';
import type { AccountNumber, RouteRecord } from './store';

export type SeedKind = 'default' | 'large';

export interface Seed {
  inventory: Inventory;
  numbers: AccountNumber[];
  routes: RouteRecord[];
  mdrs: Mdr[];
}

const DAY = 86_400_000;

const ALIASES = [
  'Main line',
  'Support',
  'Sales',
  'Billing',
  'Front desk',
  'Warehouse',
  'After hours',
  'Marketing SMS',
  'Dispatch',
  'Clinic reminders',
  'Seattle office',
  'NYC office',
  'Fax (legacy)',
  'Conference bridge',
  'Recruiting',
];

/** Fixed routes: every type, including weighted pairs and IPv6. Route "0" (sip-reg) is always first. */
const BASE_ROUTES: Omit<RouteRecord, 'id'>[] = [
  { alias: 'PBX East', routeType: 'host', value: 'sip.pbx-east.example.net' },
  { alias: 'Office SBC', routeType: 'host', value: '203.0.113.10:5060' },
  { alias: 'SBC IPv6', routeType: 'host', value: '[2001:db8::10]:5060' },
  { alias: 'Support queue', routeType: 'uri', value: 'sip:support@pbx.example.com' },
  {
    alias: 'Front desk (TLS)',
    routeType: 'uri',
    value: 'sips:frontdesk@voice.example.org:5061;transport=tls',
  },
  { alias: 'After-hours cell', routeType: 'number', value: '12065550142' },
  { alias: 'On-call engineer', routeType: 'number', value: '15035550199' },
  { alias: 'PBX West (weighted)', routeType: 'host', value: 'pbx-west.example.com;weight=50' },
  { alias: 'PBX East (weighted)', routeType: 'host', value: 'pbx-east.example.com;weight=50' },
  { alias: 'Voicemail', routeType: 'uri', value: 'sip:voicemail@vm.example.com;transport=udp' },
];

const SMS_BODIES = [
  'Hello are you there? ',
  'Your appointment is confirmed for tomorrow at 10:30 AM. Reply C to confirm or R to reschedule.',
  'Thanks, got it.',
  'On my way, be there in 15 minutes',
  'Can you call me back when you have a minute?',
  'Your verification code is 482913',
  'Order #10442 has shipped and should arrive Thursday.',
  'Reminder: the office is closed Monday for the holiday.',
  'Yes',
  'No, next week works better for me',
  'STOP',
  'HELP',
  'Is the warehouse open on Saturday?',
  'Please send the invoice to billing@example.com',
  'Ticket 5521 has been updated. Reply with any questions.',
  'Hi! This is Dana from Acme Dental. We have an opening at 2pm today if you would like to come in earlier than planned. Reply YES to take the slot or NO to keep your current appointment time on Friday.',
  'Your technician is scheduled to arrive between 1 PM and 3 PM. We will text you when they are on the way. If you need to change the window, reply CHANGE and we will call you to pick a new time that suits you.',
  'test sms on v2',
  'Meeting moved to 3pm',
  'Got the package, thank you!',
];

/** Non-ASCII bodies: Flowroute sends these as UCS-2 (message_encoding 8, 70 characters per segment). */
const UCS2_BODIES = [
  'Thanks! 👍',
  'Café opens at 8 ☕ see you there',
  '¿Confirmas tu cita de mañana a las 10?',
  'Your code is 193377 — do not share it',
  'We’re running 5 minutes late, sorry!',
  'Straße gesperrt, bitte Umleitung nutzen. Wir sind gleich da und melden uns sofort, wenn wir ankommen.',
];

const MEDIA_URLS = [
  'https://media.example.com/mms/storefront.jpg',
  'https://media.example.com/mms/invoice-10442.png',
  'https://media.example.com/mms/map.gif',
  'https://media.example.com/mms/welcome.mp4',
];

function randomNanp(rng: Rng): string {
  // 1 + NPA (2-9xx) + NXX (2-9xx) + 4 digits; keeps away from 555.
  const npa = rng.int(201, 989);
  let nxx = rng.int(201, 989);
  if (nxx === 555) nxx = 556;
  return `1${npa}${nxx}${String(rng.int(0, 9999)).padStart(4, '0')}`;
}

function buildRoutes(kind: SeedKind, rng: Rng): RouteRecord[] {
  const routes: RouteRecord[] = [{ id: '0', alias: 'sip-reg', routeType: 'sip-reg', value: null }];
  let id = 98380;
  for (const r of BASE_ROUTES) routes.push({ id: String(id++), ...r });
  if (kind === 'large') {
    for (let i = 0; i < 240; i++) {
      const t = i % 3;
      if (t === 0) {
        routes.push({
          id: String(id++),
          alias: `Site ${i} PBX`,
          routeType: 'host',
          value: `pbx${i}.sites.example.net`,
        });
      } else if (t === 1) {
        routes.push({
          id: String(id++),
          alias: `Agent ${i}`,
          routeType: 'uri',
          value: `sip:agent${i}@contact.example.com`,
        });
      } else {
        routes.push({ id: String(id++), alias: `Forward ${i}`, routeType: 'number', value: randomNanp(rng) });
      }
    }
  }
  return routes;
}

function buildNumbers(
  kind: SeedKind,
  inventory: Inventory,
  routes: RouteRecord[],
  rng: Rng,
): AccountNumber[] {
  // Plus two toll-free numbers below: 40 in the default account, 10,000 in the large one.
  const target = kind === 'large' ? 9_998 : 38;
  const exchanges = inventory.accountExchanges;
  // The default account is concentrated in a handful of states, as a real small business would be.
  const pool =
    kind === 'large'
      ? exchanges
      : exchanges.filter((e) => ['wa', 'or', 'ca', 'ny', 'nj', 'tx', 'il', 'fl', 'co'].includes(e.state));
  const taken = new Set<string>();
  const out: AccountNumber[] = [];
  const routeIds = routes.map((r) => r.id);
  const makeRoutes = (): Pick<AccountNumber, 'primaryRoute' | 'failoverRoute'> => {
    const primaryRoute = rng.chance(0.4) ? '0' : rng.pick(routeIds);
    let failoverRoute: string | null = null;
    if (rng.chance(0.55)) {
      failoverRoute = rng.pick(routeIds);
      if (failoverRoute === primaryRoute) failoverRoute = null;
    }
    return { primaryRoute, failoverRoute };
  };
  while (out.length < target) {
    const e = rng.pick(pool);
    const value = `1${e.npa}${String(e.nxx).padStart(3, '0')}${String(rng.int(0, 9999)).padStart(4, '0')}`;
    if (taken.has(value)) continue;
    taken.add(value);
    out.push({
      value,
      alias: rng.chance(0.5) ? rng.pick(ALIASES) : null,
      cnamLookups: rng.chance(0.7),
      numberType: 'longcode',
      rateCenter: e.rateCenter,
      state: e.state,
      ...makeRoutes(),
    });
  }
  // Two toll-free numbers. Flowroute's attributes for toll-free numbers are not documented; the emulator
  // gives them rate_center "tollfree" and an empty state (inferred).
  for (let i = 0; i < 2; i++) {
    const npa = TOLL_FREE_NPAS[i % TOLL_FREE_NPAS.length]!;
    out.push({
      value: `1${npa}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`,
      alias: i === 0 ? 'Customer care (toll-free)' : null,
      cnamLookups: false,
      numberType: 'toll-free',
      rateCenter: 'tollfree',
      state: '',
      ...makeRoutes(),
    });
  }
  return out.sort((a, b) => (a.value < b.value ? -1 : 1));
}

function buildMdrs(kind: SeedKind, numbers: AccountNumber[], now: number, rng: Rng): Mdr[] {
  const count = kind === 'large' ? 100_000 : 2_000;
  // Contacts; some are destinations where every message fails (see isFailingDestination), kept to ~6 %
  // so that about nine in ten outbound messages are delivered.
  const contacts = Array.from({ length: kind === 'large' ? 3_000 : 250 }, () => {
    let c = randomNanp(rng);
    while (isFailingDestination(c) && rng.chance(0.5)) c = randomNanp(rng);
    return c;
  });
  // A few busy numbers carry most of the traffic.
  const busy = numbers.slice(0, Math.min(12, numbers.length));
  const mdrs: Mdr[] = [];
  const prices = new Map<string, ReturnType<typeof priceNanodollars>>();
  for (let i = 0; i < count; i++) {
    const own = rng.chance(0.7) ? rng.pick(busy) : rng.pick(numbers);
    const contact = rng.pick(contacts);
    const outbound = rng.chance(0.55);
    const isMms = rng.chance(0.06);
    let body = rng.chance(0.06) ? rng.pick(UCS2_BODIES) : rng.pick(SMS_BODIES);
    if (isMms && rng.chance(0.3)) body = '';
    const ts = now - 60_000 - Math.floor(rng.next() * 60 * DAY);
    const id = `mdr2-${rng.hex(32)}`;
    const priceKey = `${isMms ? 'mms' : 'sms'}:${body}`;
    let price = prices.get(priceKey);
    if (!price) {
      price = priceNanodollars(body, isMms);
      prices.set(priceKey, price);
    }
    const { amount, encoding } = price;
    const to = outbound ? contact : own.value;
    mdrs.push({
      id,
      ts,
      direction: outbound ? 'outbound' : 'inbound',
      from: outbound ? own.value : contact,
      to,
      body,
      isMms,
      encoding,
      amount,
      messageType: own.numberType === 'toll-free' ? 'toll-free' : 'longcode',
      media: isMms ? [mediaFromUrl(rng.pick(MEDIA_URLS), rng.hex(19).replace(/[a-f]/g, '7'))] : undefined,
      outcome: outbound ? chooseOutcome(to, rng.next()) : 0,
      l1: rng.int(300, 900),
      l2: rng.int(1_500, 4_000),
    });
  }
  return mdrs.sort((a, b) => a.ts - b.ts);
}

export function buildSeed(kind: SeedKind, now: number): Seed {
  const inventory = new Inventory();
  const rng = createRng(kind === 'large' ? 0x1a_76_e0 : 0xf1_0e_20);
  const routes = buildRoutes(kind, rng);
  const numbers = buildNumbers(kind, inventory, routes, rng);
  const mdrs = buildMdrs(kind, numbers, now, rng);
  return { inventory, numbers, routes, mdrs };
}
