// The header's account menu (Mantine Menu). Loaded on first use by shell.tsx: Menu brings floating-ui and the
// popover focus handling, which showing a page does not need (docs/performance.md, section 2).
import { Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { signOut, type CurrentUser } from '@/lib/auth';
import { UserMenuButton } from './user-menu-button';

export function UserMenu({ user, openOnMount }: { user: CurrentUser; openOnMount?: boolean }) {
  const navigate = useNavigate();
  const target = useRef<HTMLButtonElement>(null);
  const [opened, setOpened] = useState(false);
  // Replacing the stand-in button: focus this one first, then open, so closing returns focus here (Menu returns it
  // to whatever had focus when it opened).
  useEffect(() => {
    if (!openOnMount) return;
    target.current?.focus();
    const frame = requestAnimationFrame(() => setOpened(true));
    return () => cancelAnimationFrame(frame);
  }, [openOnMount]);
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
    <Menu position="bottom-end" withArrow shadow="md" width={220} opened={opened} onChange={setOpened}>
      <Menu.Target>
        <UserMenuButton user={user} ref={target} />
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
