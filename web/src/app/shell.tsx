// The signed-in frame: header (product, demo badge, quick search, color scheme, user menu) and navigation.
import {
  ActionIcon,
  Badge,
  Burger,
  Button,
  Divider,
  Group,
  Kbd,
  NavLink,
  Text,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure, useOs } from '@mantine/hooks';
import { spotlight } from '@mantine/spotlight';
import { useQuery } from '@tanstack/react-query';
import { Suspense, useState, type MouseEvent } from 'react';
import { Link, Outlet, useLocation, useNavigation } from 'react-router';
import { LoadingState } from '@/components/states';
import { authQueries, useCurrentUser } from '@/lib/auth';
import { DeferredQuickSearch } from './deferred-quick-search';
import { Hint } from './hint';
import { MoonIcon, SearchIcon, SunIcon } from './icons';
import { OfflineBanner } from './offline-banner';
import { prefetchRoute } from '@/lib/route-prefetch';
import classes from './shell.module.css';
import type { UserMenu as UserMenuType } from './user-menu';
import { UserMenuButton } from './user-menu-button';
import { ADMIN_NAV_ITEMS, NAV_ITEMS, navItemsFor, type NavItem } from './shell-nav';

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const navigation = useNavigation();
  // The frame is plain elements and CSS (shell.module.css), not Mantine's AppShell: same layout, but AppShell's
  // resizing, aside and footer code and react-remove-scroll stay out of the first route (docs/performance.md).
  return (
    <div className={classes.shell} data-nav-open={opened || undefined}>
      <a href="#main-content" className={classes.skipLink} onClick={skipToContent}>
        Skip to content
      </a>
      {/* right-scroll-bar-position: react-remove-scroll keeps this fixed header still while a dialog locks scroll. */}
      <header className={`${classes.header} right-scroll-bar-position`}>
        <Header navOpened={opened} onToggleNav={toggle} />
      </header>
      <nav className={classes.navbar} aria-label="Main navigation" id="main-navigation">
        <Navigation onNavigate={close} />
      </nav>
      <main id="main-content" tabIndex={-1} className={classes.main}>
        <OfflineBanner />
        {navigation.state === 'loading' ? <TopProgress /> : null}
        <Suspense fallback={<LoadingState />}>
          <Outlet />
        </Suspense>
      </main>
      <DeferredQuickSearch />
    </div>
  );
}

/** The skip link moves focus to the page itself (no "#main-content" left in the address). */
function skipToContent(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById('main-content')?.focus();
}

/** A thin bar under the header while a lazy page loads. */
function TopProgress() {
  return (
    <div
      role="progressbar"
      aria-label="Loading page"
      style={{
        position: 'fixed',
        top: 56,
        left: 0,
        right: 0,
        height: 2,
        zIndex: 200,
        background: 'var(--mantine-primary-color-filled)',
        opacity: 0.7,
      }}
    />
  );
}

