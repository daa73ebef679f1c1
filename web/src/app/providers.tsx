// Everything the app runs inside: Mantine (theme, color scheme), dates, notifications, TanStack Query.
import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { queryClient as defaultQueryClient } from '@/lib/query-client';
import { NotificationsOnDemand } from './notifications-host';
import { colorSchemeManager, cssVariablesResolver, theme } from './theme';

export function AppProviders({
  children,
  queryClient = defaultQueryClient,
  env,
}: {
  children: ReactNode;
  queryClient?: QueryClient;
  /** 'test' turns off transitions and portals (component tests). */
  env?: 'default' | 'test';
}) {
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      colorSchemeManager={colorSchemeManager}
      // Follows the system setting until the user picks light or dark in the header (then stored).
      defaultColorScheme="auto"
      env={env}
    >
      <DatesProvider settings={{ locale: 'en', firstDayOfWeek: 0 }}>
        <NotificationsOnDemand position="top-right" limit={4} />
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </DatesProvider>
    </MantineProvider>
  );
}
