// The signed-in frame: header (product, demo badge, quick search, color scheme, user menu) and navigation.
import {
  ActionIcon,
  AppShell,
  Avatar,
  Badge,
  Burger,
  Button,
  Divider,
  Group,
  Kbd,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure, useOs } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { spotlight } from '@mantine/spotlight';
import { useQuery } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link, Outlet, useLocation, useNavigate, useNavigation } from 'react-router';
import { LoadingState } from '@/components/states';
import { authQueries, hasRole, signOut, useCurrentUser, type Role } from '@/lib/auth';
import { DeferredQuickSearch } from './deferred-quick-search';
import { ChevronDownIcon, MoonIcon, SearchIcon, SunIcon } from './icons';
import { OfflineBanner } from './offline-banner';
import { ADMIN_NAV_ITEMS, NAV_ITEMS, type NavItem } from './shell-nav';

const ROLE_COLORS: Record<Role, string> = { viewer: 'gray', operator: 'blue', admin: 'grape' };

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const navigation = useNavigation();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Header navOpened={opened} onToggleNav={toggle} />
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <Navigation onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main>
        <OfflineBanner />
        {navigation.state === 'loading' ? <TopProgress /> : null}
        <Suspense fallback={<LoadingState />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
      <DeferredQuickSearch />
    </AppShell>
  );
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
          <Tooltip
            label="No Flowroute keys are configured: every call goes to the built-in emulator."
            withArrow
          >
            <Badge color="yellow" variant="filled" autoContrast style={{ flexShrink: 0 }}>
              <Text span inherit visibleFrom="md">
                Demo — emulated Flowroute
              </Text>
              <Text span inherit hiddenFrom="md">
                Demo
              </Text>
            </Badge>
          </Tooltip>
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
    <Tooltip label={`Switch to ${next} mode`} withArrow>
      <ActionIcon
        variant="default"
        size="lg"
        onClick={() => setColorScheme(next)}
        aria-label={`Switch to ${next} mode`}
      >
        {computed === 'dark' ? <SunIcon /> : <MoonIcon />}
      </ActionIcon>
    </Tooltip>
  );
}

function UserMenu() {
  const user = useCurrentUser();
  const navigate = useNavigate();
  if (!user) return null;
  const onSignOut = async () => {
    try {
      await signOut();
    } catch {
      notifications.show({
        color: 'yellow',
        message: 'The server did not confirm sign-out; the session was dropped here.',
      });
    }
    await navigate('/login', { replace: true });
  };
  return (
    <Menu position="bottom-end" withArrow shadow="md" width={220}>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${user.username}`} data-testid="user-menu">
          <Group gap={6} wrap="nowrap">
            <Avatar
              size="sm"
              radius="xl"
              color={ROLE_COLORS[user.role] ?? 'gray'}
              hiddenFrom="sm"
              aria-hidden="true"
            >
              {user.username.slice(0, 1).toUpperCase()}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
              {user.username}
            </Text>
            <Badge size="sm" variant="light" color={ROLE_COLORS[user.role] ?? 'gray'} visibleFrom="sm">
              {user.role}
            </Badge>
            <ChevronDownIcon />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          Signed in as {user.username} ({user.role})
        </Menu.Label>
        <Menu.Item onClick={() => void onSignOut()}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function Navigation({ onNavigate }: { onNavigate: () => void }) {
  const user = useCurrentUser();
  const location = useLocation();
  const adminItems = ADMIN_NAV_ITEMS.filter((item) => !item.role || hasRole(user, item.role));
  const renderItem = (item: NavItem) => {
    const active = location.pathname === item.to || location.pathname.startsWith(`${item.to}/`);
    const Icon = item.icon;
    return (
      <NavLink
        key={item.to}
        component={Link}
        to={item.to}
        label={item.label}
        leftSection={<Icon />}
        active={active}
        aria-current={active ? 'page' : undefined}
        onClick={onNavigate}
        style={{ borderRadius: 'var(--mantine-radius-sm)' }}
      />
    );
  };
  return (
    <ScrollArea type="auto" style={{ flex: 1 }}>
      <div>
        {NAV_ITEMS.map(renderItem)}
        {adminItems.length > 0 ? (
          <>
            <Divider my="xs" label="Admin" labelPosition="left" />
            {adminItems.map(renderItem)}
          </>
        ) : null}
      </div>
    </ScrollArea>
  );
}