function Header({ navOpened, onToggleNav }: { navOpened: boolean; onToggleNav: () => void }) {
  const { data: config } = useQuery(authQueries.config());
  const os = useOs();
  const mod = os === 'macos' || os === 'ios' ? '⌘' : 'Ctrl';
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
      <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
        <Burger
          opened={navOpened}
          onClick={onToggleNav}
          hiddenFrom="sm"
          size="sm"
          aria-label={navOpened ? 'Close navigation' : 'Open navigation'}
          aria-expanded={navOpened}
          aria-controls="main-navigation"
        />
        <UnstyledButton component={Link} to="/numbers" aria-label="Flowroute ops, home">
          <Group gap={8} wrap="nowrap">
            <img src="/favicon.svg" alt="" width={24} height={24} />
            <Text fw={700} size="lg" style={{ whiteSpace: 'nowrap' }} visibleFrom="xs">
              Flowroute ops
            </Text>
          </Group>
        </UnstyledButton>
        {config?.mode === 'demo' ? (
          <Hint
            label="No Flowroute keys are configured: every call goes to the built-in emulator."
            align="start"
          >
            {(hintId) => (
              <Badge
                color="yellow"
                variant="filled"
                autoContrast
                style={{ flexShrink: 0 }}
                aria-describedby={hintId}
              >
                <Text span inherit visibleFrom="md">
                  Demo — emulated Flowroute
                </Text>
                <Text span inherit hiddenFrom="md">
                  Demo
                </Text>
              </Badge>
            )}
          </Hint>
        ) : null}
      </Group>
      <Group gap="xs" wrap="nowrap">
        <Button
          variant="default"
          size="xs"
          leftSection={<SearchIcon width={14} height={14} />}
          rightSection={
            <Text span size="xs" c="dimmed" visibleFrom="sm">
              <Kbd size="xs">{mod}</Kbd> <Kbd size="xs">K</Kbd>
            </Text>
          }
          onClick={() => spotlight.open()}
          aria-label="Quick search"
          aria-keyshortcuts="Control+K Meta+K"
          visibleFrom="sm"
        >
          Search
        </Button>
        <ActionIcon
          variant="default"
          size="lg"
          hiddenFrom="sm"
          onClick={() => spotlight.open()}
          aria-label="Quick search"
        >
          <SearchIcon />
        </ActionIcon>
        <ColorSchemeToggle />
        <UserMenu />
      </Group>
    </Group>
  );
}

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light', { getInitialValueInEffect: true });
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Hint label={`Switch to ${next} mode`} describes={false}>
      {() => (
        <ActionIcon
          variant="default"
          size="lg"
          onClick={() => setColorScheme(next)}
          aria-label={`Switch to ${next} mode`}
        >
          {computed === 'dark' ? <SunIcon /> : <MoonIcon />}
        </ActionIcon>
      )}
    </Hint>
  );
}

type UserMenuModule = { UserMenu: typeof UserMenuType };
let userMenuModule: Promise<UserMenuModule> | null = null;
/** Fetches the menu's code once (on hover or focus of its button, so it is usually there by the click). */
function loadUserMenu(): Promise<UserMenuModule> {
  userMenuModule ??= import('./user-menu').catch((error: unknown) => {
    userMenuModule = null; // a later attempt may succeed (e.g. back online)
    throw error;
  });
  return userMenuModule;
}

/**
 * The account menu: a stand-in button until first used, then Mantine's Menu, opened (its code — floating-ui and the
 * popover's focus handling — is not needed to show a page; docs/performance.md, section 2).
 */
function UserMenu() {
  const user = useCurrentUser();
  const [RealMenu, setRealMenu] = useState<UserMenuModule['UserMenu'] | null>(null);
  if (!user) return null;
  if (RealMenu) return <RealMenu user={user} openOnMount />;
  const prefetch = () => void loadUserMenu().catch(() => undefined);
  return (
    <UserMenuButton
      user={user}
      aria-haspopup="menu"
      aria-expanded={false}
      onPointerEnter={prefetch}
      onFocus={prefetch}
      onClick={() => {
        loadUserMenu().then(
          (m) => setRealMenu(() => m.UserMenu),
          () => undefined, // offline: the button stays; the next click tries again
        );
      }}
    />
  );
}

function Navigation({ onNavigate }: { onNavigate: () => void }) {
  const user = useCurrentUser();
  const location = useLocation();
  const adminItems = navItemsFor(ADMIN_NAV_ITEMS, user);
  const renderItem = (item: NavItem) => {
    const active = location.pathname === item.to || location.pathname.startsWith(`${item.to}/`);
    const Icon = item.icon;
    return (
      <NavLink
        key={item.label}
        component={Link}
        to={item.to}
        label={item.label}
        leftSection={<Icon />}
        active={active}
        aria-current={active ? 'page' : undefined}
        onClick={onNavigate}
        onPointerEnter={() => prefetchRoute(item.to)}
        onFocus={() => prefetchRoute(item.to)}
        style={{ borderRadius: 'var(--mantine-radius-sm)' }}
      />
    );
  };
  return (
    // A native scroll box: Mantine's ScrollArea brings floating-ui into the first route (docs/performance.md).
    <div className={classes.navScroll}>
      <div>
        {navItemsFor(NAV_ITEMS, user).map(renderItem)}
        {adminItems.length > 0 ? (
          <>
            <Divider my="xs" label="Admin" labelPosition="left" />
            {adminItems.map(renderItem)}
          </>
        ) : null}
      </div>
    </div>
  );
}
