// The header's account menu (Mantine Menu). Loaded on first use by shell.tsx: Menu brings floating-ui and the
// popover focus handling, which showing a page does not need (docs/performance.md, section 2).
import { Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useNavigate } from 'react-router';
import { signOut, type CurrentUser } from '@/lib/auth';
import { UserMenuButton } from './user-menu-button';

export function UserMenu({ user, defaultOpened }: { user: CurrentUser; defaultOpened?: boolean }) {
  const navigate = useNavigate();
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
    <Menu position="bottom-end" withArrow shadow="md" width={220} defaultOpened={defaultOpened}>
      <Menu.Target>
        <UserMenuButton user={user} />
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
