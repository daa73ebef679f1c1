// Frame of every /buy screen: sub-navigation, the page, and the cart (side panel on wide screens, a
// bottom bar + drawer on phones). It also resumes a purchase that a reload cut off.
import { Affix, Alert, Badge, Box, Button, Drawer, Group, Paper, Text } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useEffect } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { useHasRole } from '@/lib/auth';
import { countOf } from '@/lib/format';
import { pendingItems, totals, unfinished } from '../api/cart';
import { useCart } from '../api/cart-store';
import { formatCents } from '../api/money';
import { usePurchase } from '../api/use-purchase';
import { CartPanel } from '../components/cart-panel';

const SECTIONS = [
  { to: '/buy', label: 'Area codes', match: (p: string) => p === '/buy' || p.startsWith('/buy/areacodes') },
  { to: '/buy/search', label: 'Search numbers', match: (p: string) => p.startsWith('/buy/search') },
  { to: '/buy/cart', label: 'Cart', match: (p: string) => p.startsWith('/buy/cart') },
];

export function BuyLayout() {
  const isAdmin = useHasRole('admin');
  // Everyone may read the inventory; only admins buy (DESIGN.md roles), so others get no cart at all.
  return isAdmin ? <BuyingLayout /> : <InventoryLayout />;
}

/** Viewers and operators: the same inventory screens, read-only, without cart or purchase controls. */
function InventoryLayout() {
  const { pathname } = useLocation();
  return (
    <Box>
      <PageHeader
        title="Number inventory"
        description="Flowroute's purchasable numbers by area code and exchange, or by search."
      />
      <Alert variant="light" color="gray" mb="md" title="Read-only">
        Buying numbers needs the admin role. You can browse and search what is for sale.
      </Alert>
      <SectionNav
        sections={SECTIONS.filter((s) => s.to !== '/buy/cart')}
        pathname={pathname}
        count={0}
        label="Inventory sections"
      />
      <Outlet />
    </Box>
  );
}

function SectionNav({
  sections,
  pathname,
  count,
  label = 'Buy numbers sections',
}: {
  sections: typeof SECTIONS;
  pathname: string;
  count: number;
  label?: string;
}) {
  return (
    <Group gap={4} mb="md" component="nav" aria-label={label} wrap="wrap">
      {sections.map((section) => {
        const active = section.match(pathname);
        return (
          <Button
            key={section.to}
            component={Link}
            to={section.to}
            size="compact-sm"
            variant={active ? 'light' : 'subtle'}
            color={active ? undefined : 'gray'}
            aria-current={active ? 'page' : undefined}
            rightSection={
              section.to === '/buy/cart' && count > 0 ? (
                <Badge size="sm" circle aria-label={`${count} in cart`}>
                  {count}
                </Badge>
              ) : undefined
            }
          >
            {section.label}
          </Button>
        );
      })}
    </Group>
  );
}

function BuyingLayout() {
  const { pathname } = useLocation();
  const wide = useMediaQuery('(min-width: 75em)', true, { getInitialValueInEffect: false });
  const [drawerOpened, drawer] = useDisclosure(false);
  const cart = useCart();
  const count = pendingItems(cart).length;
  const purchase = usePurchase();
  const { resume } = purchase;
  const hasUnfinished = unfinished(cart).length > 0;

  // A reload in the middle of a purchase: send the unanswered ones again with their stored keys; the
  // proxy replays what already happened, so nothing is bought twice.
  useEffect(() => {
    if (hasUnfinished) resume();
  }, [hasUnfinished, resume]);

  const onCartPage = pathname.startsWith('/buy/cart');
  const showSidePanel = wide && !onCartPage;
  const showBottomBar = !wide && !onCartPage;

  return (
    <Box pb={showBottomBar ? 88 : 0}>
      <PageHeader
        title="Buy numbers"
        description="Browse Flowroute's inventory by area code and exchange, or search; collect numbers in the cart, then buy them in one go."
      />
      <SectionNav sections={SECTIONS} pathname={pathname} count={count} />

      <Box
        style={
          showSidePanel
            ? {
                display: 'grid',
                gridTemplateColumns: 'minmax(0, 1fr) 300px',
                gap: 'var(--mantine-spacing-lg)',
              }
            : undefined
        }
      >
        <Box style={{ minWidth: 0 }}>
          <Outlet />
        </Box>
        {showSidePanel ? (
          <Paper
            component="aside"
            aria-label="Cart"
            withBorder
            p="md"
            radius="md"
            style={{ position: 'sticky', top: 72, alignSelf: 'start' }}
          >
            <CartPanel />
          </Paper>
        ) : null}
      </Box>

      {showBottomBar ? (
        <>
          <Affix position={{ bottom: 0, left: 0, right: 0 }} zIndex={150}>
            <CartBar onOpen={drawer.open} />
          </Affix>
          <Drawer
            opened={drawerOpened}
            onClose={drawer.close}
            position="bottom"
            size="70%"
            title="Cart"
            withinPortal
            closeButtonProps={{ 'aria-label': 'Close cart' }}
            styles={{ title: { fontWeight: 700 } }}
          >
            <CartPanel onNavigate={drawer.close} inDrawer />
          </Drawer>
        </>
      ) : null}
    </Box>
  );
}

function CartBar({ onOpen }: { onOpen: () => void }) {
  const cart = useCart();
  const items = pendingItems(cart);
  const t = totals(items);
  return (
    <Paper
      component="aside"
      aria-label="Cart summary"
      shadow="md"
      withBorder
      radius={0}
      px="md"
      py="sm"
      style={{ borderLeft: 0, borderRight: 0, borderBottom: 0 }}
    >
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Box style={{ minWidth: 0 }}>
          <Text size="sm" fw={600}>
            {countOf(t.count, 'number')} in cart
          </Text>
          <Text size="xs" c="dimmed">
            Setup {formatCents(t.setup_cents)} · Monthly {formatCents(t.monthly_cents)}
          </Text>
        </Box>
        <Button
          size="sm"
          variant={t.count > 0 ? 'filled' : 'default'}
          onClick={onOpen}
          style={{ flexShrink: 0 }}
        >
          View cart
        </Button>
      </Group>
    </Paper>
  );
}
